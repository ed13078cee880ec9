package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.EndpointFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Taking an endpoint's slot is conditional: a concurrency cap holds under a burst, and the explanation costs no slot. */
class RouterAdmissionTest {

  private static final int THREADS = 8;

  /** A filter that holds every routing thread until all of them have passed the built-in checks. */
  private static EndpointFilter allTogether(CountDownLatch gate) {
    return (candidates, index) -> {
      gate.countDown();
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    };
  }

  private static List<RouteResult> burst(Router router) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<RouteResult>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        futures.add(pool.submit(() -> router.route(RouteRequest.of("m"))));
      }
      List<RouteResult> results = new ArrayList<>();
      for (Future<RouteResult> f : futures) {
        results.add(f.get(20, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void route_burstAgainstMaxConcurrency_neverExceedsTheCap() throws Exception {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()),
        List.of(Endpoint.builder("e", "http://127.0.0.1:9000").serves("m").maxConcurrency(2).build()));
    Router router = Router.builder(registry).addFilter(allTogether(new CountDownLatch(THREADS))).build();

    List<RouteResult> results = burst(router);

    assertThat(results.stream().filter(RouteResult::isDecision)).hasSize(2);
    assertThat(results.stream().filter(r -> !r.isDecision()))
        .allSatisfy(r -> assertThat(((Rejection) r).reason()).isEqualTo(RejectionReason.OVER_CAPACITY));
    assertThat(registry.snapshot().state("e").inFlight()).isEqualTo(2);
  }

  @Test
  void route_burstAgainstATemporaryCap_neverExceedsIt() throws Exception {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()),
        List.of(Endpoint.builder("e", "http://127.0.0.1:9000").serves("m").build()));
    registry.snapshot().state("e").capConcurrency(1); // as a half-open circuit does
    Router router = Router.builder(registry).addFilter(allTogether(new CountDownLatch(THREADS))).build();

    assertThat(burst(router).stream().filter(RouteResult::isDecision)).hasSize(1);
    assertThat(registry.snapshot().state("e").inFlight()).isEqualTo(1);
  }

  @Test
  void explain_showsTheWinnersScoreBeforeItsSlotIsTaken() {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()),
        List.of(Endpoint.builder("a", "http://127.0.0.1:9000").serves("m").build(),
            Endpoint.builder("b", "http://127.0.0.1:9001").serves("m").build()));
    Router router = Router.builder(registry).build();

    Decision d = (Decision) router.route(RouteRequest.builder("m").explain(true).build());

    Explanation why = d.explanation();
    assertThat(why).isNotNull();
    Explanation.Candidate chosen = why.candidates().stream().filter(Explanation.Candidate::chosen).findFirst().orElseThrow();
    Explanation.Candidate other = why.candidates().stream().filter(c -> !c.chosen()).findFirst().orElseThrow();
    assertThat(chosen.inFlight()).isZero();
    assertThat(chosen.score()).isLessThanOrEqualTo(other.score());
  }

  @Test
  void explain_aThrowingFilterLeaksNoSlot() {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()),
        List.of(Endpoint.builder("e", "http://127.0.0.1:9000").serves("m").build()));
    int[] calls = {0};
    // Passes while routing, throws when the explanation runs the filters again.
    EndpointFilter flaky = (candidates, index) -> {
      if (++calls[0] > 1) {
        throw new IllegalStateException("user filter failed");
      }
      return true;
    };
    Router router = Router.builder(registry).addFilter(flaky).build();

    assertThatThrownBy(() -> router.route(RouteRequest.builder("m").explain(true).build()))
        .isInstanceOf(IllegalStateException.class);

    EndpointState state = registry.snapshot().state("e");
    assertThat(state.inFlight()).isZero();
  }
}
