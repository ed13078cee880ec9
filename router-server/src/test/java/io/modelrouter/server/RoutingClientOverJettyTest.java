package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Operation;
import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
import io.modelrouter.http.BodySink;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.HedgePolicy;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RetryBudget;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.Candidates;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.simulator.SimServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RoutingClient}'s behaviour (routing, retries, failover, hedging, deadlines, leases, usage)
 * over {@link JettyTransport}, against real servers on 127.0.0.1: the router-http suite runs the
 * same behaviours over OkHttp only.
 */
@Timeout(10)
class RoutingClientOverJettyTest {

  private static final String CHAT = "/v1/chat/completions";

  // ------------------------------------------------------------------ answers

  @Test
  void execute_forwardsChatAndCompletesLeaseWithUsageTokens() throws Exception {
    try (Fleet fleet = new Fleet(SimServer.openai("chat").start());
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = fleet.client(transport, false).build();
        ProxyResponse r = client.execute(chat(false, 5))) {
      String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(r.status()).isEqualTo(200);
      assertThat(body).contains("\"chat.completion\"").contains("\"completion_tokens\":5");
      assertThat(r.endpoint().id()).isEqualTo("e0");
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.header(RoutingClient.ENDPOINT_ID_HEADER)).isEqualTo("e0");
      assertThat(r.header(RoutingClient.ENDPOINT_SERVED_HEADER)).isEqualTo(fleet.served(0));
      assertThat(r.header(RoutingClient.REQUEST_ID_HEADER)).isEqualTo(r.requestId()).hasSize(32);
      assertThat(r.headers()).doesNotContainKeys("connection", "transfer-encoding", "keep-alive");
      assertThat(r.contentLength()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
      assertThat(r.promptTokens()).isEqualTo(3);
      assertThat(r.completionTokens()).isEqualTo(5);
      assertThat(fleet.outcomes).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS);
        assertThat(o.promptTokens()).isEqualTo(3);
        assertThat(o.completionTokens()).isEqualTo(5);
        assertThat(o.ttftNanos()).isPositive();
      });
      assertThat(fleet.state(0).inFlight()).isZero();
    }
  }

  @Test
  void executeAsync_streamReadThroughBlockingBody_arrivesBeforeTheEndAndReportsUsage() throws Exception {
    SimServer sim = SimServer.openai("chat").perTokenLatency(Duration.ofMillis(20)).start();
    try (Fleet fleet = new Fleet(sim);
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = fleet.client(transport, false).build();
        ProxyResponse r = client.executeAsync(chat(true, 20)).get(5, TimeUnit.SECONDS)) {
      assertThat(r.isEventStream()).isTrue();
      InputStream in = r.body();
      byte[] buf = new byte[8192];
      int n = in.read(buf);

      assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).startsWith("data: {");
      assertThat(sim.runningCount()).as("the endpoint is still generating").isEqualTo(1);
      assertThat(fleet.outcomes).as("the lease is open while the stream runs").isEmpty();

      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      in.transferTo(rest);
      String all = new String(buf, 0, n, StandardCharsets.UTF_8) + rest.toString(StandardCharsets.UTF_8);
      assertThat(all).endsWith("data: [DONE]\n\n").contains("\"usage\"");
      assertThat(in.read()).isEqualTo(-1);
      assertThat(r.completionTokens()).isEqualTo(20);
      assertThat(fleet.outcomes).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS);
        assertThat(o.promptTokens()).isEqualTo(3);
        assertThat(o.completionTokens()).isEqualTo(20);
        assertThat(o.ttftNanos()).isPositive().isLessThan(TimeUnit.MILLISECONDS.toNanos(400));
      });
      assertThat(fleet.state(0).inFlight()).isZero();
    }
  }

  @Test
  void transferToSink_completingWritesSynchronously_copiesTheWholeStreamAndCallsDoneOnce() throws Exception {
    transferToCollectingSink(null);
  }

  @Test
  void transferToSink_completingWritesFromAnotherThread_copiesTheWholeStreamAndCallsDoneOnce() throws Exception {
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      transferToCollectingSink(writer);
    } finally {
      writer.shutdownNow();
    }
  }

  /** Copies a stream and then a body of known length to a sink whose writes complete on {@code writer}, or at once. */
  private static void transferToCollectingSink(@Nullable ExecutorService writer) throws Exception {
    SimServer sim = SimServer.openai("chat").perTokenLatency(Duration.ofMillis(5)).start();
    try (Fleet fleet = new Fleet(sim);
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = fleet.client(transport, false).build()) {
      int tokens = 20;
      ProxyResponse stream = client.executeAsync(chat(true, tokens)).get(5, TimeUnit.SECONDS);
      Collected s = Collected.copy(stream, writer);
      String text = s.text();
      // One event per token, the finish chunk, the usage chunk and [DONE]: the body whole, in order.
      assertThat(text).startsWith("data: {").endsWith("}\n\ndata: [DONE]\n\n");
      assertThat(text.split("\n\n")).hasSize(tokens + 3).allSatisfy(e -> assertThat(e).startsWith("data: "));
      assertThat(text).contains("\"usage\":{\"prompt_tokens\":3,").contains("\"completion_tokens\":" + tokens + "}");
      assertThat(s.lastWrites).as("only the final write is last").isEqualTo(1);
      assertThat(stream.completionTokens()).isEqualTo(tokens);

      ProxyResponse whole = client.executeAsync(chat(false, 7)).get(5, TimeUnit.SECONDS);
      Collected w = Collected.copy(whole, writer);
      assertThat(w.bytes.size()).isEqualTo(whole.contentLength());
      assertThat(w.text()).startsWith("{").endsWith("}").contains("\"completion_tokens\":7");
      assertThat(whole.completionTokens()).isEqualTo(7);

      assertThat(fleet.outcomes).hasSize(2).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS));
      assertThat(fleet.outcomes).extracting(Outcome::completionTokens).containsExactly(tokens, 7);
      Thread.sleep(50); // a second done would come late
      assertThat(s.doneCalls).hasValue(1);
      assertThat(w.doneCalls).hasValue(1);
      assertThat(fleet.state(0).inFlight()).isZero();
    }
  }

  /** A {@link BodySink} that keeps every byte, and what {@code done} was called with. */
  private static final class Collected implements BodySink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger doneCalls = new AtomicInteger();
    final CompletableFuture<@Nullable Throwable> done = new CompletableFuture<>();
    private final @Nullable ExecutorService writer;
    int lastWrites;
    private boolean writing;

    private Collected(@Nullable ExecutorService writer) {
      this.writer = writer;
    }

    static Collected copy(ProxyResponse r, @Nullable ExecutorService writer) throws Exception {
      Collected c = new Collected(writer);
      Consumer<@Nullable Throwable> done = t -> {
        c.doneCalls.incrementAndGet();
        c.done.complete(t);
      };
      r.transferTo(c, done);
      assertThat(c.done.get(5, TimeUnit.SECONDS)).isNull();
      return c;
    }

    @Override
    public synchronized void write(ByteBuffer b, boolean last, Consumer<@Nullable Throwable> done) {
      assertThat(writing).as("one write at a time").isFalse();
      assertThat(lastWrites).as("nothing after the last write").isZero();
      byte[] copy = new byte[b.remaining()];
      b.get(copy);
      bytes.writeBytes(copy);
      if (last) {
        lastWrites++;
      }
      if (writer == null) {
        done.accept(null);
      } else {
        writing = true;
        writer.execute(() -> {
          synchronized (this) {
            writing = false;
          }
          done.accept(null);
        });
      }
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  // ------------------------------------------------------------------ failover

  @Test
  void refusedConnection_isRetriedOnTheNextEndpoint() throws Exception {
    SimServer alive = SimServer.openai("chat").start();
    try (Fleet fleet = new Fleet(closedPortUrl(), alive);
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = fleet.client(transport, true).build()) {
      for (int i = 0; i < 4; i++) {
        // Both the blocking and the asynchronous form.
        try (ProxyResponse r = i % 2 == 0 ? client.execute(chat(false, 1))
            : client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS)) {
          assertThat(r.body().readAllBytes()).isNotEmpty();
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("e1");
          assertThat(r.attempts()).isEqualTo(2);
        }
      }
      assertThat(alive.successCount()).isEqualTo(4);
      assertThat(fleet.state(0).failures()).isEqualTo(4);
      assertThat(fleet.state(0).inFlight()).isZero();
      assertThat(fleet.state(1).inFlight()).isZero();
    }
  }

  @Test
  void endpointKilledWithPooledConnections_isRetriedOnAnotherEndpoint() throws Exception {
    for (boolean async : new boolean[] {false, true}) {
      SimServer dying = SimServer.openai("chat").start();
      SimServer alive = SimServer.openai("chat").start();
      try (Fleet fleet = new Fleet(dying, alive);
          JettyTransport transport = JettyTransport.create();
          RoutingClient client = fleet.client(transport, true).build()) {
        // Leaves a few pooled connections to the first endpoint.
        List<ProxyResponse> warm = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          warm.add(client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS));
        }
        for (ProxyResponse w : warm) {
          assertThat(w.endpoint().id()).isEqualTo("e0");
          w.body().readAllBytes();
          w.close();
        }
        dying.kill();

        // At once: the pool may not have seen the connections close yet.
        try (ProxyResponse r = async ? client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS)
            : client.execute(chat(false, 1))) {
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("e1");
          assertThat(r.attempts()).isEqualTo(2);
          assertThat(r.body().readAllBytes()).isNotEmpty();
        }
        assertThat(alive.requestCount()).isEqualTo(1);
        assertThat(fleet.state(0).failures()).isEqualTo(1);
        assertThat(fleet.state(0).inFlight()).isZero();
      }
    }
  }

  @Test
  void connectionLostAfterTheRequestWasSent_isTriedOnceMoreOnAnotherEndpoint() throws Exception {
    SimServer dropping = SimServer.openai("chat").start().resetConnections(true);
    SimServer alive = SimServer.openai("chat").start();
    try (Fleet fleet = new Fleet(dropping, alive);
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = fleet.client(transport, true).build();
        ProxyResponse r = client.execute(chat(false, 1))) {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.endpoint().id()).isEqualTo("e1");
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.body().readAllBytes()).isNotEmpty();
      assertThat(dropping.requestCount()).as("sent once: the endpoint may have run it").isEqualTo(1);
      assertThat(fleet.outcomeOf("e0").kind()).isEqualTo(Outcome.Kind.FAILURE);
      assertThat(fleet.state(0).inFlight()).isZero();
    }
  }

  @Test
  void connectionClosedByTheServerWhileIdle_isNotReused() throws Exception {
    try (ShortKeepAliveServer server = new ShortKeepAliveServer(200);
        Fleet fleet = new Fleet(server.baseUrl);
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = fleet.client(transport, false).maxAttempts(1).build()) {
      String first;
      try (ProxyResponse r = client.execute(chat(false, 1))) {
        assertThat(r.body().readAllBytes()).isNotEmpty();
        first = r.header("x-connection");
      }
      Thread.sleep(400); // the server closed the idle connection meanwhile

      for (boolean async : new boolean[] {false, true}) {
        try (ProxyResponse r = async ? client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS)
            : client.execute(chat(false, 1))) {
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.attempts()).isEqualTo(1);
          assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("\"usage\"");
          assertThat(r.header("x-connection")).as("a new connection").isNotEqualTo(first);
        }
        Thread.sleep(400);
      }
      assertThat(fleet.outcomes).hasSize(3).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS));
    }
  }

  @Test
  void a503_isRetriedOnAnotherEndpoint() throws Exception {
    SimServer busy = SimServer.openai("chat").capacity(1).maxQueue(0).start();
    SimServer free = SimServer.openai("chat").start();
    try (Fleet fleet = new Fleet(busy, free);
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = fleet.client(transport, true).build()) {
      busy.hang(true);
      CompletableFuture<ProxyResponse> hogging = client.executeAsync(chat(false, 1));
      awaitRunning(busy, 1);

      // Many times: the asynchronous form drops the 503 and sends the retry from inside the
      // transport's callback, where a mistimed abort once corrupted the next answer now and then.
      int n = 30;
      for (int i = 0; i < n; i++) {
        try (ProxyResponse r = i == 0 ? client.execute(chat(false, 1))
            : client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS)) {
          assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("\"completion_tokens\":1");
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("e1");
          assertThat(r.attempts()).isEqualTo(2);
        }
      }
      assertThat(fleet.outcomes).filteredOn(o -> o.httpStatus() == 503).hasSize(n)
          .allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.OVERLOADED));
      hogging.cancel(true);
      awaitZeroInFlight(fleet, 0);
    }
  }

  // ------------------------------------------------------------------ deadlines, hedging, cancelling

  @Test
  void latencyBudget_spentOnASlowEndpoint_failsWithTimeout() throws Exception {
    // Once timed out, the endpoint is predicted to miss the budget and the router would refuse a
    // second request: a fresh fleet for each form.
    for (boolean async : new boolean[] {false, true}) {
      SimServer slow = SimServer.openai("chat").baseLatency(Duration.ofSeconds(3)).start();
      try (Fleet fleet = new Fleet(slow);
          JettyTransport transport = JettyTransport.create();
          RoutingClient client = fleet.client(transport, false).build()) {
        ProxyRequest base = chat(false, 1);
        ProxyRequest req = ProxyRequest.builder(base.path(),
                base.route().toBuilder().latencyBudget(Duration.ofMillis(200)).build())
            .body(base.body(), "application/json").build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> {
          if (async) {
            try {
              client.executeAsync(req).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
              throw e.getCause();
            }
          } else {
            client.execute(req);
          }
        }).isInstanceOfSatisfying(ForwardingException.class, e -> {
          assertThat(e.kind()).isEqualTo(ForwardingException.Kind.TIMEOUT);
          assertThat(e.httpStatus()).isEqualTo(504);
          assertThat(e.endpointId()).isEqualTo("e0");
        });
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
        assertThat(fleet.outcomes).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.TIMEOUT));
        assertThat(fleet.state(0).inFlight()).isZero();
      }
    }
  }

  @Test
  void hedge_toAFastEndpoint_winsAgainstASlowOneAndCancelsIt() throws Exception {
    SimServer slow = SimServer.openai("chat").baseLatency(Duration.ofSeconds(5)).start();
    SimServer fast = SimServer.openai("chat").baseLatency(Duration.ofMillis(5)).start();
    try (Fleet fleet = new Fleet(slow, fast);
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = fleet.client(transport, true).hedging(HedgePolicy.after(Duration.ofMillis(50))).build()) {
      long start = System.nanoTime();
      try (ProxyResponse r = client.executeAsync(chat(false, 2)).get(5, TimeUnit.SECONDS)) {
        assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("\"completion_tokens\":2");
        assertThat(r.endpoint().id()).isEqualTo("e1");
        assertThat(r.hedged()).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
      }
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
      awaitZeroInFlight(fleet, 0);
      assertThat(fleet.state(1).inFlight()).isZero();
      assertThat(fleet.outcomes).hasSize(2);
      assertThat(fleet.outcomeOf("e0").kind()).isEqualTo(Outcome.Kind.CANCELLED);
      assertThat(fleet.outcomeOf("e1").kind()).isEqualTo(Outcome.Kind.SUCCESS);
    }
  }

  @Test
  void executeAsync_cancelledBeforeTheAnswer_completesTheLeaseAsCancelled() throws Exception {
    SimServer hung = SimServer.openai("chat").start().hang(true);
    try (Fleet fleet = new Fleet(hung);
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = fleet.client(transport, false).build()) {
      CompletableFuture<ProxyResponse> f = client.executeAsync(chat(false, 1));
      awaitRunning(hung, 1);
      assertThat(fleet.state(0).inFlight()).isEqualTo(1);

      f.cancel(true);

      awaitZeroInFlight(fleet, 0);
      assertThat(fleet.outcomes).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.CANCELLED));
      assertThat(f).isCancelled();
    }
  }

  // ------------------------------------------------------------------ helpers

  private static ProxyRequest chat(boolean stream, int maxTokens) {
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}],"
        + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream + "}";
    return ProxyRequest.builder(CHAT, RouteRequest.builder("chat").stream(stream).build())
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }

  /** A loopback URL nobody listens on. */
  private static String closedPortUrl() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  private static void awaitRunning(SimServer sim, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (sim.runningCount() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(sim.runningCount()).isGreaterThanOrEqualTo(n);
  }

  private static void awaitZeroInFlight(Fleet fleet, int i) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (fleet.state(i).inFlight() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(fleet.state(i).inFlight()).isZero();
  }

  /**
   * Endpoints {@code e<i>} serving model {@code chat} (OpenAI, vLLM) at the given simulators or
   * URLs, with every lease outcome recorded; closes the simulators.
   */
  private static final class Fleet implements AutoCloseable {
    final InMemoryRegistry registry = InMemoryRegistry.create();
    final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    final List<String> outcomeEndpoints = new CopyOnWriteArrayList<>();
    private final List<String> urls = new ArrayList<>();
    private final List<SimServer> sims = new ArrayList<>();

    Fleet(Object... simsOrUrls) {
      List<Endpoint> endpoints = new ArrayList<>();
      for (Object o : simsOrUrls) {
        String url;
        if (o instanceof SimServer sim) {
          sims.add(sim);
          url = sim.baseUrl();
        } else {
          url = (String) o;
        }
        urls.add(url);
        endpoints.add(Endpoint.builder("e" + endpoints.size(), url).server("vllm").serves("chat:1").build());
      }
      registry.replace(List.of(ModelSpec.builder("chat", "1")
          .operations(Set.of(Operation.CHAT, Operation.COMPLETION, Operation.EMBEDDING)).build()), endpoints);
    }

    /** A client over this fleet on {@code transport}; {@code inOrder}: e0 first, then e1, with unlimited retries. */
    RoutingClient.Builder client(JettyTransport transport, boolean inOrder) {
      Router.Builder router = Router.builder(registry).addOutcomeListener((endpoint, state, outcome, latency) -> {
        outcomes.add(outcome);
        outcomeEndpoints.add(endpoint.id());
      });
      if (inOrder) {
        router.strategy(IN_ORDER);
      }
      RoutingClient.Builder b = RoutingClient.builder(router.build()).transport(transport);
      return inOrder ? b.retryBudget(RetryBudget.unlimited()) : b;
    }

    EndpointState state(int i) {
      return registry.snapshot().state("e" + i);
    }

    /** host:port of endpoint {@code i}, as the served-endpoint header names it. */
    String served(int i) {
      return urls.get(i).substring("http://".length());
    }

    /** The single outcome recorded for an endpoint. */
    Outcome outcomeOf(String endpointId) {
      List<Outcome> found = new ArrayList<>();
      for (int i = 0; i < outcomes.size(); i++) {
        if (outcomeEndpoints.get(i).equals(endpointId)) {
          found.add(outcomes.get(i));
        }
      }
      assertThat(found).as("outcomes of %s", endpointId).hasSize(1);
      return found.get(0);
    }

    @Override
    public void close() {
      sims.forEach(SimServer::close);
    }
  }

  /** Picks the candidate with the smallest endpoint id, so that a test knows which endpoint goes first. */
  private static final SelectionStrategy IN_ORDER = new SelectionStrategy() {
    @Override
    public int select(Candidates c) {
      int best = -1;
      for (int i = 0; i < c.size(); i++) {
        if (best < 0 || c.endpoint(i).id().compareTo(c.endpoint(best).id()) < 0) {
          best = i;
        }
      }
      return best;
    }

    @Override
    public String name() {
      return "in-order";
    }
  };

  /**
   * A chat endpoint on Jetty that closes connections idle for longer than {@code idleMillis}, as
   * uvicorn does after its keep-alive timeout; names the connection in {@code x-connection}.
   */
  private static final class ShortKeepAliveServer implements AutoCloseable {
    final Server server = new Server();
    final String baseUrl;

    ShortKeepAliveServer(long idleMillis) throws Exception {
      server.setStopTimeout(0);
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      connector.setIdleTimeout(idleMillis);
      server.addConnector(connector);
      server.setHandler(new Handler.Abstract(Handler.Abstract.InvocationType.BLOCKING) {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
          Content.Source.asInputStream(request).readAllBytes();
          response.getHeaders().put("content-type", "application/json");
          response.getHeaders().put("x-connection", request.getConnectionMetaData().getId());
          String body = "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[],"
              + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
          response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
          return true;
        }
      });
      server.start();
      baseUrl = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      server.stop();
    }
  }
}
