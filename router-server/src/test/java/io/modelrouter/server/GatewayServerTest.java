package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import io.modelrouter.testing.SimFleet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Jetty binding on 127.0.0.1, driven with raw sockets so that limits and timeouts are visible. */
class GatewayServerTest {

  private SimFleet fleet;
  private SimServer sim;
  private RoutingClient client;
  private GatewayHandler handler;

  @BeforeEach
  void setUp() throws IOException {
    fleet = SimFleet.builder().openai("m", 1, server -> server.baseLatency(Duration.ofMillis(400))).start();
    sim = fleet.server("m-0");
    client = RoutingClient.builder(fleet.router().build()).build();
    handler = GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), Tenant.unlimited("t"))))
        .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    fleet.close();
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(5000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads one response's status line and headers (and what follows in the same reads). */
  private static String readHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[4096];
    while (sb.indexOf("\r\n\r\n") < 0) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
    }
    return sb.toString();
  }

  private static final String CHAT = "{\"model\":\"m\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static String chatRequest() {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT;
  }

  @Test
  void serves_theHandlersRoutes() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).build().start(); Socket s = connect(server.port())) {
      send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readHead(s)).startsWith("HTTP/1.1 200").contains("{\"status\":\"ok\"}");
      send(s, chatRequest());
      assertThat(readHead(s)).startsWith("HTTP/1.1 200").containsIgnoringCase("x-modelrouter-endpoint: m-0");
    }
  }

  @Test
  void forwarding_passesEveryValueOfARepeatedRequestField() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).build().start(); Socket s = connect(server.port())) {
      send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
          + "X-Trace: one\r\nX-Trace: two\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);

      assertThat(readHead(s)).startsWith("HTTP/1.1 200");
      assertThat(sim.lastRequestHeaders().get("x-trace")).containsExactly("one", "two");
      assertThat(sim.lastRequestHeaders()).doesNotContainKey("authorization");
    }
  }

  @Test
  void headersOverTheLimit_get431AsJsonWithoutReachingTheHandler() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).maxHeaderBytes(2048).build().start();
        Socket s = connect(server.port())) {
      send(s, "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(4096) + "\r\n\r\n");
      String head = readHead(s);
      assertThat(head).startsWith("HTTP/1.1 431");
      assertThat(head).containsIgnoringCase("content-type: application/json");
      String rest = head;
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      for (int n; !rest.contains("}}") && (n = in.read(buf)) > 0; ) {
        rest += new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      }
      assertThat(rest).contains("\"code\":\"headers_too_large\"").doesNotContain("<html");
    }
  }

  @Test
  void connectionCap_holdsFurtherConnectionsUntilOneCloses() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).maxConnections(2).build().start();
        Socket a = connect(server.port());
        Socket b = connect(server.port())) {
      send(a, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readHead(a)).startsWith("HTTP/1.1 200");
      send(b, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readHead(b)).startsWith("HTTP/1.1 200");
      try (Socket c = connect(server.port())) {
        c.setSoTimeout(500);
        send(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        boolean answered;
        try {
          answered = c.getInputStream().read() >= 0;
        } catch (SocketTimeoutException e) {
          answered = false;
        }
        assertThat(answered).as("third connection served while two are open").isFalse();
        a.close();
        c.setSoTimeout(5000);
        assertThat(readHead(c)).startsWith("HTTP/1.1 200");
      }
    }
  }

  @Test
  void clientThatStopsSendingHeaders_isDisconnectedAfterTheIdleTimeout() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).idleTimeout(Duration.ofMillis(300)).build().start();
        Socket s = connect(server.port())) {
      send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n");
      long start = System.nanoTime();
      String head = readHead(s);
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(waitedMs).isBetween(200L, 4000L);
      assertThat(head).doesNotContain("200 OK");
    }
  }

  @Test
  void clientThatStopsSendingTheBody_isCutOffAfterTheIdleTimeout() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).idleTimeout(Duration.ofMillis(300)).build().start();
        Socket s = connect(server.port())) {
      send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n{\"model\":");
      long start = System.nanoTime();
      String head = readHead(s);
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(waitedMs).isBetween(200L, 4000L);
      assertThat(head).startsWith("HTTP/1.1 408");
      assertThat(sim.requestCount()).isZero();
    }
  }

  @Test
  void bodyTrickledBelowTheMinimumRate_isCutOff() throws Exception {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).idleTimeout(Duration.ofSeconds(20))
            .minRequestBytesPerSecond(1024).build().start();
        Socket s = connect(server.port())) {
      send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n"
          + "Content-Length: 4000\r\n\r\n");
      long start = System.nanoTime();
      boolean cut = false;
      try {
        for (int i = 0; i < 60 && !cut; i++) {
          send(s, "          ");
          Thread.sleep(200);
          cut = s.getInputStream().available() > 0;
        }
      } catch (IOException e) {
        cut = true;
      }
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(cut).as("cut off while trickling 50 bytes/s").isTrue();
      String answer;
      try {
        answer = readHead(s);
      } catch (IOException e) {
        answer = "";
      }
      assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"invalid_input\"");
      assertThat(waitedMs).isLessThan(12_000);
      assertThat(sim.requestCount()).isZero();
    }
  }

  @Test
  void bodyOverTheLimit_isReadAndDroppedSoThatTheClientReadsThe413() throws Exception {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).build().start(); Socket s = connect(server.port())) {
      String head = sendWholeBodyThenReadHead(s, "Authorization: Bearer k\r\n", 30_000_000);
      assertThat(head).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void unauthorizedRequestWithABigBody_isReadAndDroppedSoThatTheClientReadsThe401() throws Exception {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).build().start(); Socket s = connect(server.port())) {
      String head = sendWholeBodyThenReadHead(s, "", 30_000_000);
      assertThat(head).startsWith("HTTP/1.1 401");
    }
  }

  @Test
  void lingeringClose_stopsAtItsByteBound() throws Exception {
    try (GatewayServer server = GatewayServer.builder(handler).port(0).lingeringClose(1 << 20, Duration.ofSeconds(5))
        .build().start(); Socket s = connect(server.port())) {
      send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 30000000\r\n\r\n");
      OutputStream out = s.getOutputStream();
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      long sent = 0;
      try {
        while (sent < 30_000_000) {
          out.write(chunk);
          sent += chunk.length;
        }
      } catch (IOException closed) {
        // the gateway stopped reading past the bound and closed the connection
      }
      assertThat(sent).as("cut off well before the end").isLessThan(30_000_000);
    }
  }

  /**
   * Sends a chat request with a body of {@code bytes} the way Python's http.client does (the whole
   * body, then read the answer) and returns the answer's head.
   */
  private static String sendWholeBodyThenReadHead(Socket s, String extraHeaders, int bytes) throws IOException {
    send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "Content-Type: application/json\r\n"
        + "Content-Length: " + bytes + "\r\n\r\n");
    OutputStream out = s.getOutputStream();
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) 'x');
    for (int sent = 0; sent < bytes; sent += chunk.length) {
      out.write(chunk, 0, Math.min(chunk.length, bytes - sent));
    }
    out.flush();
    return readHead(s);
  }

  @Test
  void close_drainsInFlightRequestsAndTurnsReadinessOff() throws Exception {
    GatewayServer server = GatewayServer.builder(handler).port(0).drainTimeout(Duration.ofSeconds(5)).build().start();
    int port = server.port();
    try (Socket s = connect(port); Socket idle = connect(port)) {
      send(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readHead(idle)).startsWith("HTTP/1.1 200");
      send(s, chatRequest());
      fleet.awaitRunning("m-0", 1);
      assertThat(handler.ready()).isTrue();
      long start = System.nanoTime();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      String head = readHead(s);
      assertThat(head).startsWith("HTTP/1.1 200");
      assertThat(handler.ready()).isFalse();
      closing.get(10, TimeUnit.SECONDS);
      assertThat((System.nanoTime() - start) / 1_000_000).as("close with an idle keep-alive connection open").isLessThan(3000);
    }
    assertThat(sim.successCount()).isEqualTo(1);
  }

  @Test
  void close_underLoad_finishesEveryRequestAndStreamInFlightAndRefusesNewConnections() throws Exception {
    sim.perTokenLatency(Duration.ofMillis(40)); // a 20-token stream takes about a second
    GatewayServer server = GatewayServer.builder(handler).port(0).drainTimeout(Duration.ofSeconds(20)).build().start();
    int port = server.port();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      boolean stream = i % 2 == 0;
      String body = "{\"model\":\"m\",\"max_tokens\":20,\"stream\":" + stream
          + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
          .header("authorization", "Bearer k").header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    Await.until("all 12 at the endpoint", () -> sim.runningCount() + sim.waitingCount() >= 12);
    assertThat(sim.runningCount() + sim.waitingCount()).as("all in flight").isEqualTo(12);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    Await.until("readiness off", () -> !handler.ready());
    // The listening socket closes just after readiness turns false.
    Await.untilAsserted("new connections refused while draining", () ->
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(ConnectException.class));

    for (int i = 0; i < answers.size(); i++) {
      HttpResponse<String> r = answers.get(i).get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      if (i % 2 == 0) {
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
      } else {
        assertThat(r.body()).contains("\"completion_tokens\":20");
      }
    }
    closing.get(20, TimeUnit.SECONDS);
    assertThat(server.inFlight()).isZero();
    assertThat(sim.successCount()).isEqualTo(12);
  }

  @Test
  void withAJettyTransport_holdsFarMoreRequestsInFlightThanItHasThreads() throws Exception {
    // 8 threads for the server and the transport together; 200 requests each held 3 s by the endpoint.
    SimFleet slow = SimFleet.builder().openai("m", 1, server -> server.baseLatency(Duration.ofSeconds(3)).capacity(1000)).start();
    QueuedThreadPool threads = GatewayServer.threadPool(8);
    threads.start();
    JettyTransport transport = JettyTransport.builder().executor(threads).build();
    RoutingClient async = RoutingClient.builder(slow.router().build()).transport(transport).build();
    GatewayHandler gateway = GatewayHandler.builder(async)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), Tenant.unlimited("t"))))
        .build();
    HttpClient caller = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (GatewayServer server = GatewayServer.builder(gateway).port(0).threadPool(threads).build().start()) {
      HttpRequest chat = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
          .header("authorization", "Bearer k").header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        answers.add(caller.sendAsync(chat, HttpResponse.BodyHandlers.ofString()));
      }
      slow.awaitRunning("m-0", 200); // the requests the endpoint held at once
      for (var answer : answers) {
        assertThat(answer.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    } finally {
      async.close();
      transport.close();
      threads.stop();
      slow.close();
    }
  }
}
