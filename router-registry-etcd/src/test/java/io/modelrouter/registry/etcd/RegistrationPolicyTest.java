package io.modelrouter.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A registration in etcd may claim only the models and URLs the registry's policy allows. */
class RegistrationPolicyTest {

  private final Keyspace keyspace = new Keyspace("/p/",
      RegistrationPolicy.of(List.of("team-a-*"), List.of("http://10.1.*", "http://127.0.0.1:8001")));

  @Test
  void build_leavesOutRegistrationsThatClaimOtherModelsOrUrls() {
    ModelSpec ours = ModelSpec.builder("team-a-chat", "1").build();
    ModelSpec theirs = ModelSpec.builder("gpt-4", "1").build();
    Endpoint good = Endpoint.builder("good", "http://10.1.2.3:8000").serves("team-a-chat").build();
    Endpoint elsewhere = Endpoint.builder("elsewhere", "http://203.0.113.9:8000").serves("team-a-chat").build();
    Endpoint hijack = Endpoint.builder("hijack", "http://127.0.0.1:8001").serves("team-a-chat", "gpt-4").build();
    keyspace.put("/p/models/team-a-chat/1", RegistryFiles.toJson(ours), 2);
    keyspace.put("/p/models/gpt-4/1", RegistryFiles.toJson(theirs), 3);
    keyspace.put("/p/endpoints/good", RegistryFiles.toJson(good), 4);
    keyspace.put("/p/endpoints/elsewhere", RegistryFiles.toJson(elsewhere), 5);
    keyspace.put("/p/endpoints/hijack", RegistryFiles.toJson(hijack), 6);

    Keyspace.Built built = keyspace.build();

    assertThat(built.content().models()).containsExactly(ours);
    assertThat(built.content().endpoints()).containsExactly(good);
    assertThat(built.problems()).extracting(KeyProblem::key)
        .containsExactly("/p/endpoints/elsewhere", "/p/endpoints/hijack", "/p/models/gpt-4/1");
    assertThat(built.problems().get(0).message()).contains("endpoint URL http://203.0.113.9:8000");
    assertThat(built.problems().get(1).message()).contains("claims model 'gpt-4'");
  }

  @Test
  void allowAll_acceptsAnything_andAPolicyNeedsPatterns() {
    Keyspace open = new Keyspace("/p/", RegistrationPolicy.allowAll());
    open.put("/p/endpoints/x", RegistryFiles.toJson(Endpoint.builder("x", "http://198.51.100.1:1").serves("any").build()), 2);
    assertThat(open.build().content().endpoints()).hasSize(1);
    assertThatThrownBy(() -> RegistrationPolicy.of(List.of(), List.of("*"))).isInstanceOf(IllegalArgumentException.class);
  }
}
