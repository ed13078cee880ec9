package io.modelrouter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.VersionSelector;
import io.modelrouter.health.EndpointStates;
import io.modelrouter.registry.RegistryFiles.Format;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Model routes, context windows and qualities in registry files and snapshots. */
class RegistryRoutesTest {

  private static final String YAML = """
      models:
        - name: small
          version: "1"
          contextWindow: 8192
          quality: 0.6
        - name: large
          version: "1"
          tags: [stable]
          contextWindow: 131072
          quality: 0.9
      endpoints:
        - id: s1
          url: http://127.0.0.1:8001
          serves: [small]
      routes:
        - name: chat
          targets:
            - {model: small}
            - {model: large, version: "tag:stable", weight: 3}
          policy: cheapest
          fallback: false
      """;

  @Test
  void parse_readsRoutesContextWindowAndQuality() {
    RegistryContent c = RegistryFiles.parse(YAML, "reg.yaml", Format.YAML);
    assertThat(c.models().get(0).contextWindow()).isEqualTo(8192);
    assertThat(c.models().get(1).quality()).isEqualTo(0.9);
    RouteSpec chat = c.routes().get(0);
    assertThat(chat.name()).isEqualTo("chat");
    assertThat(chat.policy()).isEqualTo("cheapest");
    assertThat(chat.fallback()).isFalse();
    assertThat(chat.targets()).containsExactly(
        RouteTarget.of("small"), new RouteTarget("large", VersionSelector.tag("stable"), 3));
  }

  @Test
  void write_readsBackToEqualContent() {
    RegistryContent c = RegistryFiles.parse(YAML, "reg.yaml", Format.YAML);
    for (Format f : Format.values()) {
      assertThat(RegistryFiles.parse(RegistryFiles.write(c, f), "again", f)).isEqualTo(c);
    }
    RouteSpec route = c.routes().get(0);
    assertThat(RegistryFiles.parseRoute(RegistryFiles.toJson(route), "key")).isEqualTo(route);
  }

  @Test
  void parse_routeNamedLikeAModel_isAnErrorNamingFileAndLine() {
    String clash = YAML.replace("- name: chat", "- name: large");
    assertThatThrownBy(() -> RegistryFiles.parse(clash, "reg.yaml", Format.YAML))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.line()).isEqualTo(16);
          assertThat(e.getMessage()).startsWith("reg.yaml:16:").contains("route large has the name of a model");
        });
  }

  @Test
  void parse_routeTargetingAnUnlistedModel_isAnError() {
    String unknown = YAML.replace("- {model: small}", "- {model: tiny}");
    assertThatThrownBy(() -> RegistryFiles.parse(unknown, "reg.yaml", Format.YAML))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("route chat targets tiny (expected: a model listed under models)");
  }

  @Test
  void parse_routeWithoutTargets_isAnErrorWithItsLine() {
    String empty = "routes:\n  - name: chat\n    policy: fastest\n";
    assertThatThrownBy(() -> RegistryFiles.parse(empty, "reg.yaml", Format.YAML))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.line()).isPositive();
          assertThat(e.getMessage()).contains("targets of route chat are missing");
        });
  }

  @Test
  void snapshot_resolvesTargetsAndWarnsAboutUnregisteredOnes() {
    RegistrySnapshot s = RegistrySnapshot.of(new RegistryContent(
        List.of(ModelSpec.builder("small", "1").build()), List.of(),
        List.of(RouteSpec.builder("chat").targets(List.of(RouteTarget.of("small"), RouteTarget.of("gone"))).build())),
        new EndpointStates(), 1);
    RouteEntry chat = s.route("chat");
    assertThat(chat.model(0).name()).isEqualTo("small");
    assertThat(chat.model(1)).isNull();
    assertThat(s.warnings()).contains("route chat targets gone, which is not a registered model");
    assertThat(s.model("chat")).isNull();
  }

  @Test
  void inMemoryRegistry_putAndRemoveRoute() {
    InMemoryRegistry r = InMemoryRegistry.create();
    r.putModel(ModelSpec.builder("small", "1").build());
    r.putRoute(RouteSpec.builder("chat").targets(List.of(RouteTarget.of("small"))).build());
    assertThat(r.snapshot().route("chat")).isNotNull();
    r.putModel(ModelSpec.builder("small", "2").build());
    assertThat(r.snapshot().route("chat")).as("kept across model updates").isNotNull();
    r.removeRoute("chat");
    assertThat(r.snapshot().route("chat")).isNull();
    assertThatThrownBy(() -> r.putRoute(RouteSpec.builder("small").targets(List.of(RouteTarget.of("small"))).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has the name of a model");
  }

  @Test
  void routeSpec_rejectsATargetListedTwice() {
    assertThatThrownBy(() -> RouteSpec.builder("r").targets(List.of(RouteTarget.of("a"), RouteTarget.of("a"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a is listed twice");
  }
}
