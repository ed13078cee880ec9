package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.simulator.SimServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway --config FILE}: the example configuration, and a gateway run from a file. */
class GatewayConfigEndToEndTest {

  @TempDir Path dir;

  @Test
  void exampleConfig_isValidAndItsKeysMatchTheComments() {
    GatewayConfig config = GatewayConfig.read(Path.of("config/gateway.yaml"));
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.tenants()).extracting(t -> t.name()).containsExactly("team-a", "team-b");
    assertThat(config.authenticator().authenticate(new KeyOnly("sk-team-a")).name()).isEqualTo("team-a");
    assertThat(config.authenticator().authenticate(new KeyOnly("sk-team-b")).name()).isEqualTo("team-b");
    assertThat(config.inlineRegistry().endpoints()).hasSize(3);
  }

  @Test
  void exampleConfig_showsEveryKeyAtItsDefault_apartFromTheMarkedOnes() {
    GatewayConfig example = GatewayConfig.read(Path.of("config/gateway.yaml"));
    // Marked in the file: the per-model overrides and hedging are not defaults.
    assertThat(example.routing())
        .isEqualTo(new RoutingConfig(null, example.routing().models(), null, null, null, null, null, null, null));
    assertThat(example.routing().models()).containsOnlyKeys("demo-classifier", "demo-chat");
    assertThat(example.forwarding().withHedging(HedgingConfig.OFF)).isEqualTo(ForwardingConfig.DEFAULTS);
    assertThat(example.forwarding().hedging().mode()).isEqualTo("latencyMultiple");
    assertThat(example.server()).isEqualTo(ServerConfig.DEFAULTS);
    assertThat(example.health()).isEqualTo(HealthConfig.DEFAULTS);
    assertThat(example.outliers()).isEqualTo(OutlierConfig.DEFAULTS);
    assertThat(example.scraping()).isEqualTo(ScrapingConfig.DEFAULTS);
    assertThat(example.security()).isEqualTo(SecurityConfig.DEFAULTS);
    assertThat(example.admin()).isEqualTo(AdminConfig.DEFAULTS);
  }

  @Test
  void gatewayFromAConfigFile_routesAndEnforcesTheFilesTenants() throws Exception {
    try (SimServer chat = SimServer.openai("demo-chat").start();
        SimServer clf = SimServer.oip("demo-classifier").start()) {
      String yaml = Files.readString(Path.of("config/gateway.yaml"))
          .replace("http://127.0.0.1:9101", chat.baseUrl())
          .replace("http://127.0.0.1:9102", chat.baseUrl())
          .replace("http://127.0.0.1:9201", clf.baseUrl());
      Path file = dir.resolve("gateway.yaml");
      Files.writeString(file, yaml);
      GatewayConfig config = GatewayConfig.read(file);
      try (ConfiguredGateway gateway = ConfiguredGateway.start(config.withServer(config.server().withPort(0)))) {
        Http http = new Http(gateway.app().baseUrl());
        String body = "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        assertThat(http.post("/v1/chat/completions", body, bearer("sk-team-a")).statusCode()).isEqualTo(200);
        HttpResponse<String> teamB = http.post("/v1/chat/completions", body, bearer("sk-team-b"));
        assertThat(teamB.statusCode()).isEqualTo(404);
        String infer = "{\"inputs\":[{\"name\":\"input__0\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,1,1,1]}]}";
        assertThat(http.post("/v2/models/demo-classifier/infer", infer, bearer("sk-team-b")).statusCode()).isEqualTo(200);
        assertThat(http.post("/v2/models/demo-classifier/infer", infer).statusCode()).isEqualTo(401);
      }
    }
  }

  /** A request carrying nothing but an API key. */
  private record KeyOnly(String key) implements io.modelrouter.http.gateway.GatewayRequest {
    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String path() {
      return "/v1/models";
    }

    @Override
    public @org.jspecify.annotations.Nullable String header(String name) {
      return name.equals("authorization") ? "Bearer " + key : null;
    }

    @Override
    public java.util.List<String> headerNames() {
      return java.util.List.of("authorization");
    }

    @Override
    public long contentLength() {
      return 0;
    }

    @Override
    public java.io.InputStream body() {
      return java.io.InputStream.nullInputStream();
    }
  }
}
