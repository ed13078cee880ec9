package io.modelrouter.http.outlier;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Outcome;
import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

  private final long[] now = {1};
  private final InMemoryRegistry registry = InMemoryRegistry.create(() -> now[0]);

  OutlierDetectorTest() {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      endpoints.add(Endpoint.builder("e" + i, "http://127.0.0.1:" + (9000 + i)).serves("m:1").build());
    }
    registry.replace(List.of(ModelSpec.builder("m", "1").build()), endpoints);
  }

  private OutlierDetector.Builder detector() {
    return OutlierDetector.builder(registry).ticker(() -> now[0])
        .consecutiveFailures(3).baseEjectionTime(Duration.ofSeconds(10)).maxEjectionTime(Duration.ofSeconds(25))
        .halfOpenSuccesses(2);
  }

  private void report(OutlierDetector d, int i, Outcome o) {
    d.onOutcome(registry.snapshot().endpoint("e" + i), state(i), o, 1_000_000);
  }

  private EndpointState state(int i) {
    return registry.snapshot().state("e" + i);
  }

  private void advance(long seconds) {
    now[0] += TimeUnit.SECONDS.toNanos(seconds);
  }

  @Test
  void onOutcome_ejectsAfterConsecutiveFailures() {
    OutlierDetector d = detector().build();
    report(d, 0, Outcome.failure());
    report(d, 0, Outcome.timeout());
    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);

    report(d, 0, Outcome.ofStatus(500));

    assertThat(state(0).status()).isEqualTo(EndpointStatus.EJECTED);
    assertThat(d.ejections("e0")).isEqualTo(1);
    assertThat(d.ejectionsTotal()).isEqualTo(1);
  }

  @Test
  void onOutcome_successBreaksTheRunAndOverloadAndCancelDoNotCount() {
    OutlierDetector d = detector().build();
    report(d, 0, Outcome.failure());
    report(d, 0, Outcome.failure());
    report(d, 0, Outcome.success());
    report(d, 0, Outcome.failure());
    report(d, 0, Outcome.ofStatus(503));
    report(d, 0, Outcome.ofStatus(429));
    report(d, 0, Outcome.cancelled());
    report(d, 0, Outcome.failure());

    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);
  }

  @Test
  void onOutcome_ejectsOnFailureRateOverTheWindow() {
    OutlierDetector d = detector().consecutiveFailures(100).failureRateMinRequests(10).failureRateThreshold(0.5).build();
    for (int k = 0; k < 4; k++) {
      report(d, 1, Outcome.failure());
      report(d, 1, Outcome.success());
    }
    report(d, 1, Outcome.failure());
    assertThat(state(1).status()).as("9 requests: too few").isEqualTo(EndpointStatus.HEALTHY);

    report(d, 1, Outcome.success());
    report(d, 1, Outcome.failure());

    assertThat(state(1).status()).isEqualTo(EndpointStatus.EJECTED);
  }

  @Test
  void sweep_returnsEndpointsHalfOpenAndSuccessesMakeThemHealthy() {
    OutlierDetector d = detector().build();
    eject(d, 0);
    advance(9);
    d.sweep();
    assertThat(state(0).status()).isEqualTo(EndpointStatus.EJECTED);

    advance(1);
    d.sweep();
    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);
    assertThat(d.isHalfOpen("e0")).isTrue();

    report(d, 0, Outcome.success());
    assertThat(d.isHalfOpen("e0")).as("still on trial").isTrue();
    report(d, 0, Outcome.success());
    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);
    assertThat(d.isHalfOpen("e0")).isFalse();
  }

  @Test
  void onOutcome_aFailureWhileHalfOpenEjectsAgainForLonger() {
    OutlierDetector d = detector().build();
    eject(d, 0);
    advance(10);
    d.sweep();

    report(d, 0, Outcome.failure());

    assertThat(state(0).status()).isEqualTo(EndpointStatus.EJECTED);
    assertThat(d.ejections("e0")).isEqualTo(2);
    advance(19);
    d.sweep();
    assertThat(state(0).status()).as("second ejection lasts 2 x 10 s").isEqualTo(EndpointStatus.EJECTED);
    advance(1);
    d.sweep();
    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);

    report(d, 0, Outcome.failure());
    advance(24);
    d.sweep();
    assertThat(state(0).status()).as("third ejection capped at 25 s").isEqualTo(EndpointStatus.EJECTED);
    advance(1);
    d.sweep();
    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);
  }

  @Test
  void onOutcome_neverEjectsMoreThanTheMaxShare() {
    OutlierDetector d = detector().maxEjectedShare(0.5).build();
    eject(d, 0);
    eject(d, 1);
    eject(d, 2);

    assertThat(state(0).status()).isEqualTo(EndpointStatus.EJECTED);
    assertThat(state(1).status()).isEqualTo(EndpointStatus.EJECTED);
    assertThat(state(2).status()).as("half of 4 is ejected already").isEqualTo(EndpointStatus.HEALTHY);
  }

  @Test
  void sweep_decaysTheEjectionMultiplierByOnePerHealthyBaseEjectionTime() {
    OutlierDetector d = detector().halfOpenSuccesses(1).maxEjectionTime(Duration.ofSeconds(100)).build();
    eject(d, 0);
    advance(10);
    d.sweep();
    report(d, 0, Outcome.failure()); // failed its trial: second ejection, 20 s
    advance(20);
    d.sweep();
    report(d, 0, Outcome.success());
    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);
    assertThat(d.ejections("e0")).isEqualTo(2);

    advance(9);
    d.sweep();
    assertThat(d.ejections("e0")).isEqualTo(2);
    advance(1);
    d.sweep();
    assertThat(d.ejections("e0")).isEqualTo(1);
    eject(d, 0);
    assertThat(d.ejections("e0")).isEqualTo(2);
    advance(19);
    d.sweep();
    assertThat(state(0).status()).as("the decayed multiplier: 2 x 10 s, not 3 x").isEqualTo(EndpointStatus.EJECTED);
    advance(1);
    d.sweep();
    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);
    report(d, 0, Outcome.success());
    for (int i = 0; i < 2; i++) {
      advance(10);
      d.sweep();
    }
    assertThat(d.ejections("e0")).isZero();
  }

  @Test
  void onProbe_passedByAnEjectedEndpoint_returnsItHalfOpenAtOnce() {
    OutlierDetector d = detector().build();
    eject(d, 0);
    d.onProbe(registry.snapshot().endpoint("e0"), state(0), false);
    assertThat(state(0).status()).isEqualTo(EndpointStatus.EJECTED);

    d.onProbe(registry.snapshot().endpoint("e0"), state(0), true);

    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);
    assertThat(d.isHalfOpen("e0")).isTrue();
  }

  @Test
  void onProbe_passedByAnEjectedEndpointTheCheckerFoundUnhealthy_returnsItHalfOpen() {
    OutlierDetector d = detector().build();
    eject(d, 0);
    state(0).setStatus(EndpointStatus.UNHEALTHY, now[0]); // its probes failed while it was down

    d.onProbe(registry.snapshot().endpoint("e0"), state(0), true);

    assertThat(state(0).status()).isEqualTo(EndpointStatus.HEALTHY);
    assertThat(d.isHalfOpen("e0")).isTrue();
  }

  @Test
  void halfOpenFilter_letsOneTrialRequestAtATimeReachAReturningEndpoint() {
    OutlierDetector d = detector().build();
    io.modelrouter.Router router = io.modelrouter.Router.builder(registry).ticker(() -> now[0])
        .addOutcomeListener(d).addFilter(d.halfOpenFilter()).build();
    eject(d, 0);
    d.onProbe(registry.snapshot().endpoint("e0"), state(0), true);
    state(0).acquire(now[0]); // its one trial request, in flight

    for (int i = 0; i < 50; i++) {
      io.modelrouter.Decision decision = router.route(io.modelrouter.RouteRequest.builder("m").build()).decisionOrThrow();
      assertThat(decision.endpoint().id()).isNotEqualTo("e0");
      decision.lease().close();
    }
    state(0).release();
    assertThat(router.route(io.modelrouter.RouteRequest.builder("m")
        .exclude("e1").exclude("e2").exclude("e3").build()).decisionOrThrow().endpoint().id()).isEqualTo("e0");
  }

  @Test
  void halfOpenFilter_letsEverythingThroughWhenTheReturningEndpointIsAllThereIs() {
    OutlierDetector d = detector().build();
    io.modelrouter.Router router = io.modelrouter.Router.builder(registry).ticker(() -> now[0])
        .addOutcomeListener(d).addFilter(d.halfOpenFilter()).build();
    eject(d, 0);
    d.onProbe(registry.snapshot().endpoint("e0"), state(0), true);
    assertThat(state(0).consecutiveFailures()).as("the outage forgotten").isZero();
    state(0).acquire(now[0]);
    for (int i = 1; i < 4; i++) {
      state(i).setStatus(EndpointStatus.UNHEALTHY, now[0]); // the others went down meanwhile
    }

    io.modelrouter.Decision decision = router.route(io.modelrouter.RouteRequest.builder("m").build()).decisionOrThrow();

    assertThat(decision.endpoint().id()).isEqualTo("e0");
    decision.lease().close();
    state(0).release();
  }

  @Test
  void onProbe_leavesEndpointsNeverEjectedToTheChecker() {
    OutlierDetector d = detector().build();
    report(d, 1, Outcome.success());
    state(1).setStatus(EndpointStatus.UNHEALTHY, now[0]);

    d.onProbe(registry.snapshot().endpoint("e1"), state(1), true);

    assertThat(state(1).status()).isEqualTo(EndpointStatus.UNHEALTHY);
  }

  private void eject(OutlierDetector d, int i) {
    for (int k = 0; k < 3; k++) {
      report(d, i, Outcome.failure());
    }
  }
}
