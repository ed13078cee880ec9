package io.modelrouter.http;

import io.modelrouter.Decision;
import io.modelrouter.Outcome;
import io.modelrouter.Rejection;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Hears each request's life in a {@link RoutingClient}: its start, every attempt (first try,
 * retries, hedge) and its end, for metrics, traces and logs. {@code RouterMetrics} (Micrometer) and
 * {@code RouterTracing} (OpenTelemetry) in {@code io.modelrouter.http.observability} implement it;
 * {@link RoutingClient.Builder#addObserver} installs them.
 *
 * <p>Every method is called at most once per object, on whichever thread drives the request (the
 * caller, a transport's callback or the hedge timer), so an implementation keeps per-request state
 * in its {@link Observation} and must be quick and must not throw.
 */
@FunctionalInterface
public interface ForwardingObserver {

  /** An observer that does nothing (the default). */
  static ForwardingObserver none() {
    return NoObservation.OBSERVER;
  }

  /** Several observers as one, called in order. */
  static ForwardingObserver of(List<ForwardingObserver> observers) {
    List<ForwardingObserver> all = List.copyOf(observers);
    if (all.isEmpty()) {
      return none();
    }
    return all.size() == 1 ? all.get(0) : new CompositeObserver(all);
  }

  /** A request starts, on the caller's thread, before it is routed. */
  Observation start(ProxyRequest request, String requestId);

  /** One request's observation. */
  interface Observation {

    /**
     * An attempt is about to be sent to {@code decision}'s endpoint.
     *
     * @param number the attempt's number, 1 for the first
     * @param headers sets a header on this attempt's request (the trace context), over a forwarded one
     * @return the attempt's own observation, told its outcome
     */
    default AttemptObservation attempt(Decision decision, int number, boolean hedge, BiConsumer<String, String> headers) {
      return AttemptObservation.NONE;
    }

    /** The router refused the request: it ends here. */
    default void rejected(Rejection rejection) {}

    /** No endpoint answered: the request ends here. */
    default void failed(ForwardingException failure) {}

    /**
     * The request ended with an endpoint's answer: its body was read to the end ({@code failure}
     * null), failed, or was closed early. Status, time to first byte and tokens are in {@code response}.
     */
    default void completed(ProxyResponse response, @Nullable Throwable failure) {}
  }

  /** One attempt's observation. */
  @FunctionalInterface
  interface AttemptObservation {

    /** Observes nothing. */
    AttemptObservation NONE = outcome -> {};

    /**
     * The attempt ended: its lease was completed with {@code outcome}, or its answer's headers
     * arrived and go to the client ({@link Outcome#httpStatus()} is the endpoint's status, 0 when
     * none arrived).
     */
    void ended(Outcome outcome);
  }
}
