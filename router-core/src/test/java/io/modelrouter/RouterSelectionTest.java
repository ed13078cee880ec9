package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.CompositeStrategy;
import io.modelrouter.select.DeadlinePolicy;
import io.modelrouter.select.EndpointFilter;
import io.modelrouter.select.LoadShedding;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The router's selection stages: budgets, shedding, adapter affinity, version split, explanations. */
class RouterSelectionTest {

  private static final long MS = 1_000_000L;

  private long now = 1_000 * MS;
  private final InMemoryRegistry registry = InMemoryRegistry.create(() -> now);

  private void endpoints(int n, java.util.function.BiFunction<Integer, Endpoint.Builder, Endpoint.Builder> custom) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(custom.apply(i, Endpoint.builder("e" + i, "http://127.0.0.1:" + (9000 + i)).serves("m")).build());
    }
    registry.replace(List.of(ModelSpec.builder("m", "1").build()), list);
  }

  private EndpointState state(int i) {
    return registry.snapshot().state("e" + i);
  }

  private void latency(int i, long ms) {
    state(i).recordLatency(ms * MS, now, Strategies.DEFAULT_EWMA_DECAY.toNanos());
  }

  private Router.Builder router(SelectionStrategy strategy) {
    return Router.builder(registry).strategy(strategy).ticker(() -> now).random(new SplittableRandom(1));
  }

  private static String chosen(RouteResult r) {
    Decision d = r.decisionOrThrow();
    d.lease().close();
    return d.endpoint().id();
  }

  @Test
  void latencyBudget_onlyEndpointsPredictedToMeetItAreCandidates() {
    endpoints(2, (i, b) -> b);
    latency(0, 300);
    latency(1, 50);
    Router router = router(Strategies.roundRobin()).build();
    RouteRequest request = RouteRequest.builder("m").latencyBudget(Duration.ofMillis(100)).build();
    for (int k = 0; k < 10; k++) {
      assertThat(chosen(router.route(request))).isEqualTo("e1");
    }
  }

  @Test
  void latencyBudget_noneFits_rejectsWithDeadlineUnmeetable() {
    endpoints(2, (i, b) -> b);
    latency(0, 300);
    latency(1, 250);
    RouteResult r = router(Strategies.roundRobin()).build()
        .route(RouteRequest.builder("m").latencyBudget(Duration.ofMillis(100)).build());
    assertThat(r).isInstanceOf(Rejection.class);
    Rejection rejection = (Rejection) r;
    assertThat(rejection.reason()).isEqualTo(RejectionReason.DEADLINE_UNMEETABLE);
    assertThat(rejection.httpStatus()).isEqualTo(504);
    assertThat(rejection.retryAfter()).isEqualTo(Router.DEFAULT_RETRY_AFTER);
    assertThat(rejection.message())
        .isEqualTo("no endpoint of model 'm:1' is predicted to meet the latency budget of 100.0 ms (fastest predicted: 250.0 ms)");
  }

  @Test
  void latencyBudget_bestEffort_routesAnyway() {
    endpoints(2, (i, b) -> b);
    latency(0, 300);
    latency(1, 250);
    Router router = router(Strategies.leastRequest()).deadlinePolicy(DeadlinePolicy.BEST_EFFORT).build();
    RouteResult r = router.route(RouteRequest.builder("m").latencyBudget(Duration.ofMillis(100)).build());
    assertThat(r.isDecision()).isTrue();
    r.decisionOrThrow().lease().close();
  }

  @Test
  void latencyBudget_queueOnTheServerCountsInThePrediction() {
    endpoints(2, (i, b) -> b.maxConcurrency(4));
    latency(0, 60);
    latency(1, 60);
    state(0).updateServerMetrics(8, 4, 0.5, now); // 8 waiting on 4 slots: 60 ms * (1 + 2) = 180 ms
    Router router = router(Strategies.roundRobin()).build();
    RouteRequest request = RouteRequest.builder("m").latencyBudget(Duration.ofMillis(100)).build();
    for (int k = 0; k < 6; k++) {
      assertThat(chosen(router.route(request))).isEqualTo("e1");
    }
  }

  @Test
  void ttftBudget_usesTheTimeToFirstTokenEstimate() {
    endpoints(2, (i, b) -> b);
    state(0).recordTtft(400 * MS, now, Strategies.DEFAULT_EWMA_DECAY.toNanos());
    state(1).recordTtft(40 * MS, now, Strategies.DEFAULT_EWMA_DECAY.toNanos());
    Router router = router(Strategies.roundRobin()).build();
    RouteRequest request = RouteRequest.builder("m").ttftBudget(Duration.ofMillis(100)).build();
    for (int k = 0; k < 4; k++) {
      assertThat(chosen(router.route(request))).isEqualTo("e1");
    }
  }

  @Test
  void shedding_saturatedPool_shedsSheddableFirst_criticalStillGetsTheBest() {
    endpoints(2, (i, b) -> b);
    state(0).updateServerMetrics(10, 8, 0.95, now);
    state(1).updateServerMetrics(6, 8, 0.85, now);
    Router router = router(Strategies.llmAware()).build();

    RouteResult shed = router.route(RouteRequest.builder("m").priority(Priority.SHEDDABLE).build());
    assertThat(shed).isInstanceOf(Rejection.class);
    assertThat(((Rejection) shed).reason()).isEqualTo(RejectionReason.OVERLOADED);
    assertThat(((Rejection) shed).retryAfter()).isEqualTo(Router.DEFAULT_RETRY_AFTER);
    assertThat(((Rejection) shed).message()).isEqualTo("every endpoint of model 'm:1' is saturated; sheddable requests are shed first");

    assertThat(router.route(RouteRequest.builder("m").priority(Priority.STANDARD).build()).isDecision()).isTrue();
    for (int k = 0; k < 5; k++) {
      assertThat(chosen(router.route(RouteRequest.builder("m").priority(Priority.CRITICAL).build()))).isEqualTo("e1");
    }
  }

  @Test
  void shedding_standardToo_whenConfigured() {
    endpoints(1, (i, b) -> b.maxConcurrency(10));
    for (int k = 0; k < 9; k++) {
      state(0).acquire(); // 90% of the limit, no metrics: saturated by concurrency
    }
    Router router = router(Strategies.leastRequest())
        .loadShedding(LoadShedding.builder().shed(EnumSet.of(Priority.SHEDDABLE, Priority.STANDARD)).build())
        .build();
    assertThat(router.route(RouteRequest.of("m")).isDecision()).isFalse();
    assertThat(router.route(RouteRequest.builder("m").priority(Priority.CRITICAL).build()).isDecision()).isTrue();
  }

  @Test
  void shedding_partlySaturatedPool_sendsSheddableOnlyToEndpointsWithRoom() {
    endpoints(3, (i, b) -> b);
    state(0).updateServerMetrics(9, 8, 0.5, now);
    state(1).updateServerMetrics(0, 2, 0.9, now);
    state(2).updateServerMetrics(1, 3, 0.4, now);
    Router router = router(Strategies.roundRobin()).build();
    Map<String, Integer> standard = new HashMap<>();
    for (int k = 0; k < 9; k++) {
      assertThat(chosen(router.route(RouteRequest.builder("m").priority(Priority.SHEDDABLE).build()))).isEqualTo("e2");
      standard.merge(chosen(router.route(RouteRequest.of("m"))), 1, Integer::sum);
    }
    assertThat(standard).containsOnlyKeys("e0", "e1", "e2");
  }

  @Test
  void shedding_staleMetricsCountAsSaturatedNotIdle() {
    endpoints(1, (i, b) -> b);
    state(0).updateServerMetrics(0, 0, 0.0, now);
    now += 10_000 * MS;
    RouteResult r = router(Strategies.roundRobin()).build().route(RouteRequest.builder("m").priority(Priority.SHEDDABLE).build());
    assertThat(r).isInstanceOf(Rejection.class);
    assertThat(((Rejection) r).reason()).isEqualTo(RejectionReason.OVERLOADED);
  }

  @Test
  void shedding_disabled_neverSheds() {
    endpoints(1, (i, b) -> b);
    state(0).updateServerMetrics(50, 8, 1.0, now);
    Router router = router(Strategies.roundRobin()).loadShedding(LoadShedding.disabled()).build();
    assertThat(router.route(RouteRequest.builder("m").priority(Priority.SHEDDABLE).build()).isDecision()).isTrue();
  }

  @Test
  void adapterAffinity_prefersHoldersThenFreeSlots() {
    endpoints(3, (i, b) -> b.maxAdapters(i == 2 ? 1 : 2));
    state(0).updateLoadedAdapters(Set.of("sql"));
    state(2).updateLoadedAdapters(Set.of("poetry"));
    Router router = router(Strategies.roundRobin()).build();
    RouteRequest sql = RouteRequest.builder("m").adapter("sql").build();
    for (int k = 0; k < 6; k++) {
      assertThat(chosen(router.route(sql))).isEqualTo("e0");
    }
    RouteRequest withoutHolder = sql.toBuilder().exclude("e0").build();
    for (int k = 0; k < 6; k++) {
      assertThat(chosen(router.route(withoutHolder))).isEqualTo("e1");
    }
    // every slot taken: still served, by an endpoint that can swap an adapter out
    assertThat(chosen(router.route(withoutHolder.toBuilder().exclude("e1").build()))).isEqualTo("e2");
  }

  @Test
  void trafficSplit_isStickyPerAffinityKey_andFollowsTheWeights() {
    registry.replace(
        List.of(ModelSpec.builder("m", "1").trafficWeight(90).build(), ModelSpec.builder("m", "2").trafficWeight(10).build()),
        List.of(
            Endpoint.builder("old", "http://127.0.0.1:9000").serves("m:1").build(),
            Endpoint.builder("canary", "http://127.0.0.1:9001").serves("m:2").build()));
    Router router = router(Strategies.p2cPeakEwma()).build();
    int canary = 0;
    for (int key = 0; key < 2_000; key++) {
      RouteRequest r = RouteRequest.builder("m").affinityKey("session-" + key).build();
      String first = router.route(r).decisionOrThrow().model().version();
      for (int again = 0; again < 3; again++) {
        Decision d = router.route(r).decisionOrThrow();
        d.lease().close();
        assertThat(d.model().version()).isEqualTo(first);
      }
      if (first.equals("2")) {
        canary++;
      }
    }
    assertThat(canary).isBetween(150, 250);
  }

  @Test
  void strategyFilters_runInThePipeline_withTheirRejectionReason() {
    endpoints(2, (i, b) -> b.labels(Map.of("gpu", i == 0 ? "a10" : "h100")));
    EndpointFilter h100 = (c, i) -> "h100".equals(c.endpoint(i).labels().get("gpu"));
    Router router = router(CompositeStrategy.builder().filter(h100).build()).build();
    for (int k = 0; k < 5; k++) {
      assertThat(chosen(router.route(RouteRequest.of("m")))).isEqualTo("e1");
    }
    state(1).setStatus(io.modelrouter.health.EndpointStatus.UNHEALTHY, now);
    RouteResult r = router.route(RouteRequest.of("m"));
    assertThat(((Rejection) r).reason()).isEqualTo(RejectionReason.NO_HEALTHY_ENDPOINT);
  }

  @Test
  void explain_namesTheStageThatRemovedEachCandidate() {
    endpoints(3, (i, b) -> b);
    latency(0, 300);
    latency(1, 20);
    latency(2, 20);
    state(2).updateServerMetrics(20, 8, 0.99, now);
    Router router = router(Strategies.p2cPeakEwma()).build();
    Explanation e = router.route(RouteRequest.builder("m")
            .latencyBudget(Duration.ofMillis(100)).priority(Priority.SHEDDABLE).explain(true).build())
        .decisionOrThrow().explanation();
    assertThat(e.chosen()).isEqualTo("e1");
    assertThat(e.candidates()).extracting(Explanation.Candidate::removedBy)
        .containsExactly("latency-budget", null, "saturated");
    // explained before the lease is taken, with the score it won with: 20 ms * (0 in flight + 1)
    assertThat(e.candidates().get(1).score()).isEqualTo(20.0 * MS);
  }
}
