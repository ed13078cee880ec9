package io.modelrouter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryRegistryTest {

  private static Endpoint endpoint(String id, String serves) {
    return Endpoint.builder(id, "http://127.0.0.1:8000").serves(serves).build();
  }

  @Test
  void replace_publishesANewGeneration_andTellsListenersWhatChanged() {
    InMemoryRegistry r = InMemoryRegistry.create(() -> 0L);
    List<String> heard = new ArrayList<>();
    r.addListener((prev, cur) -> heard.add(prev.generation() + "->" + cur.generation() + ":" + cur.endpoints().size()));
    assertThat(r.snapshot().generation()).isZero();
    r.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(endpoint("a", "m")));
    r.putEndpoint(endpoint("b", "m"));
    r.removeEndpoint("a");
    assertThat(heard).containsExactly("0->1:1", "1->2:2", "2->3:1");
    assertThat(r.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("b");
  }

  @Test
  void inconsistentUpdate_keepsTheCurrentSnapshot() {
    InMemoryRegistry r = InMemoryRegistry.create(() -> 0L);
    RegistrySnapshot good = r.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(endpoint("a", "m")));
    r.putModel(ModelSpec.builder("m", "2").build());
    assertThatThrownBy(() -> r.replace(List.of(ModelSpec.builder("m", "1").build(), ModelSpec.builder("m", "1").build()), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(r.snapshot().generation()).isEqualTo(good.generation() + 1);
  }

  @Test
  void removedEndpoint_losesItsState_andComesBackFresh() {
    InMemoryRegistry r = InMemoryRegistry.create(() -> 0L);
    r.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(endpoint("a", "m")));
    r.snapshot().state("a").recordFailure();
    r.removeEndpoint("a");
    assertThat(r.endpointStates().find("a")).isNull();
    r.putEndpoint(endpoint("a", "m"));
    assertThat(r.snapshot().state("a").failures()).isZero();
  }

  @Test
  void putAndRemoveModel_changeOnlyThatVersion() {
    InMemoryRegistry r = InMemoryRegistry.create(() -> 0L);
    r.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(endpoint("a", "m")));
    r.putModel(ModelSpec.builder("m", "2").build());
    assertThat(r.snapshot().model("m").versions()).hasSize(2);
    assertThat(r.snapshot().model("m").version("2").endpointCount()).isEqualTo(1);
    r.removeModel("m", "1");
    assertThat(r.snapshot().model("m").versions()).extracting(v -> v.spec().version()).containsExactly("2");
  }
}
