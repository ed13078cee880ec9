package io.modelrouter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.VersionSelector;
import io.modelrouter.health.EndpointStates;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistrySnapshotTest {

  private final EndpointStates states = new EndpointStates(() -> 0L);

  private static ModelSpec spec(String name, String version, String... tags) {
    return ModelSpec.builder(name, version).tags(Set.of(tags)).build();
  }

  private static Endpoint endpoint(String id, String... serves) {
    return Endpoint.builder(id, "http://127.0.0.1:8000").serves(serves).build();
  }

  @Test
  void of_indexesModelsByNameVersionAndTag() {
    RegistrySnapshot s = RegistrySnapshot.of(
        List.of(spec("chat", "1", "stable"), spec("chat", "2", "canary"), spec("embed", "1")),
        List.of(endpoint("b", "chat:1"), endpoint("a", "chat:1"), endpoint("c", "chat:2", "embed:1")),
        states, 3);
    assertThat(s.generation()).isEqualTo(3);
    ModelEntry chat = s.model("chat");
    assertThat(chat).isNotNull();
    assertThat(chat.version("1").endpoints()).extracting(Endpoint::id).as("sorted by id").containsExactly("a", "b");
    assertThat(chat.tagged("canary").spec().version()).isEqualTo("2");
    assertThat(chat.resolve(VersionSelector.tag("stable")).endpointCount()).isEqualTo(2);
    assertThat(s.model("embed").latest().endpoint(0).id()).isEqualTo("c");
    assertThat(s.model("missing")).isNull();
    assertThat(s.modelSpec("chat", "2")).isEqualTo(spec("chat", "2", "canary"));
    assertThat(s.endpoint("c").serves("embed", "1")).isTrue();
    assertThat(s.warnings()).isEmpty();
  }

  @Test
  void latest_usesNumericAwareVersionOrder() {
    RegistrySnapshot s = RegistrySnapshot.of(
        List.of(spec("m", "2"), spec("m", "10"), spec("m", "1.9"), spec("m", "1.10")), List.of(), states, 1);
    assertThat(s.model("m").versions()).extracting(v -> v.spec().version()).containsExactly("1.9", "1.10", "2", "10");
    assertThat(s.model("m").latest().spec().version()).isEqualTo("10");
    assertThat(ModelEntry.VERSION_ORDER.compare("1.0-rc1", "1.0")).isNegative();
    assertThat(ModelEntry.VERSION_ORDER.compare("1.0", "1.0.1")).isNegative();
  }

  @Test
  void endpointServingAModelByName_servesEveryVersion() {
    RegistrySnapshot s = RegistrySnapshot.of(
        List.of(spec("m", "1"), spec("m", "2")), List.of(endpoint("all", "m")), states, 1);
    assertThat(s.model("m").version("1").endpointCount()).isEqualTo(1);
    assertThat(s.model("m").version("2").endpointCount()).isEqualTo(1);
  }

  @Test
  void of_rejectsDuplicatesNamingThem() {
    assertThatThrownBy(() -> RegistrySnapshot.of(List.of(spec("m", "1"), spec("m", "1")), List.of(), states, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m:1 is registered twice");
    assertThatThrownBy(() -> RegistrySnapshot.of(List.of(spec("m", "1")), List.of(endpoint("x", "m"), endpoint("x", "m")), states, 1))
        .hasMessageContaining("endpoint id x is registered twice");
    assertThatThrownBy(() -> RegistrySnapshot.of(List.of(spec("m", "1", "stable"), spec("m", "2", "stable")), List.of(), states, 1))
        .hasMessageContaining("tag 'stable' of model m is on versions 1 and 2");
  }

  @Test
  void of_acceptsButWarnsAboutEndpointsServingUnknownModels() {
    RegistrySnapshot s = RegistrySnapshot.of(
        List.of(spec("m", "1")), List.of(endpoint("x", "m:1", "m:9", "ghost")), states, 1);
    assertThat(s.model("m").version("1").endpointCount()).isEqualTo(1);
    assertThat(s.warnings()).containsExactly(
        "endpoint x serves m:9, which is not a registered version",
        "endpoint x serves ghost, which is not a registered model");
  }

  @Test
  void endpointState_isSharedAcrossSnapshotsById() {
    RegistrySnapshot first = RegistrySnapshot.of(List.of(spec("m", "1")), List.of(endpoint("x", "m")), states, 1);
    first.state("x").acquire();
    RegistrySnapshot second = RegistrySnapshot.of(
        List.of(spec("m", "1"), spec("m", "2")),
        List.of(Endpoint.builder("x", "http://127.0.0.1:8001").serves("m").weight(5).build()), states, 2);
    assertThat(second.state("x")).isSameAs(first.state("x"));
    assertThat(second.model("m").version("2").state(0).inFlight()).isEqualTo(1);
  }

  @Test
  void trafficSplit_mapsPointsToVersionsByCumulativeWeight() {
    RegistrySnapshot s = RegistrySnapshot.of(
        List.of(ModelSpec.builder("m", "1").trafficWeight(3).build(),
            ModelSpec.builder("m", "2").build(),
            ModelSpec.builder("m", "3").trafficWeight(1).build()),
        List.of(), states, 1);
    ModelEntry m = s.model("m");
    assertThat(m.hasTrafficSplit()).isTrue();
    assertThat(m.trafficWeightTotal()).isEqualTo(4);
    assertThat(m.splitAt(0).spec().version()).isEqualTo("1");
    assertThat(m.splitAt(2).spec().version()).isEqualTo("1");
    assertThat(m.splitAt(3).spec().version()).isEqualTo("3");
  }

  @Test
  void huggingFaceStyleModelNames_areRegisteredAndServed() {
    RegistrySnapshot s = RegistrySnapshot.of(
        List.of(spec("meta-llama/Llama-3.1-8B-Instruct", "1")),
        List.of(endpoint("a", "meta-llama/Llama-3.1-8B-Instruct:1"), endpoint("b", "meta-llama/Llama-3.1-8B-Instruct")),
        states, 1);
    assertThat(s.model("meta-llama/Llama-3.1-8B-Instruct").latest().endpointCount()).isEqualTo(2);
    assertThatThrownBy(() -> ModelSpec.builder("m", "1/2")).hasMessage("version: '1/2' (expected: no ':' or '/')");
    assertThatThrownBy(() -> ModelSpec.builder("llama3:8b", "1")).hasMessage("name: 'llama3:8b' (expected: no ':')");
  }
}
