package io.modelrouter.http;

import io.modelrouter.Decision;
import io.modelrouter.Rejection;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** Observers called in order. */
final class CompositeObserver implements ForwardingObserver {
  private final List<ForwardingObserver> all;

  CompositeObserver(List<ForwardingObserver> all) {
    this.all = Objects.requireNonNull(all);
  }

  @Override
  public Observation start(ProxyRequest request, String requestId) {
    Observation[] each = new Observation[all.size()];
    for (int i = 0; i < each.length; i++) {
      each[i] = all.get(i).start(request, requestId);
    }
    return new Observation() {
      @Override
      public AttemptObservation attempt(Decision decision, int number, boolean hedge, BiConsumer<String, String> headers) {
        AttemptObservation[] attempts = new AttemptObservation[each.length];
        for (int i = 0; i < each.length; i++) {
          attempts[i] = each[i].attempt(decision, number, hedge, headers);
        }
        return outcome -> {
          for (AttemptObservation a : attempts) {
            a.ended(outcome);
          }
        };
      }

      @Override
      public void rejected(Rejection rejection) {
        for (Observation o : each) {
          o.rejected(rejection);
        }
      }

      @Override
      public void failed(ForwardingException failure) {
        for (Observation o : each) {
          o.failed(failure);
        }
      }

      @Override
      public void completed(ProxyResponse response, @Nullable Throwable failure) {
        for (Observation o : each) {
          o.completed(response, failure);
        }
      }
    };
  }
}
