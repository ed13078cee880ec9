package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeaseTest {

  private static final long MS = 1_000_000L;

  private final AtomicLong now = new AtomicLong(5_000 * MS);
  private final InMemoryRegistry registry = InMemoryRegistry.create(now::get);
  private final List<String> heard = new ArrayList<>();
  private Router router;

  @BeforeEach
  void setUp() {
    registry.replace(List.of(ModelSpec.builder("m", "1").build()),
        List.of(Endpoint.builder("x", "http://127.0.0.1:9").serves("m").build()));
    router = Router.builder(registry)
        .ticker(now::get)
        .random(new SplittableRandom(1))
        .addOutcomeListener((e, s, o, latency) -> heard.add(e.id() + " " + o.kind() + " " + latency / MS))
        .build();
  }

  private EndpointState state() {
    return registry.snapshot().state("x");
  }

  @Test
  void route_countsTheRequestInFlight_untilTheLeaseCompletes() {
    Decision d = router.route(RouteRequest.of("m")).decisionOrThrow();
    assertThat(state().inFlight()).isEqualTo(1);
    now.addAndGet(40 * MS);
    assertThat(d.lease().complete(Outcome.success())).isTrue();
    assertThat(state().inFlight()).isZero();
    assertThat(state().requests()).isEqualTo(1);
    assertThat(state().latencyEwmaNanos()).isEqualTo(40.0 * MS);
    assertThat(heard).containsExactly("x SUCCESS 40");
  }

  @Test
  void route_startsThePendingClock_andAnAnswerRestartsIt_butATimeoutDoesNot() {
    Decision first = router.route(RouteRequest.of("m")).decisionOrThrow();
    Decision second = router.route(RouteRequest.of("m")).decisionOrThrow();
    now.addAndGet(300 * MS);
    assertThat(state().pendingAgeNanos(now.get())).isEqualTo(300 * MS);
    first.lease().complete(Outcome.timeout());
    assertThat(state().pendingAgeNanos(now.get())).isEqualTo(300 * MS);
    now.addAndGet(100 * MS);
    second.lease().complete(Outcome.ofStatus(500));
    assertThat(state().pendingAgeNanos(now.get())).isZero(); // idle
    Decision third = router.route(RouteRequest.of("m")).decisionOrThrow();
    now.addAndGet(20 * MS);
    assertThat(state().pendingAgeNanos(now.get())).isEqualTo(20 * MS);
    third.lease().close();
  }

  @Test
  void complete_onlyTheFirstCallCounts() {
    Decision d = router.route(RouteRequest.of("m")).decisionOrThrow();
    assertThat(d.lease().complete(Outcome.ofStatus(500))).isTrue();
    assertThat(d.lease().complete(Outcome.success())).isFalse();
    d.lease().close();
    assertThat(state().inFlight()).isZero();
    assertThat(state().requests()).isEqualTo(1);
    assertThat(state().failures()).isEqualTo(1);
    assertThat(heard).hasSize(1);
  }

  @Test
  void close_withoutCompleting_releasesTheSlotAsCancelled_withoutTouchingHealth() {
    try (Lease lease = router.route(RouteRequest.of("m")).decisionOrThrow().lease()) {
      assertThat(lease.isDone()).isFalse();
      now.addAndGet(10 * MS);
    }
    assertThat(state().inFlight()).isZero();
    assertThat(state().requests()).isZero();
    assertThat(state().hasLatencySample()).isFalse();
    assertThat(heard).containsExactly("x CANCELLED 10");
  }

  @Test
  void complete_withCallerMeasuredLatencyAndTokens_usesThem() {
    Decision d = router.route(RouteRequest.of("m")).decisionOrThrow();
    now.addAndGet(999 * MS);
    d.lease().complete(Outcome.success().withLatencyNanos(25 * MS).withTtftNanos(5 * MS).withTokens(100, 20));
    assertThat(state().latencyEwmaNanos()).isEqualTo(25.0 * MS);
    assertThat(state().ttftEwmaNanos()).isEqualTo(5.0 * MS);
  }

  @Test
  void complete_withPromptTokensAndTtft_teachesTheEndpointsPrefillRate() {
    int[][] answers = {{1_000, 60}, {9_000, 460}, {3_000, 160}};
    for (int[] a : answers) {
      Decision d = router.route(RouteRequest.builder("m").promptTokens(a[0]).build()).decisionOrThrow();
      now.addAndGet(500 * MS);
      d.lease().complete(Outcome.success().withTtftNanos(a[1] * MS).withTokens(a[0], 10));
    }
    // 10 ms plus 0.05 ms per prompt token
    assertThat(state().prefillNanosPerToken()).isCloseTo(50_000, within(1.0));
  }

  @Test
  void fastFailure_doesNotMakeTheEndpointLookFast_butTimeoutsRaiseItsLatency() {
    Decision ok = router.route(RouteRequest.of("m")).decisionOrThrow();
    now.addAndGet(100 * MS);
    ok.lease().complete(Outcome.success());
    Decision fail = router.route(RouteRequest.of("m")).decisionOrThrow();
    now.addAndGet(1 * MS);
    fail.lease().complete(Outcome.ofStatus(502));
    assertThat(state().latencyEwmaNanos()).isCloseTo(100.0 * MS, within(1.0 * MS));
    assertThat(state().consecutiveFailures()).isEqualTo(1);

    Decision slow = router.route(RouteRequest.of("m")).decisionOrThrow();
    now.addAndGet(3_000 * MS);
    slow.lease().complete(Outcome.timeout());
    assertThat(state().latencyEwmaNanos()).isEqualTo(3_000.0 * MS);
    assertThat(state().consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void clientErrors_countAsAnswers_notAsEndpointFailures() {
    Decision d = router.route(RouteRequest.of("m")).decisionOrThrow();
    d.lease().complete(Outcome.ofStatus(400));
    assertThat(state().failures()).isZero();
    assertThat(Outcome.ofStatus(404).kind()).isEqualTo(Outcome.Kind.CLIENT_ERROR);
    assertThat(Outcome.ofStatus(429).kind()).isEqualTo(Outcome.Kind.OVERLOADED);
    assertThat(Outcome.ofStatus(503).kind()).isEqualTo(Outcome.Kind.OVERLOADED);
    assertThat(Outcome.ofStatus(504).isFailure()).isTrue();
    assertThat(Outcome.ofStatus(500).isFailure()).isTrue();
    assertThat(Outcome.ofStatus(204).kind()).isEqualTo(Outcome.Kind.SUCCESS);
  }

  @Test
  void failingListener_doesNotStopTheLeaseOrOtherListeners() {
    List<String> second = new ArrayList<>();
    Thread.UncaughtExceptionHandler original = Thread.currentThread().getUncaughtExceptionHandler();
    List<Throwable> reported = new ArrayList<>();
    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e));
    try {
      Router r = Router.builder(registry)
          .ticker(now::get)
          .addOutcomeListener((e, s, o, l) -> { throw new IllegalStateException("boom"); })
          .addOutcomeListener((e, s, o, l) -> second.add(o.kind().name()))
          .build();
      r.route(RouteRequest.of("m")).decisionOrThrow().lease().complete(Outcome.success());
    } finally {
      Thread.currentThread().setUncaughtExceptionHandler(original);
    }
    assertThat(second).containsExactly("SUCCESS");
    assertThat(reported).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
    assertThat(state().inFlight()).isZero();
  }
}
