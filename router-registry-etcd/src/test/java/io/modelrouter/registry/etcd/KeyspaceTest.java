package io.modelrouter.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryFiles;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key layout and the parsing of values, without etcd. */
class KeyspaceTest {

  private final Keyspace keyspace = new Keyspace("/p/");

  @Test
  void build_usesValidKeysAndListsTheOthersAsProblems() {
    ModelSpec chat = ModelSpec.builder("chat", "1").build();
    Endpoint a = Endpoint.builder("a", "http://127.0.0.1:8001").serves("chat:1").build();
    keyspace.put("/p/models/chat/1", RegistryFiles.toJson(chat), 2);
    keyspace.put("/p/endpoints/a", RegistryFiles.toJson(a), 3);
    keyspace.put("/p/endpoints/b", RegistryFiles.toJson(a), 4);
    keyspace.put("/p/endpoints/c", "", 5);
    keyspace.put("/p/other/x", "{}", 6);

    Keyspace.Built built = keyspace.build();

    assertThat(built.content().models()).containsExactly(chat);
    assertThat(built.content().endpoints()).containsExactly(a);
    assertThat(built.problems()).extracting(KeyProblem::key, KeyProblem::modRevision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/p/endpoints/b", 4L),
            org.assertj.core.groups.Tuple.tuple("/p/endpoints/c", 5L),
            org.assertj.core.groups.Tuple.tuple("/p/other/x", 6L));
    assertThat(built.problems().get(0).message()).isEqualTo("endpoint a is under the wrong key (expected: /p/endpoints/a)");
    assertThat(built.problems().get(1).message()).isEqualTo("empty value (expected: a JSON object in the registry file schema)");
    assertThat(built.problems().get(2).message()).contains("expected: /p/models/<name>/<version>, /p/endpoints/<id> or /p/routes/<name>");
  }

  @Test
  void build_readsRoutesAndSkipsOneNamedLikeAModel() {
    ModelSpec chat = ModelSpec.builder("chat", "1").build();
    RouteSpec route = RouteSpec.builder("assistant").targets(java.util.List.of(RouteTarget.of("chat"))).policy("fastest").build();
    RouteSpec shadow = RouteSpec.builder("chat").targets(java.util.List.of(RouteTarget.of("chat"))).build();
    keyspace.put("/p/models/chat/1", RegistryFiles.toJson(chat), 2);
    keyspace.put("/p/routes/assistant", RegistryFiles.toJson(route), 3);
    keyspace.put("/p/routes/chat", RegistryFiles.toJson(shadow), 4);
    keyspace.put("/p/routes/wrong", RegistryFiles.toJson(route), 5);

    Keyspace.Built built = keyspace.build();

    assertThat(built.content().routes()).containsExactly(route);
    assertThat(built.problems()).extracting(KeyProblem::key).containsExactly("/p/routes/chat", "/p/routes/wrong");
    assertThat(built.problems().get(0).message()).contains("route chat has the name of a model");
    assertThat(built.problems().get(1).message()).contains("expected: /p/routes/assistant");
  }

  @Test
  void put_replacesAKeysValueAndDeleteForgetsIt() {
    keyspace.put("/p/endpoints/a", "{oops", 2);
    assertThat(keyspace.build().problems()).hasSize(1);

    keyspace.put("/p/endpoints/a", RegistryFiles.toJson(Endpoint.builder("a", "http://127.0.0.1:8001").serves("m").build()), 3);
    assertThat(keyspace.build().problems()).isEmpty();
    assertThat(keyspace.build().content().endpoints()).hasSize(1);

    keyspace.delete("/p/endpoints/a");
    assertThat(keyspace.build().content().endpoints()).isEmpty();
  }

  @Test
  void tagClash_skipsTheVersionWrittenLater_whateverTheKeyOrder() {
    ModelSpec v1 = ModelSpec.builder("m", "1").tags(Set.of("stable")).build();
    ModelSpec v2 = ModelSpec.builder("m", "2").tags(Set.of("stable", "new")).build();
    keyspace.put("/p/models/m/2", RegistryFiles.toJson(v2), 7);
    keyspace.put("/p/models/m/1", RegistryFiles.toJson(v1), 9);

    Keyspace.Built built = keyspace.build();

    assertThat(built.content().models()).containsExactly(v2);
    assertThat(built.problems()).singleElement()
        .satisfies(p -> assertThat(p.toString()).isEqualTo(
            "/p/models/m/1 (revision 9): tag 'stable' is already on version 2 of model m (expected: a tag on one version)"));
  }

  @Test
  void normalizePrefix_addsTheSlashAndRejectsTheRoot() {
    assertThat(Keyspace.normalizePrefix("/mr")).isEqualTo("/mr/");
    assertThat(Keyspace.normalizePrefix("/mr/")).isEqualTo("/mr/");
    assertThatThrownBy(() -> Keyspace.normalizePrefix("/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix: '/' (expected: a key prefix such as /modelrouter/)");
  }

  @Test
  void prefixEnd_isTheFirstKeyAfterThePrefix() {
    assertThat(new String(EtcdClient.prefixEnd("/mr/"), StandardCharsets.UTF_8)).isEqualTo("/mr0");
    assertThat(EtcdClient.prefixEnd("a\u00ff")).containsExactly('a', (byte) 0xc3, (byte) 0xc0);
  }
}
