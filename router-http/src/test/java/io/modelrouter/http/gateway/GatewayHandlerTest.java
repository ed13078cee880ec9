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
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler without any HTTP server in front: in-memory requests, a simulated endpoint on 127.0.0.1 behind. */
class GatewayHandlerTest {


  private static final String CHAT = "{\"model\":\"m\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private SimServer sim;
  private RoutingClient client;

  @BeforeEach
  void setUp() throws IOException {
    sim = SimServer.openai("m").start();
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build(), ModelSpec.builder("other", "1").build()),
        List.of(Endpoint.builder("e", sim.baseUrl()).serves("m", "other").build()));
    client = RoutingClient.builder(Router.builder(registry).build()).build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    sim.close();
  }

  /** Runs one exchange through the handler: the blocking way here, the asynchronous way in a subclass. */
  void handle(GatewayHandler handler, TestExchange x) throws IOException {
    handler.handle(x, x);
  }

  private GatewayHandler.Builder handler() {
    return GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), Tenant.unlimited("t"))));
  }

  @Test
  void handle_withoutCredentials_answers401WithoutReadingTheBody() throws IOException {
    TestExchange x = TestExchange.post("/v1/chat/completions", CHAT);
    handle(handler().build(), x);
    assertThat(x.status).isEqualTo(401);
    assertThat(x.bodyRead).isFalse();
    assertThat(x.responseHeader("x-modelrouter-reason")).isEqualTo("unauthorized");
    assertThat(sim.requestCount()).isZero();
  }

  @Test
  void handle_withAnExternalAuthenticator_usesItsTenant() throws IOException {
    // An SPI implementation: a trusted proxy puts the mTLS identity in a header.
    Authenticator mtls = request -> "spiffe://team-a".equals(request.header("x-client-identity"))
        ? new Tenant("team-a", Set.of("m"), TenantQuota.unlimited()) : null;
    GatewayHandler h = GatewayHandler.builder(client).authenticator(mtls).build();
    TestExchange denied = TestExchange.post("/v1/chat/completions", CHAT.replace("\"m\"", "\"other\""))
        .header("x-client-identity", "spiffe://team-a");
    handle(h, denied);
    assertThat(denied.status).isEqualTo(404);
    assertThat(denied.responseHeader("x-modelrouter-reason")).isEqualTo("unknown_model");
    assertThat(sim.requestCount()).isZero();
    TestExchange allowed = TestExchange.post("/v1/chat/completions", CHAT).header("x-client-identity", "spiffe://team-a");
    handle(h, allowed);
    assertThat(allowed.status).isEqualTo(200);
    TestExchange nobody = TestExchange.post("/v1/chat/completions", CHAT);
    handle(h, nobody);
    assertThat(nobody.status).isEqualTo(401);
  }

  @Test
  void handle_forwardsAndReportsTheEndpoint() throws IOException {
    TestExchange x = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer k");
    handle(handler().build(), x);
    assertThat(x.status).isEqualTo(200);
    assertThat(x.responseHeader("x-modelrouter-endpoint")).isEqualTo("e");
    assertThat(x.bodyText()).contains("\"completion_tokens\":3");
  }

  @Test
  void handle_explainAskedButDisabled_sendsNoExplanation() throws IOException {
    TestExchange on = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer k")
        .header("x-modelrouter-explain", "true");
    handle(handler().explain(true).build(), on);
    assertThat(on.responseHeader("x-modelrouter-explain")).contains("chosen=e");
    TestExchange off = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer k")
        .header("x-modelrouter-explain", "true");
    handle(handler().explain(false).build(), off);
    assertThat(off.status).isEqualTo(200);
    assertThat(off.responseHeader("x-modelrouter-explain")).isNull();
  }

  @Test
  void handle_bodyOverTheLimit_is413InTheProtocolsShape() throws IOException {
    TestExchange x = TestExchange.post("/v2/models/m/infer", "{\"inputs\":[" + " ".repeat(200) + "]}")
        .header("authorization", "Bearer k");
    handle(handler().maxBodyBytes(100).build(), x);
    assertThat(x.status).isEqualTo(413);
    assertThat(x.bodyText()).startsWith("{\"error\":\"");
  }

  @Test
  void handle_tokenQuota_isCorrectedFromTheResponsesUsage() throws IOException {
    // 60 tokens per minute: the estimate (prompt + max_tokens 3) fits, the real usage is charged after.
    Tenant small = new Tenant("small", Set.of("*"), new TenantQuota(0, 60, 0));
    GatewayHandler h = GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), small))).build();
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 20 && limited == 0; i++) {
      TestExchange x = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer k");
      handle(h, x);
      if (x.status == 200) {
        ok++;
      } else {
        assertThat(x.status).isEqualTo(429);
        assertThat(x.responseHeader("retry-after")).isNotNull();
        limited++;
      }
    }
    assertThat(limited).isOne();
    assertThat(ok).isBetween(2, 15);
  }

  @Test
  void handle_headOnHealthz_hasNoBody() throws IOException {
    TestExchange x = TestExchange.of("HEAD", "/healthz");
    handle(handler().build(), x);
    assertThat(x.status).isEqualTo(200);
    assertThat(x.bodyText()).isEmpty();
  }

  @Test
  void handle_notReadyWhileDraining() throws IOException {
    GatewayHandler h = handler().build();
    TestExchange before = TestExchange.get("/readyz");
    handle(h, before);
    assertThat(before.status).isEqualTo(200);
    h.drain();
    TestExchange after = TestExchange.get("/readyz");
    handle(h, after);
    assertThat(after.status).isEqualTo(503);
  }

  @Test
  void handle_streamsServerSentEventsThrough() throws IOException {
    TestExchange x = TestExchange.post("/v1/chat/completions", CHAT.replace("{", "{\"stream\":true,"))
        .header("authorization", "Bearer k");
    handle(handler().build(), x);
    assertThat(x.status).isEqualTo(200);
    assertThat(x.responseHeader("content-type")).startsWith("text/event-stream");
    assertThat(x.declaredLength).isEqualTo(-1);
    assertThat(x.bodyText()).startsWith("data: {").endsWith("data: [DONE]\n\n");
  }

  @Test
  void handle_endpointGone_isAnErrorInTheProtocolsShape() throws IOException {
    sim.close();
    TestExchange x = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer k");
    handle(handler().build(), x);
    assertThat(x.status).isBetween(502, 503);
    assertThat(x.responseHeader("x-modelrouter-reason")).isEqualTo("no_healthy_endpoint");
    assertThat(x.bodyText()).contains("\"error\":{\"message\":\"no endpoint answered");
  }
}
