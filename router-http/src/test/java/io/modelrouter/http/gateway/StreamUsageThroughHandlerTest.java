package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Router;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The usage of a stream whose client did not ask for it, on both of the handler's ways (blocking
 * on OkHttp, asynchronous), in front of a simulated server on 127.0.0.1 that, like vLLM, reports a
 * stream's usage only when asked: the client's stream carries none, its tokens are counted.
 */
class StreamUsageThroughHandlerTest {

  private static final String STREAM = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private final List<CompletedRequest> heard = new CopyOnWriteArrayList<>();
  private SimServer sim;
  private RoutingClient client;
  private GatewayHandler handler;

  @BeforeEach
  void setUp() throws Exception {
    sim = SimServer.openai("m").outputTokens(16).start();
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(Endpoint.builder("e", sim.baseUrl()).serves("m").build()));
    client = RoutingClient.builder(Router.builder(registry).build()).build();
    // 1,500 tokens a minute on a clock that stands still: room for one stream charged its 1,024-token allowance, not two.
    Tenant tenant = new Tenant("t", Set.of(Tenant.ANY_MODEL), new TenantQuota(0, 1500, 0));
    handler = GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), tenant)))
        .ticker(() -> 1_000_000_000L)
        .addRequestListener(heard::add)
        .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    sim.close();
  }

  private static TestExchange stream() {
    return TestExchange.post("/v1/chat/completions", STREAM).header("authorization", "Bearer k");
  }

  @Test
  void blocking_streamWithoutUsageAsked_showsNone_andCountsItsTokens() throws Exception {
    for (int i = 0; i < 2; i++) {
      TestExchange x = stream();
      handler.handle(x, x);
      assertThat(x.status).as("stream %d", i).isEqualTo(200);
      assertThat(x.bodyText()).endsWith("data: [DONE]\n\n").doesNotContain("\"usage\"");
    }
    assertThat(heard).extracting(CompletedRequest::outputTokens).containsExactly(16, 16);
  }

  @Test
  void async_streamWithoutUsageAsked_showsNone_andCountsItsTokens() throws Exception {
    for (int i = 0; i < 2; i++) {
      TestExchange x = stream();
      handler.handleAsync(x, x);
      x.awaitEnd();
      assertThat(x.status).as("stream %d", i).isEqualTo(200);
      assertThat(x.bodyText()).endsWith("data: [DONE]\n\n").doesNotContain("\"usage\"");
      int answered = i + 1;
      Await.until("the listeners heard of stream " + i + ", its quota settled before", () -> heard.size() == answered);
    }
    assertThat(heard).extracting(CompletedRequest::outputTokens).containsExactly(16, 16);
  }
}
