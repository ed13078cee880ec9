package io.modelrouter.http.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Protocol;
import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {

  @Test
  void builder_rejectsOutOfRangeSettingsWithWhatWasExpected() {
    HealthChecker.Builder builder = HealthChecker.builder(InMemoryRegistry.create());
    assertThatThrownBy(() -> builder.jitter(1.0)).hasMessage("jitter: 1.0 (expected: 0 <= jitter < 1)");
    assertThatThrownBy(() -> builder.interval(Duration.ZERO)).hasMessage("interval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder.unhealthyThreshold(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unhealthyThreshold: 0 (expected: >= 1)");
  }

  @Test
  void checkNow_marksUnhealthyAfterThresholdAndHealthyAgainAfterRecovery() throws Exception {
    try (SimServer sim = SimServer.openai("m").start()) {
      InMemoryRegistry registry = registry(Endpoint.builder("a", sim.baseUrl()).serves("m:1").build());
      EndpointState s = registry.snapshot().state("a");
      try (HealthChecker checker = HealthChecker.builder(registry).unhealthyThreshold(2).healthyThreshold(2).build()) {
        sim.healthy(false);
        round(checker);
        assertThat(s.status()).as("one failure is not enough").isEqualTo(EndpointStatus.HEALTHY);
        round(checker);
        assertThat(s.status()).isEqualTo(EndpointStatus.UNHEALTHY);

        sim.healthy(true);
        round(checker);
        assertThat(s.status()).isEqualTo(EndpointStatus.UNHEALTHY);
        round(checker);
        assertThat(s.status()).isEqualTo(EndpointStatus.HEALTHY);
      }
    }
  }

  @Test
  void checkNow_treatsARefusedConnectionAsAFailedProbe() throws Exception {
    SimServer sim = SimServer.openai("m").start();
    sim.close();
    InMemoryRegistry registry = registry(Endpoint.builder("a", sim.baseUrl()).serves("m:1").build());
    try (HealthChecker checker = HealthChecker.builder(registry).unhealthyThreshold(1)
        .timeout(Duration.ofMillis(500)).build()) {
      round(checker);
      assertThat(registry.snapshot().state("a").status()).isEqualTo(EndpointStatus.UNHEALTHY);
    }
  }

  @Test
  void checkNow_probesOipServerAndModelReadiness() throws Exception {
    try (SimServer sim = SimServer.oip("cls").start()) {
      InMemoryRegistry registry = InMemoryRegistry.create();
      registry.replace(List.of(ModelSpec.builder("cls", "1").build(), ModelSpec.builder("other", "1").build()),
          List.of(Endpoint.builder("good", sim.baseUrl()).protocol(Protocol.OIP).serves("cls:1").build(),
              Endpoint.builder("wrong-model", sim.baseUrl()).protocol(Protocol.OIP).serves("other:1").build()));
      try (HealthChecker checker = HealthChecker.builder(registry).unhealthyThreshold(1).build()) {
        round(checker);
        assertThat(registry.snapshot().state("good").status()).isEqualTo(EndpointStatus.HEALTHY);
        assertThat(registry.snapshot().state("wrong-model").status())
            .as("the server is ready but does not have the model").isEqualTo(EndpointStatus.UNHEALTHY);
      }
      assertThat(HealthChecker.probeUrls(registry.snapshot().endpoint("good")))
          .containsExactly(sim.baseUrl() + "/v2/health/ready", sim.baseUrl() + "/v2/models/cls/ready");
    }
  }

  @Test
  void checkNow_leavesDrainingEndpointsAlone() throws Exception {
    SimServer sim = SimServer.openai("m").start();
    sim.close();
    InMemoryRegistry registry = registry(Endpoint.builder("a", sim.baseUrl()).serves("m:1").build());
    EndpointState s = registry.snapshot().state("a");
    s.setStatus(EndpointStatus.DRAINING, 0);
    try (HealthChecker checker = HealthChecker.builder(registry).unhealthyThreshold(1).build()) {
      round(checker);
      assertThat(s.status()).isEqualTo(EndpointStatus.DRAINING);
    }
  }

  @Test
  void start_probesOnItsOwnInterval() throws Exception {
    try (SimServer sim = SimServer.openai("m").start()) {
      InMemoryRegistry registry = registry(Endpoint.builder("a", sim.baseUrl()).serves("m:1").build());
      sim.healthy(false);
      try (HealthChecker checker = HealthChecker.builder(registry).interval(Duration.ofMillis(20))
          .unhealthyThreshold(3).build().start()) {
        EndpointState s = registry.snapshot().state("a");
        Await.until("a unhealthy after three failed probes", () -> s.status() == EndpointStatus.UNHEALTHY);
      }
    }
  }

  private static void round(HealthChecker checker) throws Exception {
    checker.checkNow().get(10, TimeUnit.SECONDS);
  }

  private static InMemoryRegistry registry(Endpoint... endpoints) {
    InMemoryRegistry r = InMemoryRegistry.create();
    r.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(endpoints));
    return r;
  }
}
