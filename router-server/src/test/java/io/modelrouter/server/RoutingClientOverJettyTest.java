package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.http.BodySink;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.HedgePolicy;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RetryBudget;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import io.modelrouter.testing.SimFleet;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = client(fleet, transport, false).build();
        ProxyResponse r = client.execute(chat(false, 5))) {
      String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(r.status()).isEqualTo(200);
      assertThat(body).contains("\"chat.completion\"").contains("\"completion_tokens\":5");
      assertThat(r.endpoint().id()).isEqualTo("chat-0");
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.header(RoutingClient.ENDPOINT_ID_HEADER)).isEqualTo("chat-0");
      assertThat(r.header(RoutingClient.ENDPOINT_SERVED_HEADER)).isEqualTo("127.0.0.1:" + fleet.server("chat-0").port());
      assertThat(r.header(RoutingClient.REQUEST_ID_HEADER)).isEqualTo(r.requestId()).hasSize(32);
      assertThat(r.headers()).doesNotContainKeys("connection", "transfer-encoding", "keep-alive");
      assertThat(r.contentLength()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
      assertThat(r.promptTokens()).isEqualTo(3);
      assertThat(r.completionTokens()).isEqualTo(5);
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS);
        assertThat(o.promptTokens()).isEqualTo(3);
        assertThat(o.completionTokens()).isEqualTo(5);
        assertThat(o.ttftNanos()).isPositive();
      });
      assertThat(fleet.state("chat-0").inFlight()).isZero();
    }
  }

  @Test
  void executeAsync_streamReadThroughBlockingBody_arrivesBeforeTheEndAndReportsUsage() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.perTokenLatency(Duration.ofMillis(20))).start();
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = client(fleet, transport, false).build();
        ProxyResponse r = client.executeAsync(chat(true, 20)).get(5, TimeUnit.SECONDS)) {
      assertThat(r.isEventStream()).isTrue();
      InputStream in = r.body();
      byte[] buf = new byte[8192];
      int n = in.read(buf);

      assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).startsWith("data: {");
      assertThat(fleet.server("chat-0").runningCount()).as("the endpoint is still generating").isEqualTo(1);
      assertThat(fleet.outcomes("chat-0")).as("the lease is open while the stream runs").isEmpty();

      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      in.transferTo(rest);
      String all = new String(buf, 0, n, StandardCharsets.UTF_8) + rest.toString(StandardCharsets.UTF_8);
      assertThat(all).endsWith("data: [DONE]\n\n").contains("\"usage\"");
      assertThat(in.read()).isEqualTo(-1);
      assertThat(r.completionTokens()).isEqualTo(20);
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS);
        assertThat(o.promptTokens()).isEqualTo(3);
        assertThat(o.completionTokens()).isEqualTo(20);
        assertThat(o.ttftNanos()).isPositive().isLessThan(TimeUnit.MILLISECONDS.toNanos(400));
      });
      assertThat(fleet.state("chat-0").inFlight()).isZero();
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
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.perTokenLatency(Duration.ofMillis(5))).start();
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = client(fleet, transport, false).build()) {
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

      assertThat(fleet.outcomes("chat-0")).hasSize(2).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS));
      assertThat(fleet.outcomes("chat-0")).extracting(Outcome::completionTokens).containsExactly(tokens, 7);
      assertThat(Await.holdsWithin(Duration.ofMillis(200), () -> s.doneCalls.get() > 1 || w.doneCalls.get() > 1))
          .as("a second done, late").isFalse();
      assertThat(s.doneCalls).hasValue(1);
      assertThat(w.doneCalls).hasValue(1);
      assertThat(fleet.state("chat-0").inFlight()).isZero();
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
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = client(fleet, transport, true).build()) {
      fleet.server("chat-0").kill(); // nobody listens on its port
      for (int i = 0; i < 4; i++) {
        // Both the blocking and the asynchronous form.
        try (ProxyResponse r = i % 2 == 0 ? client.execute(chat(false, 1))
            : client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS)) {
          assertThat(r.body().readAllBytes()).isNotEmpty();
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("chat-1");
          assertThat(r.attempts()).isEqualTo(2);
        }
      }
      assertThat(fleet.server("chat-1").successCount()).isEqualTo(4);
      assertThat(fleet.state("chat-0").failures()).isEqualTo(4);
      assertThat(fleet.state("chat-0").inFlight()).isZero();
      assertThat(fleet.state("chat-1").inFlight()).isZero();
    }
  }

  @Test
  void endpointKilledWithPooledConnections_isRetriedOnAnotherEndpoint() throws Exception {
    for (boolean async : new boolean[] {false, true}) {
      try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
          JettyTransport transport = JettyTransport.create();
          RoutingClient client = client(fleet, transport, true).build()) {
        // Leaves a few pooled connections to the first endpoint.
        List<ProxyResponse> warm = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          warm.add(client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS));
        }
        for (ProxyResponse w : warm) {
          assertThat(w.endpoint().id()).isEqualTo("chat-0");
          w.body().readAllBytes();
          w.close();
        }
        fleet.server("chat-0").kill();

        // At once: the pool may not have seen the connections close yet.
        try (ProxyResponse r = async ? client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS)
            : client.execute(chat(false, 1))) {
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("chat-1");
          assertThat(r.attempts()).isEqualTo(2);
          assertThat(r.body().readAllBytes()).isNotEmpty();
        }
        assertThat(fleet.server("chat-1").requestCount()).isEqualTo(1);
        assertThat(fleet.state("chat-0").failures()).isEqualTo(1);
        assertThat(fleet.state("chat-0").inFlight()).isZero();
      }
    }
  }

  @Test
  void connectionLostAfterTheRequestWasSent_isTriedOnceMoreOnAnotherEndpoint() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = client(fleet, transport, true).build()) {
      SimServer dropping = fleet.server("chat-0").resetConnections(true);
      try (ProxyResponse r = client.execute(chat(false, 1))) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.endpoint().id()).isEqualTo("chat-1");
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.body().readAllBytes()).isNotEmpty();
      }
      assertThat(dropping.requestCount()).as("sent once: the endpoint may have run it").isEqualTo(1);
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.FAILURE));
      assertThat(fleet.state("chat-0").inFlight()).isZero();
    }
  }

  @Test
  void connectionClosedByTheServerWhileIdle_isNotReused() throws Exception {
    try (ShortKeepAliveServer server = new ShortKeepAliveServer(200);
        SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = client(fleet, transport, false).maxAttempts(1).build()) {
      // chat-0 is the short keep-alive server, not its simulator.
      fleet.registry().putEndpoint(Endpoint.builder("chat-0", server.baseUrl).server("vllm").serves("chat:1").build());
      String first;
      try (ProxyResponse r = client.execute(chat(false, 1))) {
        assertThat(r.body().readAllBytes()).isNotEmpty();
        first = r.header("x-connection");
      }
      server.awaitIdleClose();

      for (boolean async : new boolean[] {false, true}) {
        try (ProxyResponse r = async ? client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS)
            : client.execute(chat(false, 1))) {
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.attempts()).isEqualTo(1);
          assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("\"usage\"");
          assertThat(r.header("x-connection")).as("a new connection").isNotEqualTo(first);
        }
        server.awaitIdleClose();
      }
      assertThat(fleet.outcomes("chat-0")).hasSize(3).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS));
    }
  }

  @Test
  void a503_isRetriedOnAnotherEndpoint() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.capacity(1).maxQueue(0))
            .openai("chat", 1).start();
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = client(fleet, transport, true).build()) {
      fleet.server("chat-0").hang(true);
      CompletableFuture<ProxyResponse> hogging = client.executeAsync(chat(false, 1));
      fleet.awaitRunning("chat-0", 1);

      // Many times: the asynchronous form drops the 503 and sends the retry from inside the
      // transport's callback, where a mistimed abort once corrupted the next answer now and then.
      int n = 30;
      for (int i = 0; i < n; i++) {
        try (ProxyResponse r = i == 0 ? client.execute(chat(false, 1))
            : client.executeAsync(chat(false, 1)).get(5, TimeUnit.SECONDS)) {
          assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("\"completion_tokens\":1");
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("chat-1");
          assertThat(r.attempts()).isEqualTo(2);
        }
      }
      assertThat(fleet.outcomes()).extracting(SimFleet.RecordedOutcome::outcome).filteredOn(o -> o.httpStatus() == 503)
          .hasSize(n).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.OVERLOADED));
      hogging.cancel(true);
      fleet.awaitNoneInFlight("chat-0");
    }
  }

  // ------------------------------------------------------------------ deadlines, hedging, cancelling

  @Test
  void latencyBudget_spentOnASlowEndpoint_failsWithTimeout() throws Exception {
    // Once timed out, the endpoint is predicted to miss the budget and the router would refuse a
    // second request: a fresh fleet for each form.
    for (boolean async : new boolean[] {false, true}) {
      try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.baseLatency(Duration.ofSeconds(3))).start();
          JettyTransport transport = JettyTransport.create();
          RoutingClient client = client(fleet, transport, false).build()) {
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
          assertThat(e.endpointId()).isEqualTo("chat-0");
        });
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
        assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.TIMEOUT));
        assertThat(fleet.state("chat-0").inFlight()).isZero();
      }
    }
  }

  @Test
  void hedge_toAFastEndpoint_winsAgainstASlowOneAndCancelsIt() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.baseLatency(Duration.ofSeconds(5)))
            .openai("chat", 1, server -> server.baseLatency(Duration.ofMillis(5))).start();
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = client(fleet, transport, true).hedging(HedgePolicy.after(Duration.ofMillis(50))).build()) {
      long start = System.nanoTime();
      try (ProxyResponse r = client.executeAsync(chat(false, 2)).get(5, TimeUnit.SECONDS)) {
        assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("\"completion_tokens\":2");
        assertThat(r.endpoint().id()).isEqualTo("chat-1");
        assertThat(r.hedged()).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
      }
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
      fleet.awaitNoneInFlight("chat-0");
      assertThat(fleet.state("chat-1").inFlight()).isZero();
      assertThat(fleet.outcomes()).hasSize(2);
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.CANCELLED));
      assertThat(fleet.outcomes("chat-1")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS));
    }
  }

  @Test
  void executeAsync_cancelledBeforeTheAnswer_completesTheLeaseAsCancelled() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        JettyTransport transport = JettyTransport.create();
        RoutingClient client = client(fleet, transport, false).build()) {
      fleet.server("chat-0").hang(true);
      CompletableFuture<ProxyResponse> f = client.executeAsync(chat(false, 1));
      fleet.awaitRunning("chat-0", 1);
      assertThat(fleet.state("chat-0").inFlight()).isEqualTo(1);

      f.cancel(true);

      fleet.awaitNoneInFlight("chat-0");
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.CANCELLED));
      assertThat(f).isCancelled();
    }
  }

  // ------------------------------------------------------------------ helpers

  private static ProxyRequest chat(boolean stream, int maxTokens) {
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}],"
        + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
        + (stream ? ",\"stream_options\":{\"include_usage\":true}}" : "}"); // a stream's usage only when asked, as vLLM
    return ProxyRequest.builder(CHAT, RouteRequest.builder("chat").stream(stream).build())
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }

  /** A client over {@code fleet} on {@code transport}; {@code inOrder}: chat-0 first, then chat-1, with unlimited retries. */
  private static RoutingClient.Builder client(SimFleet fleet, JettyTransport transport, boolean inOrder) {
    RoutingClient.Builder b = RoutingClient.builder(
        (inOrder ? fleet.router().strategy(fleet.inOrder()) : fleet.router()).build()).transport(transport);
    return inOrder ? b.retryBudget(RetryBudget.unlimited()) : b;
  }

  /**
   * A chat endpoint on Jetty that closes connections idle for longer than {@code idleMillis}, as
   * uvicorn does after its keep-alive timeout; names the connection in {@code x-connection}.
   */
  private static final class ShortKeepAliveServer implements AutoCloseable {
    final Server server = new Server();
    final ServerConnector connector = new ServerConnector(server);
    final String baseUrl;

    ShortKeepAliveServer(long idleMillis) throws Exception {
      server.setStopTimeout(0);
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

    /** Waits until the server has closed every connection it had (its idle timeout). */
    void awaitIdleClose() {
      Await.until("the server closed its idle connections", () -> connector.getConnectedEndPoints().isEmpty());
    }

    @Override
    public void close() throws Exception {
      server.stop();
    }
  }
}
