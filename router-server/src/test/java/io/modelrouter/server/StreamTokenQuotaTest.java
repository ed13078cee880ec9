package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Router;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.CompletedRequest;
import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.http.gateway.TenantQuota;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams count against the tenant's tokens-per-minute quota (issue 17), through the gateway on
 * Jetty over sockets on 127.0.0.1, in front of a simulated server that, like vLLM and OpenAI,
 * reports a stream's usage only when asked. The tenant may use 1,500 tokens a minute, on a clock
 * that stands still: a stream without {@code max_tokens} is admitted at its prompt plus the 1,024
 * token allowance, so a second one gets in only if the first was charged its real tokens.
 */
class StreamTokenQuotaTest {

  private static final String STREAM = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String STREAM_ASKING = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private final List<CompletedRequest> heard = new CopyOnWriteArrayList<>();
  private SimServer sim;
  private JettyTransport transport;
  private RoutingClient client;
  private GatewayServer server;

  @BeforeEach
  void setUp() throws IOException {
    sim = SimServer.openai("m").outputTokens(16).start();
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(Endpoint.builder("e", sim.baseUrl()).serves("m").build()));
    transport = JettyTransport.create();
    client = RoutingClient.builder(Router.builder(registry).build()).transport(transport).build();
    Tenant tenant = new Tenant("t", Set.of(Tenant.ANY_MODEL), new TenantQuota(0, 1500, 0));
    GatewayHandler handler = GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), tenant)))
        .ticker(() -> 1_000_000_000L)
        .addRequestListener(heard::add)
        .build();
    server = GatewayServer.builder(handler).port(0).build().start();
  }

  @AfterEach
  void tearDown() {
    server.close();
    client.close();
    transport.close();
    sim.close();
  }

  @Test
  void streamWhoseClientDidNotAskForUsage_showsNone_andIsChargedItsRealTokens() {
    String first = post(STREAM);
    assertThat(first).startsWith("HTTP/1.1 200").contains("\"finish_reason\":\"length\"").endsWith("data: [DONE]\n\n");
    assertThat(first).doesNotContain("\"usage\"");
    Await.until("the request listeners heard of it", () -> heard.size() == 1);
    assertThat(heard.get(0).outputTokens()).isEqualTo(16);

    // Charged 1,024 output tokens, the tenant would be out of quota (the clock stands still); charged 16, it is not.
    Await.until("a second stream admitted", () -> post(STREAM).startsWith("HTTP/1.1 200"));
    assertThat(sim.requestCount()).isEqualTo(2);
  }

  @Test
  void streamWhoseClientAskedForUsage_showsItOnce() {
    String answer = post(STREAM_ASKING);
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(answer.split("\"usage\"", -1)).hasSize(2);
    assertThat(answer).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":").contains("\"completion_tokens\":16}");
    Await.until("the request listeners heard of it", () -> heard.size() == 1);
    assertThat(heard.get(0).outputTokens()).isEqualTo(16);
    Await.until("a second stream admitted", () -> post(STREAM_ASKING).startsWith("HTTP/1.1 200"));
  }

  /** Posts a chat request and reads the whole answer (the connection closes after it). */
  private String post(String body) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(15_000);
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
          + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " + b.length + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(b);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
