package io.modelrouter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Decision;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ThresholdModelSelectorTest {

  private final InMemoryRegistry registry = InMemoryRegistry.of(new RegistryContent(
      List.of(ModelSpec.builder("weak", "1").quality(0.6).costPer1kTokens(0.1).contextWindow(8192).build(),
          ModelSpec.builder("strong", "1").quality(0.9).costPer1kTokens(1.0).build()),
      List.of(Endpoint.builder("w", "http://127.0.0.1:9/w").serves("weak").build(),
          Endpoint.builder("s", "http://127.0.0.1:9/s").serves("strong").build()),
      List.of(RouteSpec.builder("assistant").policy(ThresholdModelSelector.NAME)
          .targets(List.of(RouteTarget.of("weak"), RouteTarget.of("strong"))).build())));

  private String served(Router router, RouteRequest request) {
    Decision d = router.route(request).decisionOrThrow();
    d.lease().close();
    return d.model().name();
  }

  @Test
  void select_sendsEasyRequestsToTheCheapModelAndHardOnesToTheStrongOne() {
    Router router = Router.builder(registry).modelSelector(new ThresholdModelSelector(0.5)).build();
    assertThat(served(router, RouteRequest.builder("assistant").promptTokens(40).maxOutputTokens(50).build()))
        .isEqualTo("weak");
    assertThat(served(router, RouteRequest.builder("assistant").promptTokens(3000).maxOutputTokens(1500)
        .capabilities(Set.of()).build())).isEqualTo("strong");
  }

  @Test
  void select_whenTheStrongModelIsNotEligible_takesWhatIsLeft() {
    Router router = Router.builder(registry).modelSelector(new ThresholdModelSelector(0)).build();
    assertThat(served(router, RouteRequest.builder("assistant").promptTokens(40).build())).isEqualTo("strong");
    assertThat(served(router, RouteRequest.builder("assistant").promptTokens(40).modelAccess(m -> !m.equals("strong"))
        .build())).isEqualTo("weak");
  }

  @Test
  void threshold_movesTheShareSentToTheStrongModel() {
    double easy = ThresholdModelSelector.strongProbability(RouteRequest.builder("a").promptTokens(20).build());
    double hard = ThresholdModelSelector.strongProbability(
        RouteRequest.builder("a").promptTokens(5000).maxOutputTokens(2000).capabilities(Set.of("tools")).build());
    assertThat(easy).isLessThan(0.2);
    assertThat(hard).isGreaterThan(0.8);
    assertThatThrownBy(() -> new ThresholdModelSelector(1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
