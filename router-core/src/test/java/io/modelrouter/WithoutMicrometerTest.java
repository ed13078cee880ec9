package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The router without Micrometer on the class path (its own Surefire execution, router-core's
 * pom.xml): it routes and tells its listeners, and needs nothing of the optional dependency.
 */
class WithoutMicrometerTest {

  @Test
  void router_routesAndTellsItsListenersWithoutMicrometer() {
    assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
        .as("this execution runs without Micrometer").isInstanceOf(ClassNotFoundException.class);
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("small", "1").operations(Set.of(Operation.CHAT)).build()),
        List.of(Endpoint.builder("s1", "http://127.0.0.1:9/s1").serves("small:1").build()));
    List<String> heard = new ArrayList<>();
    Router router = Router.builder(registry)
        .addRouteListener((request, result) -> heard.add(request.model() + "->" + result.isDecision()))
        .addOutcomeListener((endpoint, state, outcome, latency) -> heard.add(endpoint.id() + ":" + outcome.kind()))
        .build();
    router.route(RouteRequest.of("small")).decisionOrThrow().lease().complete(Outcome.success());
    router.route(RouteRequest.of("nope"));
    assertThat(heard).containsExactly("small->true", "s1:SUCCESS", "nope->false");
  }
}
