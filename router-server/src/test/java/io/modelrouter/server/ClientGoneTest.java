package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Outcome;
import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away while its request waits on the endpoint (issue 17): over real sockets
 * on 127.0.0.1, the gateway on Jetty with the Jetty transport, a tenant allowed one request at a
 * time and a shedder with one slot, so that a slot held by a departed client would refuse the next
 * request. The request deadline is the default 300 s; every wait here is seconds.
 */
class ClientGoneTest {

  private static final String CHAT = "{\"model\":\"m\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String STREAM = "{\"model\":\"m\",\"max_tokens\":1000,\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  private final List<CompletedRequest> heard = new CopyOnWriteArrayList<>();
  private InMemoryRegistry registry;
  private JettyTransport transport;
  private RoutingClient client;
  private GatewayServer server;

  /** The gateway in front of one endpoint at {@code baseUrl}, its tenant allowed one request at a time. */
  private GatewayServer gateway(String baseUrl, Duration idleTimeout) throws IOException {
    return gateway(baseUrl, idleTimeout, 1);
  }

  private GatewayServer gateway(String baseUrl, Duration idleTimeout, int maxConcurrent) throws IOException {
    registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(Endpoint.builder("e", baseUrl).serves("m").build()));
    transport = JettyTransport.create();
    Router router = Router.builder(registry).addOutcomeListener((e, s, outcome, latency) -> outcomes.add(outcome)).build();
    client = RoutingClient.builder(router).transport(transport).build();
    Tenant tenant = new Tenant("t", Set.of(Tenant.ANY_MODEL), new TenantQuota(0, 0, maxConcurrent));
    GatewayHandler handler = GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), tenant)))
        .maxInFlight(maxConcurrent)
        .addRequestListener(heard::add)
        .build();
    server = GatewayServer.builder(handler).port(0).idleTimeout(idleTimeout).build().start();
    return server;
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (client != null) {
      client.close();
      transport.close();
    }
  }

  private EndpointState endpoint() {
    return registry.snapshot().state("e");
  }

  @Test
  void clientGoneBeforeTheAnswer_cancelsTheUpstreamCallAndFreesItsLeaseAndSlots() throws Exception {
    try (HoldingUpstream upstream = new HoldingUpstream()) {
      gateway(upstream.baseUrl(), Duration.ofSeconds(30));
      Socket first = send(server.port(), CHAT);
      Await.until("the upstream holds the request", () -> upstream.holding() == 1);
      assertThat(endpoint().inFlight()).isEqualTo(1);

      first.close();

      Await.until("the upstream call cancelled: the gateway closed its connection", () -> upstream.holding() == 0);
      Await.until("the lease completed", () -> endpoint().inFlight() == 0);
      assertThat(outcomes).extracting(Outcome::kind).containsExactly(Outcome.Kind.CANCELLED);
      Await.until("the request listeners heard of it", () -> heard.size() == 1);
      assertThat(heard.get(0).status()).isEqualTo(499);
      // The tenant's only slot and the shedder's only slot are free: the next request is forwarded.
      try (Socket next = send(server.port(), CHAT)) {
        Await.until("the next request reaches the upstream", () -> upstream.received() == 2);
      }
    }
  }

  @Test
  void clientGoneInAQuietPartOfAStream_cancelsTheStreamAndFreesItsLeaseAndSlots() throws Exception {
    try (SimServer sim = SimServer.openai("m").perTokenLatency(Duration.ofMillis(500)).start()) {
      gateway(sim.baseUrl(), Duration.ofSeconds(30));
      Socket first = send(server.port(), STREAM);
      String head = readUntil(first.getInputStream(), "data: ");
      assertThat(head).startsWith("HTTP/1.1 200");
      assertThat(sim.runningCount()).isEqualTo(1);

      first.close(); // 1,000 tokens at 500 ms each: the stream had 500 s to go

      Await.until("the simulated server stopped generating", () -> sim.runningCount() == 0);
      Await.until("the lease completed", () -> endpoint().inFlight() == 0);
      assertThat(outcomes).extracting(Outcome::kind).containsExactly(Outcome.Kind.CANCELLED);
      Await.until("the request listeners heard of it", () -> heard.size() == 1);
      assertThat(heard.get(0).status()).isEqualTo(499);
      try (Socket next = send(server.port(), STREAM)) {
        assertThat(readUntil(next.getInputStream(), "data: ")).startsWith("HTTP/1.1 200");
      }
    }
  }

  @Test
  void answerSlowerThanTheIdleTimeout_isDeliveredWhole_notCancelledNorA500() throws Exception {
    try (SimServer sim = SimServer.openai("m").baseLatency(Duration.ofMillis(1200)).start()) {
      gateway(sim.baseUrl(), Duration.ofMillis(300));
      try (Socket s = send(server.port(), "{\"model\":\"m\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
        String answer = readUntil(s.getInputStream(), "\"usage\"");
        assertThat(answer).startsWith("HTTP/1.1 200");
      }
      Await.until("the lease completed", () -> endpoint().inFlight() == 0);
      assertThat(outcomes).extracting(Outcome::kind).containsExactly(Outcome.Kind.SUCCESS);
    }
  }

  @Test
  void streamQuieterThanTheIdleTimeout_isDeliveredWhole() throws Exception {
    try (SimServer sim = SimServer.openai("m").perTokenLatency(Duration.ofMillis(700)).start()) {
      gateway(sim.baseUrl(), Duration.ofMillis(300));
      try (Socket s = send(server.port(), "{\"model\":\"m\",\"max_tokens\":3,\"stream\":true,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
        String answer = readUntil(s.getInputStream(), "[DONE]", "\r\n0\r\n\r\n"); // to the end of the chunked body
        assertThat(answer).startsWith("HTTP/1.1 200");
      }
      Await.until("the lease completed", () -> endpoint().inFlight() == 0);
      assertThat(outcomes).extracting(Outcome::kind).containsExactly(Outcome.Kind.SUCCESS);
    }
  }

  @Test
  void requestPipelinedBehindOneWaitingOnTheEndpoint_isAnsweredToo() throws Exception {
    try (SimServer sim = SimServer.openai("m").baseLatency(Duration.ofMillis(500)).start()) {
      gateway(sim.baseUrl(), Duration.ofSeconds(30), 2);
      String small = "{\"model\":\"m\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      try (Socket s = send(server.port(), small)) {
        Await.until("the first request reaches the server", () -> sim.runningCount() == 1);
        s.getOutputStream().write(request(small));
        String both = readUntil(s.getInputStream(), "\"usage\"", "\"usage\"");
        assertThat(both.split("HTTP/1.1 200", -1)).hasSize(3); // two answers, both 200
      }
      assertThat(outcomes).extracting(Outcome::kind).containsExactly(Outcome.Kind.SUCCESS, Outcome.Kind.SUCCESS);
    }
  }

  private static byte[] request(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + b.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(b, 0, all, h.length, b.length);
    return all;
  }

  /** Sends a chat request on a new keep-alive connection and leaves it open. */
  private static Socket send(int port, String body) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(15_000);
    s.getOutputStream().write(request(body));
    s.getOutputStream().flush();
    return s;
  }

  /** Reads until each of {@code marks} was seen, in order; what was read. */
  private static String readUntil(InputStream in, String... marks) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    int from = 0;
    for (String mark : marks) {
      while (true) {
        String text = seen.toString(StandardCharsets.UTF_8);
        int at = text.indexOf(mark, from);
        if (at >= 0) {
          from = at + mark.length();
          break;
        }
        int b = in.read();
        if (b < 0) {
          throw new IOException("the connection closed before '" + mark + "': " + text);
        }
        seen.write(b);
      }
    }
    return seen.toString(StandardCharsets.UTF_8);
  }

  /**
   * A model server on 127.0.0.1 that reads each request and never answers, holding it until the
   * caller closes the connection: what it holds is what the gateway has not cancelled.
   */
  private static final class HoldingUpstream implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    HoldingUpstream() throws IOException {
      Thread acceptor = new Thread(this::accept, "holding-upstream");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String baseUrl() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    int holding() {
      return holding.get();
    }

    int received() {
      return received.get();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          accepted.add(s);
          Thread t = new Thread(() -> hold(s), "holding-upstream-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    /** Reads the request, then waits for the connection's end. */
    private void hold(Socket s) {
      try (InputStream in = s.getInputStream()) {
        readUntil(in, "\r\n\r\n");
        received.incrementAndGet();
        holding.incrementAndGet();
        try {
          while (in.read() >= 0) {
            // the body, then nothing until the caller closes
          }
        } finally {
          holding.decrementAndGet();
        }
      } catch (IOException closed) {
        // the caller reset the connection, or the test ended
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
