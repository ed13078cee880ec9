package io.modelrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.GatewayRequest;
import io.modelrouter.http.gateway.TenantQuota;
import io.modelrouter.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

  @TempDir Path dir;

  private static final String REGISTRY = String.join("\n",
      "models:",
      "  - name: demo-chat",
      "    version: \"1\"",
      "endpoints:",
      "  - id: chat-a",
      "    url: http://127.0.0.1:9001",
      "    serves: [demo-chat]",
      "");

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void read_inlineRegistry_tenantsAndLimits() throws IOException {
    String keyHash = ApiKeyAuthenticator.hash("sk-team-a");
    Path file = write("gateway.yaml", String.join("\n",
        "gateway:",
        "  port: 0",
        "  maxBodyBytes: 1024",
        "  maxInFlight: 7",
        "  idleTimeoutMs: 5000",
        "  explain: false",
        "tenants:",
        "  - name: team-a",
        "    keys: [\"sha256:" + keyHash + "\"]",
        "    models: [demo-chat]",
        "    quota: {requestsPerSecond: 5, tokensPerMinute: 1000, maxConcurrent: 2}",
        REGISTRY));
    GatewayConfig config = GatewayConfig.read(file);
    assertThat(config.server().port()).isZero();
    assertThat(config.server().maxBodyBytes()).isEqualTo(1024);
    assertThat(config.server().maxInFlight()).isEqualTo(7);
    assertThat(config.server().idleTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.server().explain()).isFalse();
    assertThat(config.server().maxConnections()).isEqualTo(ServerConfig.DEFAULT_MAX_CONNECTIONS);
    assertThat(config.tenants()).singleElement().satisfies(t -> {
      assertThat(t.name()).isEqualTo("team-a");
      assertThat(t.mayUse("demo-chat")).isTrue();
      assertThat(t.mayUse("demo-embed")).isFalse();
      assertThat(t.quota()).isEqualTo(new TenantQuota(5, 1000, 2));
    });
    assertThat(config.authenticator().authenticate(bearer("sk-team-a")))
        .isEqualTo(config.tenants().get(0));
    assertThat(config.inlineRegistry().models()).extracting(m -> m.name()).containsExactly("demo-chat");
  }

  @Test
  void read_registryReference_loadsTheFileRelativeToTheConfig() throws IOException {
    write("registry.yaml", REGISTRY);
    Path file = write("gateway.yaml", "registry: registry.yaml\ntenants: []\n");
    GatewayConfig config = GatewayConfig.read(file);
    assertThat(config.registryFile()).isEqualTo(dir.resolve("registry.yaml").toAbsolutePath());
    assertThat(config.inlineRegistry().endpoints()).isEmpty();
  }

  @Test
  void read_unknownKey_namesFileLineAndColumn() throws IOException {
    Path file = write("gateway.yaml", "tenants:\n  - name: a\n    modles: [x]\n");
    assertThatThrownBy(() -> GatewayConfig.read(file))
        .isInstanceOf(RegistryException.class)
        .hasMessageMatching(".*gateway\\.yaml:\\d+:\\d+: tenants\\[0\\]\\.modles: unknown key 'modles' \\(expected one of: .*models.*\\)");
  }

  @Test
  void read_plainKeyInsteadOfHash_isRefused() throws IOException {
    Path file = write("gateway.yaml", "tenants:\n  - name: a\n    keys: [sk-plain]\n");
    assertThatThrownBy(() -> GatewayConfig.read(file))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("expected: the SHA-256 of the key, 64 hex digits");
  }

  @Test
  void read_badQuotaAndLimits_sayWhatWasExpected() throws IOException {
    Path quota = write("q.yaml", "tenants:\n  - name: a\n    quota: {requestsPerSecond: -1}\n");
    assertThatThrownBy(() -> GatewayConfig.read(quota)).hasMessageContaining("requestsPerSecond: -1.0 (expected: >= 0)");
    Path limits = write("l.yaml", "gateway:\n  maxConnections: 0\n");
    assertThatThrownBy(() -> GatewayConfig.read(limits)).hasMessageContaining("maxConnections: 0 (expected: > 0)");
  }

  @Test
  void read_sameKeyForTwoTenants_isRefused() throws IOException {
    String h = ApiKeyAuthenticator.hash("k");
    Path file = write("gateway.yaml", "tenants:\n  - name: a\n    keys: [\"" + h + "\"]\n  - name: b\n    keys: [\"" + h + "\"]\n");
    assertThatThrownBy(() -> GatewayConfig.read(file)).hasMessageContaining("listed twice");
  }

  @Test
  void read_badInlineRegistry_isARegistryError() throws IOException {
    Path file = write("gateway.yaml", "endpoints:\n  - id: a\n    url: http://127.0.0.1:1\n    serves: [nope]\n");
    assertThatThrownBy(() -> GatewayConfig.read(file))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("serves nope");
  }

  @Test
  void read_inlineRouteNamedLikeAModel_namesTheConfigLineOfTheRoute() throws IOException {
    Path file = write("gateway.yaml", String.join("\n",
        "tenants: []",
        REGISTRY + "routes:",
        "  - name: other",
        "    targets: [{model: demo-chat}]",
        "  - name: demo-chat",
        "    targets: [{model: demo-chat}]",
        ""));
    assertThatThrownBy(() -> GatewayConfig.read(file))
        .isInstanceOf(RegistryException.class)
        .hasMessageEndingWith("gateway.yaml:12:5: routes: route demo-chat has the name of a model (expected: routes and models named apart)")
        .satisfies(e -> assertThat(((RegistryException) e).line()).isEqualTo(12));
  }

  /** A bodiless GET carrying {@code Authorization: Bearer key}, all an authenticator reads. */
  private static GatewayRequest bearer(String key) {
    return new GatewayRequest() {
      @Override public String method() { return "GET"; }
      @Override public String path() { return "/v1/models"; }
      @Override public @Nullable String header(String name) {
        return name.equalsIgnoreCase("authorization") ? "Bearer " + key : null;
      }
      @Override public List<String> headerNames() { return List.of("authorization"); }
      @Override public long contentLength() { return 0; }
      @Override public InputStream body() { return InputStream.nullInputStream(); }
    };
  }
}
