package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway started from a configuration file, showing that each setting of {@code security:}
 * and the explanation and metrics settings of {@code gateway:} and {@code admin:} take effect.
 */
class GatewaySecuritySettingsEndToEndTest {

  private static final String OPS = "sk-ops-key";
  private static final String TEAM = "sk-team-key";
  private static final String CHAT = "{\"model\":\"chat\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @TempDir Path dir;

  /** Two tenants, ops and team, with the given extra sections; {@code %s} is the endpoint's URL. */
  private ConfiguredGateway start(SimServer sim, String sections) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, sections + """
        tenants:
          - {name: ops, keys: ["%s"], models: ["*"]}
          - {name: team, keys: ["%s"], models: ["*"], quota: {tokensPerMinute: 200}}
        models:
          - {name: chat, version: "1"}
        endpoints:
          - {id: sim, url: "%s", serves: [chat]}
        """.formatted(ApiKeyAuthenticator.hash(OPS), ApiKeyAuthenticator.hash(TEAM), sim.baseUrl()));
    return ConfiguredGateway.start(GatewayConfig.read(file));
  }

  @Test
  void trustedProxies_keepAndAppendTheirForwardedFor_othersStartAfresh() throws Exception {
    try (SimServer sim = SimServer.openai("chat").start()) {
      try (ConfiguredGateway gw = start(sim, "gateway: {port: 0}\nsecurity: {trustedProxies: [127.0.0.0/8]}\n")) {
        Http http = new Http(gw.app().baseUrl());
        assertThat(http.post("/v1/chat/completions", CHAT, bearer(OPS, "x-forwarded-for", "203.0.113.7")).statusCode())
            .isEqualTo(200);
        assertThat(sim.lastRequestHeaders().get("x-forwarded-for")).containsExactly("203.0.113.7, 127.0.0.1");
      }
      try (ConfiguredGateway gw = start(sim, "gateway: {port: 0}\n")) {
        Http http = new Http(gw.app().baseUrl());
        assertThat(http.post("/v1/chat/completions", CHAT, bearer(OPS, "x-forwarded-for", "203.0.113.7")).statusCode())
            .isEqualTo(200);
        assertThat(sim.lastRequestHeaders().get("x-forwarded-for")).containsExactly("127.0.0.1");
      }
    }
  }

  @Test
  void forwardCredentials_sendsTheClientsCredentialHeadersToTheEndpoint_onlyWhenOn() throws Exception {
    try (SimServer sim = SimServer.openai("chat").start()) {
      try (ConfiguredGateway gw = start(sim, "gateway: {port: 0}\n")) {
        new Http(gw.app().baseUrl()).post("/v1/chat/completions", CHAT, bearer(OPS, "x-api-key", "vendor-key"));
        assertThat(sim.lastRequestHeaders()).doesNotContainKeys("authorization", "x-api-key");
      }
      try (ConfiguredGateway gw = start(sim, "gateway: {port: 0}\nforwarding: {forwardCredentials: true}\n")) {
        new Http(gw.app().baseUrl()).post("/v1/chat/completions", CHAT, bearer(OPS, "x-api-key", "vendor-key"));
        assertThat(sim.lastRequestHeaders().get("x-api-key")).containsExactly("vendor-key");
        assertThat(sim.lastRequestHeaders().get("authorization")).containsExactly("Bearer " + OPS);
      }
    }
  }

  @Test
  void askStreamUsage_off_leavesAStreamChargedItsOutputAllowance() throws Exception {
    // team may use 200 tokens a minute; a stream without max_tokens is admitted at its prompt plus 150.
    String stream = "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    try (SimServer sim = SimServer.openai("chat").outputTokens(16).start()) {
      try (ConfiguredGateway gw = start(sim, "gateway: {port: 0}\nsecurity: {defaultOutputTokens: 150}\n")) {
        Http http = new Http(gw.app().baseUrl());
        assertThat(http.post("/v1/chat/completions", stream, bearer(TEAM)).statusCode()).isEqualTo(200);
        Await.untilAsserted("a second stream admitted: the first was charged its 16 real tokens",
            () -> assertThat(http.post("/v1/chat/completions", stream, bearer(TEAM)).statusCode()).isEqualTo(200));
      }
      try (ConfiguredGateway gw = start(sim,
          "gateway: {port: 0}\nsecurity: {defaultOutputTokens: 150}\nforwarding: {askStreamUsage: false}\n")) {
        Http http = new Http(gw.app().baseUrl());
        assertThat(http.post("/v1/chat/completions", stream, bearer(TEAM)).statusCode()).isEqualTo(200);
        assertThat(http.post("/v1/chat/completions", stream, bearer(TEAM)).statusCode())
            .as("the first stream, never asked for its usage, still counts at its allowance").isEqualTo(429);
      }
    }
  }

  @Test
  void explainTenants_onlyTheListedTenantGetsTheExplanation() throws Exception {
    try (SimServer sim = SimServer.openai("chat").start();
        ConfiguredGateway gw = start(sim, "gateway: {port: 0, explainTenants: [ops]}\n")) {
      Http http = new Http(gw.app().baseUrl());
      HttpResponse<String> ops = http.post("/v1/chat/completions", CHAT, bearer(OPS, "x-modelrouter-explain", "true"));
      HttpResponse<String> team = http.post("/v1/chat/completions", CHAT, bearer(TEAM, "x-modelrouter-explain", "true"));
      assertThat(ops.headers().firstValue("x-modelrouter-explain")).isPresent();
      assertThat(team.statusCode()).isEqualTo(200);
      assertThat(team.headers().firstValue("x-modelrouter-explain")).isEmpty();
    }
  }

  @Test
  void hintLimits_aTenantAllowedCriticalPassesTheReserve_anotherIsClampedAndShed() throws Exception {
    try (SimServer sim = SimServer.openai("chat").baseLatency(Duration.ofSeconds(3)).start();
        ConfiguredGateway gw = start(sim, """
            gateway: {port: 0, maxInFlight: 4}
            security:
              hintLimits:
                tenants:
                  ops: {highestPriority: critical}
            """)) {
      HttpClient client = HttpClient.newHttpClient();
      List<CompletableFuture<HttpResponse<String>>> holding = new ArrayList<>();
      for (int i = 0; i < 4; i++) { // the standard limit, held for 3 s
        holding.add(client.sendAsync(chat(gw, OPS, CHAT), HttpResponse.BodyHandlers.ofString()));
      }
      Await.until("4 requests at the endpoint", () -> sim.runningCount() + sim.waitingCount() >= 4);
      Http http = new Http(gw.app().baseUrl());
      HttpResponse<String> team = http.post("/v1/chat/completions", CHAT, bearer(TEAM, "x-modelrouter-priority", "critical"));
      HttpResponse<String> ops = http.post("/v1/chat/completions", CHAT, bearer(OPS, "x-modelrouter-priority", "critical"));
      assertThat(team.statusCode()).isEqualTo(503); // clamped to standard: at the limit
      assertThat(ops.statusCode()).isEqualTo(200); // critical: within the 125% reserve
      for (CompletableFuture<HttpResponse<String>> f : holding) {
        assertThat(f.get().statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void hintLimits_longestBudget_capsATenantsLatencyBudget() throws Exception {
    try (SimServer sim = SimServer.openai("chat").baseLatency(Duration.ofSeconds(2)).start();
        ConfiguredGateway gw = start(sim, """
            gateway: {port: 0}
            security: {hintLimits: {tenants: {team: {longestBudgetMs: 300}}}}
            """)) {
      Http http = new Http(gw.app().baseUrl());
      String[] budget = {"x-modelrouter-latency-budget-ms", "10000"};
      HttpResponse<String> team = http.post("/v1/chat/completions", CHAT, bearer(TEAM, budget));
      HttpResponse<String> ops = http.post("/v1/chat/completions", CHAT, bearer(OPS, budget));
      assertThat(team.statusCode()).isEqualTo(504);
      assertThat(ops.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void responseHeaders_exposeEndpointAddress_showsTheEndpointServed() throws Exception {
    String served = "x-gateway-destination-endpoint-served";
    try (SimServer sim = SimServer.openai("chat").start()) {
      try (ConfiguredGateway gw = start(sim, "gateway: {port: 0}\n")) {
        HttpResponse<String> r = new Http(gw.app().baseUrl()).post("/v1/chat/completions", CHAT, bearer(OPS));
        assertThat(r.headers().firstValue(served)).isEmpty();
      }
      try (ConfiguredGateway gw = start(sim, "gateway: {port: 0}\nsecurity: {responseHeaders: {exposeEndpointAddress: true}}\n")) {
        HttpResponse<String> r = new Http(gw.app().baseUrl()).post("/v1/chat/completions", CHAT, bearer(OPS));
        assertThat(r.headers().firstValue(served)).hasValue("127.0.0.1:" + sim.port());
      }
    }
  }

  @Test
  void defaultOutputTokens_isWhatARequestWithoutMaxTokensCounts() throws Exception {
    // team may use 200 tokens a minute; a request without max_tokens counts its prompt and the
    // default output allowance while it runs (its usage corrects the count when it is answered).
    try (SimServer sim = SimServer.openai("chat").baseLatency(Duration.ofSeconds(2)).start()) {
      try (ConfiguredGateway gw = start(sim, "gateway: {port: 0}\n")) { // 1,024: the first takes the minute's tokens
        assertThat(secondWhileFirstRuns(gw, sim)).isEqualTo(429);
      }
      try (ConfiguredGateway gw = start(sim, "gateway: {port: 0}\nsecurity: {defaultOutputTokens: 16}\n")) {
        assertThat(secondWhileFirstRuns(gw, sim)).isEqualTo(200);
      }
    }
  }

  /** The status of a second request without max_tokens from team while its first is at the endpoint. */
  private static int secondWhileFirstRuns(ConfiguredGateway gw, SimServer sim) throws Exception {
    String noMax = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    long before = sim.requestCount();
    CompletableFuture<HttpResponse<String>> first =
        HttpClient.newHttpClient().sendAsync(chat(gw, TEAM, noMax), HttpResponse.BodyHandlers.ofString());
    Await.until("the first request at the endpoint", () -> sim.requestCount() > before);
    int second = new Http(gw.app().baseUrl()).post("/v1/chat/completions", noMax, bearer(TEAM)).statusCode();
    assertThat(first.get().statusCode()).isEqualTo(200);
    return second;
  }

  @Test
  void admin_metricsToken_servesMetricsOnTheGatewaysPort_andTheAdminListenerMovesOrCloses() throws Exception {
    String token = "metrics-token-0123456789";
    try (SimServer sim = SimServer.openai("chat").start();
        ConfiguredGateway gw = start(sim, "gateway: {port: 0}\nadmin: {port: 0, metricsToken: \"sha256:"
            + ApiKeyAuthenticator.hash(token) + "\"}\n")) {
      Http http = new Http(gw.app().baseUrl());
      assertThat(http.get("/metrics").statusCode()).isEqualTo(401);
      assertThat(http.get("/metrics", "authorization", "Bearer wrong-token-0123456789").statusCode()).isEqualTo(401);
      HttpResponse<String> metrics = http.get("/metrics", "authorization", "Bearer " + token);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("modelrouter_");
      assertThat(new Http(gw.app().adminUrl()).get("/metrics").statusCode()).isEqualTo(200);
    }
    try (SimServer sim = SimServer.openai("chat").start();
        ConfiguredGateway gw = start(sim, "gateway: {port: 0}\nadmin: {port: -1}\n")) {
      assertThat(gw.app().adminUrl()).isNull();
      assertThat(new Http(gw.app().baseUrl()).get("/metrics").statusCode()).isEqualTo(404);
    }
  }

  private static HttpRequest chat(ConfiguredGateway gw, String key, String body) {
    return HttpRequest.newBuilder(URI.create(gw.app().baseUrl() + "/v1/chat/completions"))
        .header("authorization", "Bearer " + key)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
