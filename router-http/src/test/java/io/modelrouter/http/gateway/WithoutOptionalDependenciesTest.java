package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Router;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.simulator.SimServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The gateway with neither Micrometer nor the OpenTelemetry API on the class path (this class runs
 * in its own Surefire execution that leaves them out): requests are answered and heard by request
 * listeners, ids kept or made, and nothing fails for a missing class.
 */
class WithoutOptionalDependenciesTest {

  private static final String CHAT = "{\"model\":\"m\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void gateway_answersAndTellsListenersWithoutMicrometerOrOpenTelemetry() throws Exception {
    assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("io.opentelemetry.api.OpenTelemetry"))
        .isInstanceOf(ClassNotFoundException.class);
    List<CompletedRequest> heard = new CopyOnWriteArrayList<>();
    try (SimServer sim = SimServer.openai("m").start()) {
      InMemoryRegistry registry = InMemoryRegistry.create();
      registry.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(Endpoint.builder("e", sim.baseUrl()).serves("m").build()));
      try (RoutingClient client = RoutingClient.builder(Router.builder(registry).build()).build()) {
        GatewayHandler handler = GatewayHandler.builder(client)
            .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), Tenant.unlimited("t"))))
            .addRequestListener(heard::add)
            .addRequestListener(AccessLog.create())
            .build();

        TestExchange ok = TestExchange.post("/v1/chat/completions", CHAT).header("authorization", "Bearer k")
            .header("x-request-id", "abc-1");
        handler.handle(ok, ok);
        TestExchange unknown = TestExchange.post("/v1/chat/completions", CHAT.replace("\"m\"", "\"zz\""))
            .header("authorization", "Bearer k");
        handler.handle(unknown, unknown);
        TestExchange metrics = TestExchange.get("/metrics");
        handler.handle(metrics, metrics);

        assertThat(ok.status).isEqualTo(200);
        assertThat(ok.responseHeader("x-request-id")).isEqualTo("abc-1");
        assertThat(sim.lastRequestHeaders().get("x-request-id")).containsExactly("abc-1");
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.responseHeader("x-request-id")).hasSize(32);
        assertThat(metrics.status).isEqualTo(404);
        assertThat(handler.metricsText()).isEmpty();

        assertThat(heard).hasSize(2);
        CompletedRequest served = heard.get(0);
        assertThat(served.requestId()).isEqualTo("abc-1");
        assertThat(served.tenant()).isEqualTo("t");
        assertThat(served.model()).isEqualTo("m");
        assertThat(served.servedModel()).isEqualTo("m");
        assertThat(served.endpoint()).isEqualTo("e");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.routed()).isTrue();
        assertThat(served.reason()).isNull();
        assertThat(served.outputTokens()).isEqualTo(3);
        assertThat(served.attempts()).isEqualTo(1);
        assertThat(served.ttfbNanos()).isBetween(0L, served.latencyNanos());
        CompletedRequest refused = heard.get(1);
        assertThat(refused.requestId()).isEqualTo(unknown.responseHeader("x-request-id"));
        assertThat(refused.model()).isEqualTo("zz");
        assertThat(refused.servedModel()).isNull();
        assertThat(refused.endpoint()).isNull();
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.reason()).isEqualTo("unknown_model");
        assertThat(refused.routed()).isTrue(); // the tenant may use any model: the router refused it
      }
    }
  }
}
