package io.modelrouter.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** etcd as a trust boundary, on a real etcd with authentication on: credentials, and bounded answers. */
class EtcdTrustTest {

  private static EtcdServer etcd;

  @BeforeAll
  static void startEtcdWithAuth() throws Exception {
    etcd = EtcdServer.startOrSkip();
    call("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"root-pw\"}");
    call("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
    call("/v3/auth/enable", "{}");
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  private static void call(String path, String json) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(etcd.url() + path))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
  }

  @Test
  void withoutCredentials_etcdRefusesEveryCall() {
    try (EtcdClient anonymous = EtcdClient.connect(etcd.url())) {
      assertThatThrownBy(() -> EtcdRegistryStore.of(anonymous, "/anon/").list()).isInstanceOf(EtcdException.class);
    }
  }

  @Test
  void wrongPassword_isAnErrorNamingTheAuthentication() {
    try (EtcdClient wrong = EtcdClient.builder(etcd.url()).credentials("root", "nope").build()) {
      assertThatThrownBy(() -> EtcdRegistryStore.of(wrong, "/wrong/").list())
          .isInstanceOf(EtcdException.class).hasMessageContaining("/v3/auth/authenticate");
    }
  }

  @Test
  void withCredentials_storeAndWatchingRegistryWork() throws Exception {
    try (EtcdClient root = EtcdClient.builder(etcd.url()).credentials("root", "root-pw").build()) {
      EtcdRegistryStore store = EtcdRegistryStore.of(root, "/auth/");
      store.put(ModelSpec.builder("chat", "1").build());
      try (EtcdRegistry registry = EtcdRegistry.builder(root).prefix("/auth/").build()) {
        assertThat(registry.awaitLoaded(Duration.ofSeconds(5))).isTrue();
        long revision = store.put(Endpoint.builder("a", "http://127.0.0.1:9001").serves("chat").build());
        // The watch (with the token) delivers it.
        Await.until("the watch delivered the put", Duration.ofSeconds(5), () -> registry.revision() >= revision);
        assertThat(registry.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("a");
      }
    }
  }

  @Test
  void answerOverMaxResponseBytes_isAnErrorNotMemory() {
    try (EtcdClient root = EtcdClient.builder(etcd.url()).credentials("root", "root-pw").build();
        EtcdClient small = EtcdClient.builder(etcd.url()).credentials("root", "root-pw").maxResponseBytes(1024).build()) {
      EtcdRegistryStore.of(root, "/big/").put(ModelSpec.builder("chat", "1").family("x".repeat(4096)).build());
      assertThatThrownBy(() -> EtcdRegistryStore.of(small, "/big/").list())
          .isInstanceOf(EtcdException.class).hasMessageContaining("maxResponseBytes");
      assertThat(EtcdRegistryStore.of(root, "/big/").list().content().models()).hasSize(1);
    }
  }
}
