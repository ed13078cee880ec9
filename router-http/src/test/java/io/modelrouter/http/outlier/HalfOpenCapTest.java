package io.modelrouter.http.outlier;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A half-open endpoint takes only its trial requests, even from a burst of routing threads. */
class HalfOpenCapTest {

  private final long[] now = {1};
  private final InMemoryRegistry registry = InMemoryRegistry.create(() -> now[0]);

  @Test
  void halfOpen_burstOfRoutingThreads_getsOnlyTheTrialSlots() throws Exception {
    registry.replace(List.of(ModelSpec.builder("m", "1").build()),
        List.of(Endpoint.builder("e", "http://127.0.0.1:9000").serves("m").build()));
    OutlierDetector d = OutlierDetector.builder(registry).ticker(() -> now[0])
        .consecutiveFailures(1).baseEjectionTime(Duration.ofSeconds(10)).halfOpenSuccesses(1).build();
    EndpointState state = registry.snapshot().state("e");
    d.onOutcome(registry.snapshot().endpoint("e"), state, Outcome.failure(), 1_000_000);
    now[0] += TimeUnit.SECONDS.toNanos(10);
    d.sweep();
    assertThat(d.isHalfOpen("e")).isTrue();
    assertThat(state.concurrencyCap()).isEqualTo(1);

    int threads = 8;
    CountDownLatch together = new CountDownLatch(threads);
    Router router = Router.builder(registry).ticker(() -> now[0]).addFilter(d.halfOpenFilter())
        .addFilter((candidates, index) -> {
          together.countDown(); // every thread has passed the half-open filter before any takes a slot
          try {
            together.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return true;
        }).build();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<RouteResult> results = new ArrayList<>();
    try {
      List<Future<RouteResult>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> router.route(RouteRequest.of("m"))));
      }
      for (Future<RouteResult> f : futures) {
        results.add(f.get(20, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(results.stream().filter(RouteResult::isDecision)).hasSize(1);
    assertThat(state.inFlight()).isEqualTo(1);

    d.onOutcome(registry.snapshot().endpoint("e"), state, Outcome.success(), 1_000_000);
    assertThat(state.concurrencyCap()).isZero();
  }
}
