package io.modelrouter.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Decision;
import io.modelrouter.Rejection;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SwitchingStrategyTest {

  /** A strategy whose one filter refuses every candidate: where it applies, nothing is routable. */
  private static final SelectionStrategy REFUSES_ALL = new SelectionStrategy() {
    @Override
    public int select(Candidates candidates) {
      return 0;
    }

    @Override
    public List<EndpointFilter> filters() {
      return List.of((candidates, index) -> false);
    }
  };

  private final InMemoryRegistry registry = InMemoryRegistry.create();

  SwitchingStrategyTest() {
    registry.replace(
        List.of(ModelSpec.builder("chat", "1").build(), ModelSpec.builder("classifier", "1").build()),
        List.of(
            Endpoint.builder("chat-0", "http://127.0.0.1:9000").serves("chat").server("vllm").build(),
            Endpoint.builder("clf-0", "http://127.0.0.1:9001").serves("classifier").server("triton").build()));
  }

  @Test
  void byServerKind_appliesEachDelegatesFiltersOnlyToTheVersionsItPicksFor() {
    Router router = Router.builder(registry).strategy(Strategies.byServerKind(REFUSES_ALL, Strategies.leastLatency())).build();

    assertThat(router.route(RouteRequest.builder("chat").build())).isInstanceOf(Rejection.class);
    assertThat(router.route(RouteRequest.builder("classifier").build())).isInstanceOf(Decision.class);
  }

  @Test
  void perModel_appliesEachDelegatesFiltersOnlyToTheModelsItPicksFor() {
    Router router = Router.builder(registry)
        .strategy(Strategies.perModel(Map.of("classifier", REFUSES_ALL), Strategies.leastLatency())).build();

    assertThat(router.route(RouteRequest.builder("classifier").build())).isInstanceOf(Rejection.class);
    assertThat(router.route(RouteRequest.builder("chat").build())).isInstanceOf(Decision.class);
  }
}
