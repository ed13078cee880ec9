package io.modelrouter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Decision;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.Strategies;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZoneAwareScorerExampleTest {

  private static final long MS = 1_000_000L;
  private long now = 1_000 * MS;
  private final InMemoryRegistry registry = InMemoryRegistry.create(() -> now);
  private final Router router;

  ZoneAwareScorerExampleTest() {
    registry.replace(
        List.of(ModelSpec.builder("m", "1").build()),
        List.of(
            Endpoint.builder("east", "http://127.0.0.1:8001").serves("m").zone("east").build(),
            Endpoint.builder("west", "http://127.0.0.1:8002").serves("m").zone("west").build()));
    router = Router.builder(registry)
        .strategy(ZoneAwareScorerExample.strategy("west"))
        .ticker(() -> now)
        .random(new SplittableRandom(5))
        .build();
  }

  private void latency(String id, long ms) {
    EndpointState s = registry.snapshot().state(id);
    s.recordLatency(ms * MS, now, Strategies.DEFAULT_EWMA_DECAY.toNanos());
  }

  private String route() {
    Decision d = router.route(RouteRequest.of("m")).decisionOrThrow();
    d.lease().close();
    return d.endpoint().id();
  }

  @Test
  void prefersTheLocalZoneWhenEndpointsAreAlike() {
    latency("east", 80);
    latency("west", 90);
    for (int k = 0; k < 10; k++) {
      assertThat(route()).isEqualTo("west");
    }
  }

  @Test
  void leavesTheZoneWhenTheLocalEndpointIsMuchSlower() {
    latency("east", 40);
    latency("west", 900);
    for (int k = 0; k < 10; k++) {
      assertThat(route()).isEqualTo("east");
    }
  }

  @Test
  void explanationsShowTheWeightedScores() {
    latency("east", 100);
    latency("west", 100);
    var e = router.route(RouteRequest.builder("m").explain(true).build()).decisionOrThrow().explanation();
    assertThat(e.strategy()).isEqualTo("zone-aware");
    assertThat(e.chosen()).isEqualTo("west");
    // east: latency 0.5 + in-flight 0 + zone 0.5; west: latency 0.5 + in-flight 0, explained before its lease
    assertThat(e.candidates().get(0).score()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(e.candidates().get(1).score()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-9));
  }
}
