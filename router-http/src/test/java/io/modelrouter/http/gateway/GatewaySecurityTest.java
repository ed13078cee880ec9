package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Router;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.simulator.SimServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the gateway refuses to do for a hostile client or upstream (issue 17): in-memory requests, a simulated endpoint behind. */
class GatewaySecurityTest {

  static final String CHAT = "{\"model\":\"m\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  SimServer sim;
  RoutingClient client;

  @BeforeEach
  void setUp() throws IOException {
    sim = SimServer.openai("m").start();
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").tags(java.util.Set.of("stable")).build()),
        List.of(Endpoint.builder("e", sim.baseUrl()).serves("m").build()));
    client = RoutingClient.builder(Router.builder(registry).build()).build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    sim.close();
  }

  GatewayHandler.Builder handler() {
    return GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), Tenant.unlimited("t"))));
  }

  @Test
  void metadata_malformedVersionSelector_is4xxNever500() throws IOException {
    GatewayHandler h = handler().build();
    for (String selector : List.of("tag:", "@", "%40", "tag: ", "@ ", "tag:nope", "9")) {
      TestExchange x = TestExchange.get("/v2/models/m/versions/" + selector).header("authorization", "Bearer k");
      h.handle(x, x);
      assertThat(x.status).as(selector).isBetween(400, 499);
      assertThat(x.bodyText()).as(selector).startsWith("{\"error\":\"");
    }
    TestExchange tagged = TestExchange.get("/v2/models/m/versions/@stable").header("authorization", "Bearer k");
    h.handle(tagged, tagged);
    assertThat(tagged.status).isEqualTo(200);
  }

  @Test
  void error_endpointUnreachable_tellsTheClientTheKindNotTheTransportsInternals() throws IOException {
    int port = sim.port();
    sim.close();
    TestExchange x = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer k");
    handler().build().handle(x, x);
    assertThat(x.status).isEqualTo(502);
    assertThat(x.responseHeader("x-modelrouter-reason")).isEqualTo("no_healthy_endpoint");
    assertThat(x.bodyText()).contains("no endpoint answered: no endpoint could be reached")
        .doesNotContain("127.0.0.1", Integer.toString(port), "endpoint e ", "Exception", "attempt 1)");
  }

  @Test
  void explain_isOffByDefault_andWhenOnOnlyForTheTenantsAllowedIt() throws IOException {
    Map<String, Tenant> keys = Map.of(ApiKeyAuthenticator.hash("k"), Tenant.unlimited("t"),
        ApiKeyAuthenticator.hash("ops"), Tenant.unlimited("ops"));
    GatewayHandler byDefault = GatewayHandler.builder(client).authenticator(ApiKeyAuthenticator.of(keys)).build();
    GatewayHandler forOps = GatewayHandler.builder(client).authenticator(ApiKeyAuthenticator.of(keys))
        .explainTenants(java.util.Set.of("ops")).build();
    assertThat(explanation(byDefault, "k")).isNull();
    assertThat(explanation(byDefault, "ops")).isNull();
    assertThat(explanation(forOps, "k")).isNull();
    assertThat(explanation(forOps, "ops")).contains("chosen=e");
  }

  private static String explanation(GatewayHandler h, String key) throws IOException {
    TestExchange x = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer " + key)
        .header("x-modelrouter-explain", "true");
    h.handle(x, x);
    assertThat(x.status).isEqualTo(200);
    return x.responseHeader("x-modelrouter-explain");
  }

  @Test
  void hints_aboveTheTenantsLimits_areClamped() throws IOException {
    java.util.List<io.modelrouter.RouteRequest> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(Endpoint.builder("e", sim.baseUrl()).serves("m").build()));
    try (RoutingClient recording = RoutingClient.builder(Router.builder(registry)
        .addFilter((candidates, i) -> seen.add(candidates.request())).build()).build()) {
      Map<String, Tenant> keys = Map.of(ApiKeyAuthenticator.hash("k"), Tenant.unlimited("t"),
          ApiKeyAuthenticator.hash("ops"), Tenant.unlimited("ops"));
      GatewayHandler h = GatewayHandler.builder(recording).authenticator(ApiKeyAuthenticator.of(keys))
          .requestTimeout(java.time.Duration.ofSeconds(30))
          .hintLimits("ops", HintLimits.of(io.modelrouter.Priority.CRITICAL, java.time.Duration.ofMinutes(10)))
          .build();
      for (String key : List.of("k", "ops")) {
        TestExchange x = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer " + key)
            .header("x-modelrouter-priority", "critical").header("x-modelrouter-latency-budget-ms", "3600000");
        h.handle(x, x);
        assertThat(x.status).isEqualTo(200);
      }
    }
    assertThat(seen).extracting(io.modelrouter.RouteRequest::tenant).containsExactly("t", "ops");
    assertThat(seen.get(0).priority()).isEqualTo(io.modelrouter.Priority.STANDARD);
    assertThat(seen.get(0).latencyBudgetNanos()).isEqualTo(java.time.Duration.ofSeconds(30).toNanos());
    assertThat(seen.get(1).priority()).isEqualTo(io.modelrouter.Priority.CRITICAL);
    assertThat(seen.get(1).latencyBudgetNanos()).isEqualTo(java.time.Duration.ofMinutes(10).toNanos());
  }

  @Test
  void quota_aTenantAtItsLimitsGetsNoBodyRead() throws IOException {
    Tenant slow = new Tenant("slow", java.util.Set.of("*"), new TenantQuota(1, 0, 0));
    GatewayHandler h = GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), slow)))
        .ticker(() -> 1_000_000_000L).build(); // a frozen clock: one request a second, no refill
    TestExchange first = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer k");
    h.handle(first, first);
    assertThat(first.status).isEqualTo(200);
    TestExchange second = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer k");
    h.handle(second, second);
    assertThat(second.status).isEqualTo(429);
    assertThat(second.responseHeader("retry-after")).isNotNull();
    assertThat(second.bodyRead).isFalse();
  }
}
