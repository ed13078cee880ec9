package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Router;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.testing.Await;
import io.modelrouter.testing.ServedConnection;
import io.modelrouter.testing.TricklingClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Jetty gateway between a hostile client and a hostile upstream on 127.0.0.1 (issue 17), over raw sockets. */
class GatewayServerSecurityTest {

  static final String OIP = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1.0]}]}";
  static final String CHAT = "{\"model\":\"m\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  RecordingUpstream upstream;
  RoutingClient client;

  @BeforeEach
  void setUp() throws IOException {
    upstream = new RecordingUpstream();
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build(), ModelSpec.builder("my model", "1").build(),
            ModelSpec.builder("mod\u00e8le", "1").build()),
        List.of(Endpoint.builder("e", upstream.baseUrl()).serves("m", "my model", "mod\u00e8le").build()));
    client = RoutingClient.builder(Router.builder(registry).build()).build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  GatewayHandler.Builder handler() {
    return GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), Tenant.unlimited("t"))));
  }

  static String post(int port, String target, String extraHeaders, String body) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      out.write(("POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n"
          + "Connection: close\r\n" + extraHeaders + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void forwarding_sendsTheRawPathAndQuery_forModelNamesWithSpacesOrNonAscii() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler().build()).port(0).build().start()) {
      assertThat(post(server.port(), "/v2/models/my%20model/infer?trace=1&x=%2F", "", OIP)).startsWith("HTTP/1.1 200");
      assertThat(upstream.lastTarget).isEqualTo("/v2/models/my%20model/infer?trace=1&x=%2F");
      assertThat(post(server.port(), "/v2/models/mod%C3%A8le/infer", "", OIP)).startsWith("HTTP/1.1 200");
      assertThat(upstream.lastTarget).isEqualTo("/v2/models/mod%C3%A8le/infer");
      assertThat(post(server.port(), "/v1/chat/completions?api-version=2024", "", CHAT)).startsWith("HTTP/1.1 200");
      assertThat(upstream.lastTarget).isEqualTo("/v1/chat/completions?api-version=2024");
    }
  }

  /** The response head's field names in lower case, then a colon and the value, one per line. */
  static String head(String response) {
    return response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
  }

  @Test
  void answer_passesOnlyAllowListedUpstreamFields_neverOurOwnNames() throws IOException {
    upstream.answerHeaders.put("X-Modelrouter-Reason", "forged");
    upstream.answerHeaders.put("X-Modelrouter-Explain", "chosen=evil");
    upstream.answerHeaders.put("Set-Cookie", "session=stolen; Path=/");
    upstream.answerHeaders.put("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    upstream.answerHeaders.put("Access-Control-Allow-Origin", "*");
    upstream.answerHeaders.put("x-ratelimit-remaining-tokens", "77");
    upstream.answerHeaders.put("openai-processing-ms", "5");
    try (GatewayServer server = GatewayServer.builder(handler().build()).port(0).build().start()) {
      String head = head(post(server.port(), "/v1/chat/completions", "", CHAT));
      assertThat(head).startsWith("http/1.1 200")
          .contains("x-modelrouter-endpoint: e", "x-ratelimit-remaining-tokens: 77", "openai-processing-ms: 5",
              "content-type: application/json")
          .doesNotContain("forged", "chosen=evil", "set-cookie", "strict-transport-security", "access-control",
              "x-gateway-destination-endpoint-served");
    }
  }

  @Test
  void answer_showsTheEndpointAddressOnlyWhenConfigured() throws IOException {
    GatewayHandler h = handler().headerPolicy(io.modelrouter.http.gateway.HeaderPolicy.builder()
        .exposeEndpointAddress(true).allow("set-cookie").build()).build();
    upstream.answerHeaders.put("Set-Cookie", "a=b");
    try (GatewayServer server = GatewayServer.builder(h).port(0).build().start()) {
      String head = head(post(server.port(), "/v1/chat/completions", "", CHAT));
      assertThat(head).contains("x-gateway-destination-endpoint-served: 127.0.0.1:", "set-cookie: a=b");
    }
  }

  @Test
  void forwarding_dropsOtherVendorsCredentials() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler().build()).port(0).build().start()) {
      assertThat(post(server.port(), "/v1/chat/completions",
          "x-goog-api-key: g\r\nOcp-Apim-Subscription-Key: az\r\nX-Amz-Security-Token: aws\r\nX-Trace: kept\r\n", CHAT))
          .startsWith("HTTP/1.1 200");
      assertThat(upstream.lastHeaders).containsKey("x-trace")
          .doesNotContainKeys("x-goog-api-key", "ocp-apim-subscription-key", "x-amz-security-token", "authorization");
    }
  }

  @Test
  void forwarding_replacesProxyFieldsFromAnUntrustedClientWithItsAddress() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler().build()).port(0).build().start()) {
      post(server.port(), "/v1/chat/completions",
          "X-Forwarded-For: 6.6.6.6\r\nForwarded: for=6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nX-Forwarded-Host: evil\r\n", CHAT);
      assertThat(upstream.lastHeaders.get("x-forwarded-for")).containsExactly("127.0.0.1");
      assertThat(upstream.lastHeaders.get("forwarded")).containsExactly("for=127.0.0.1");
      assertThat(upstream.lastHeaders.get("x-real-ip")).containsExactly("127.0.0.1");
      assertThat(upstream.lastHeaders).doesNotContainKey("x-forwarded-host");
    }
  }

  @Test
  void forwarding_appendsToProxyFieldsFromATrustedProxy() throws IOException {
    GatewayHandler h = handler().forwardedHeaders(io.modelrouter.http.gateway.ForwardedHeaders.trusting(List.of("127.0.0.0/8")))
        .build();
    try (GatewayServer server = GatewayServer.builder(h).port(0).build().start()) {
      post(server.port(), "/v1/chat/completions",
          "X-Forwarded-For: 203.0.113.7\r\nForwarded: for=203.0.113.7;proto=https\r\nX-Real-IP: 203.0.113.7\r\n", CHAT);
      assertThat(upstream.lastHeaders.get("x-forwarded-for")).containsExactly("203.0.113.7, 127.0.0.1");
      assertThat(upstream.lastHeaders.get("forwarded")).containsExactly("for=203.0.113.7;proto=https, for=127.0.0.1");
      assertThat(upstream.lastHeaders.get("x-real-ip")).containsExactly("203.0.113.7");
    }
  }

  @Test
  void tokenQuota_requestWithoutMaxTokensAndNoUsage_isChargedTheDefaultOutputAllowance() throws IOException {
    upstream.reportUsage = false;
    io.modelrouter.http.gateway.Tenant small = new io.modelrouter.http.gateway.Tenant("small", java.util.Set.of("*"),
        new io.modelrouter.http.gateway.TenantQuota(0, 2000, 0));
    GatewayHandler h = GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), small))).build();
    String noMax = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    int ok = 0;
    try (GatewayServer server = GatewayServer.builder(h).port(0).build().start()) {
      for (int i = 0; i < 5; i++) {
        if (post(server.port(), "/v1/chat/completions", "", noMax).startsWith("HTTP/1.1 200")) {
          ok++;
        }
      }
    }
    // 2,000 tokens a minute, each request counted as its prompt and 1,024 output tokens.
    assertThat(ok).isEqualTo(1);
  }

  static String get(int port, String path, String extraHeaders) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extraHeaders + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** What a Micrometer Prometheus registry would serve: the handler serves metrics only from a source. */
  private static final java.util.function.Supplier<String> METRICS =
      () -> "# TYPE modelrouter_requests_in_flight gauge\nmodelrouter_requests_in_flight 0\n";

  @Test
  void metrics_areServedOnTheAdminListenerOnly() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler().metricsText(METRICS).build()).port(0).adminPort(0).build().start()) {
      assertThat(server.adminPort()).isPositive().isNotEqualTo(server.port());
      assertThat(get(server.port(), "/metrics", "")).startsWith("HTTP/1.1 404").doesNotContain("modelrouter_");
      assertThat(get(server.port(), "/metrics", "Authorization: Bearer k\r\n")).startsWith("HTTP/1.1 404");
      assertThat(get(server.adminPort(), "/metrics", "")).startsWith("HTTP/1.1 200").contains("# TYPE");
      assertThat(get(server.adminPort(), "/readyz", "")).startsWith("HTTP/1.1 200");
      assertThat(get(server.adminPort(), "/v1/models", "Authorization: Bearer k\r\n")).startsWith("HTTP/1.1 404");
      assertThat(get(server.port(), "/healthz", "")).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void metrics_onTheGatewaysListener_needTheirOwnCredential() throws IOException {
    String token = "metrics-0123456789abcdef";
    try (GatewayServer server = GatewayServer.builder(handler().metricsText(METRICS).metricsToken(token).build()).port(0).build().start()) {
      assertThat(server.adminPort()).isEqualTo(-1);
      assertThat(get(server.port(), "/metrics", "")).startsWith("HTTP/1.1 401");
      assertThat(get(server.port(), "/metrics", "Authorization: Bearer k\r\n")).startsWith("HTTP/1.1 401");
      assertThat(get(server.port(), "/metrics", "Authorization: Bearer " + token + "\r\n")).startsWith("HTTP/1.1 200")
          .contains("# TYPE");
    }
  }

  /** Whether the server closed the connection within the socket's read timeout (anything read first is skipped). */
  static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // a 408 or error answer before the close is fine
      }
      return true;
    } catch (java.net.SocketException reset) {
      return true;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    }
  }

  @Test
  void slowHeaders_tricklingInUnderTheIdleTimeout_areCutOffAtTheHeadTimeout() throws Exception {
    GatewayServer server = GatewayServer.builder(handler().build()).port(0)
        .idleTimeout(java.time.Duration.ofSeconds(30)).headTimeout(java.time.Duration.ofSeconds(1)).build().start();
    byte[] head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    try (server; Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        TricklingClient slow = TricklingClient.start(s, head, java.time.Duration.ofMillis(100))) {
      long start = System.nanoTime();
      s.setSoTimeout(4_000); // the head would take 7 s to arrive
      assertThat(closedByServer(s)).isTrue();
      assertThat(slow.sent()).isLessThan(head.length);
      assertThat(System.nanoTime() - start).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(4));
    }
  }

  @Test
  void slowHeaders_aQuietKeepAliveConnectionIsLeftToTheIdleTimeout() throws Exception {
    try (GatewayServer server = GatewayServer.builder(handler().build()).port(0)
        .idleTimeout(java.time.Duration.ofSeconds(30)).headTimeout(java.time.Duration.ofMillis(500)).build().start();
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = s.getOutputStream();
      out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      s.setSoTimeout(5_000);
      byte[] buf = new byte[4096];
      int n = s.getInputStream().read(buf);
      assertThat(new String(buf, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
      s.setSoTimeout(1_500); // three head timeouts of silence
      assertThat(closedByServer(s)).isFalse();
      out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      s.setSoTimeout(5_000);
      n = s.getInputStream().read(buf);
      assertThat(new String(buf, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
    }
  }


  @Test
  void connections_fromOneAddressAboveItsCap_areClosed() throws Exception {
    try (GatewayServer server = GatewayServer.builder(handler().build()).port(0).maxConnections(8)
        .maxConnectionsPerAddress(2).build().start();
        Socket a = ServedConnection.open(server.port());
        Socket b = ServedConnection.open(server.port()); // a and b are open at the server before c connects
        Socket c = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      c.setSoTimeout(5_000);
      assertThat(closedByServer(c)).isTrue();
      a.setSoTimeout(300);
      assertThat(closedByServer(a)).isFalse();
      b.close();
      Await.untilAsserted("served once the server has seen b close", java.time.Duration.ofSeconds(5),
          () -> assertThat(get(server.port(), "/healthz", "")).startsWith("HTTP/1.1 200"));
    }
  }

  @Test
  void bodies_pastTheGatewaysReadingBudget_get503NotMemory() throws Exception {
    int limit = 256 * 1024;
    GatewayHandler h = handler().maxBodyBytes(limit).maxBytesReading(limit).build();
    try (GatewayServer server = GatewayServer.builder(h).port(0).build().start();
        Socket big = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = big.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + limit + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(new byte[200 * 1024]); // and holds the rest
      out.flush();
      AtomicReference<String> refused = new AtomicReference<>();
      Await.untilAsserted("refused once the big body's buffers are reserved", () -> {
        refused.set(post(server.port(), "/v1/chat/completions", "", CHAT));
        assertThat(refused.get()).startsWith("HTTP/1.1 503");
      });
      assertThat(refused.get()).containsIgnoringCase("x-modelrouter-reason: overloaded").containsIgnoringCase("retry-after: 1");
      big.close();
      Await.untilAsserted("served once the big body's budget is given back (it failed)",
          () -> assertThat(post(server.port(), "/v1/chat/completions", "", CHAT)).startsWith("HTTP/1.1 200"));
    }
  }
}
