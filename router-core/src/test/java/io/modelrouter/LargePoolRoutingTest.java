package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.health.EndpointStatus;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The default for LLM servers over a pool above its full-scan limit, through the router: the
 * prefix holders the global table names are mapped to the candidates of the call, which a filter
 * has thinned (so candidate positions differ from the version's).
 */
class LargePoolRoutingTest {

  private static final int N = 40;

  private long now = 1_000_000_000L;
  private final InMemoryRegistry registry = InMemoryRegistry.create(() -> now);

  LargePoolRoutingTest() {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      endpoints.add(Endpoint.builder(String.format("gpu-%02d", i), "http://127.0.0.1:" + (9000 + i))
          .serves("chat").server("vllm").build());
    }
    registry.replace(List.of(ModelSpec.builder("chat", "1").build()), endpoints);
    for (int i = 0; i < N; i++) {
      registry.snapshot().state(endpoints.get(i).id()).updateServerMetrics(0, 0, 0.1, now);
      if (i % 3 == 0) {
        registry.snapshot().state(endpoints.get(i).id()).setStatus(EndpointStatus.EJECTED, now);
      }
    }
  }

  private String route(Router router, long... blocks) {
    Decision d = router.route(RouteRequest.builder("chat").prefixBlocks(blocks).build()).decisionOrThrow();
    d.lease().close();
    return d.endpoint().id();
  }

  @Test
  void eachConversationsNextTurn_goesBackToItsEndpoint_amongFilteredCandidates() {
    Router router = Router.builder(registry).ticker(() -> now).random(new SplittableRandom(5)).build();
    String[] first = new String[20];
    for (int conv = 0; conv < first.length; conv++) {
      first[conv] = route(router, 1000L * conv + 1, 1000L * conv + 2, 1000L * conv + 3);
      assertThat(registry.snapshot().state(first[conv]).status().routable()).isTrue();
    }
    for (int conv = 0; conv < first.length; conv++) {
      assertThat(route(router, 1000L * conv + 1, 1000L * conv + 2, 1000L * conv + 3, 1000L * conv + 4))
          .as("conversation %d", conv).isEqualTo(first[conv]);
    }
  }

  @Test
  void aHolderTakenOutOfService_isNotPicked() {
    Router router = Router.builder(registry).ticker(() -> now).random(new SplittableRandom(6)).build();
    String holder = route(router, 7, 8, 9);
    registry.snapshot().state(holder).setStatus(EndpointStatus.DRAINING, now);
    for (int k = 0; k < 20; k++) {
      String next = route(router, 7, 8, 9, 10 + k);
      assertThat(next).isNotEqualTo(holder);
      assertThat(registry.snapshot().state(next).status().routable()).isTrue();
    }
  }
}
