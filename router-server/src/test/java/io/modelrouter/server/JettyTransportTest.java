package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.http.Transport;
import io.modelrouter.simulator.Fault;
import io.modelrouter.simulator.FaultProxy;
import io.modelrouter.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Jetty transport against a real Jetty server on 127.0.0.1. */
class JettyTransportTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private Server server;
  private String base;
  private JettyTransport transport;
  /** Holds {@code /stream}'s second event until the test has read the first. */
  private final CountDownLatch secondEvent = new CountDownLatch(1);
  /** Calls to {@code /hang} the endpoint holds. */
  private final AtomicInteger hung = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    server = new Server();
    server.setStopTimeout(0);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Endpoint());
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
    transport = JettyTransport.create();
  }

  @AfterEach
  void tearDown() throws Exception {
    secondEvent.countDown();
    transport.close();
    server.stop();
  }

  /** The test endpoint: a route per behaviour. */
  private final class Endpoint extends Handler.Abstract {
    Endpoint() {
      super(InvocationType.BLOCKING);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      switch (Request.getPathInContext(request)) {
        case "/echo" -> {
          byte[] body = Content.Source.asInputStream(request).readAllBytes();
          List<String> names = new ArrayList<>();
          for (HttpField f : request.getHeaders()) {
            names.add(f.getName().toLowerCase());
          }
          response.setStatus(201);
          response.getHeaders().put("x-echo-method", request.getMethod());
          response.getHeaders().put("x-echo-custom", String.valueOf(request.getHeaders().get("x-custom")));
          response.getHeaders().put("x-echo-content-type", String.valueOf(request.getHeaders().get("content-type")));
          response.getHeaders().put("x-echo-headers", String.join(",", names));
          response.getHeaders().put("x-connection", request.getConnectionMetaData().getId());
          response.write(true, ByteBuffer.wrap(body), callback);
        }
        case "/stream" -> {
          response.getHeaders().put("content-type", "text/event-stream");
          write(response, "data: first\n\n");
          secondEvent.await(5, TimeUnit.SECONDS);
          response.write(true, utf8("data: second\n\n"), callback);
        }
        case "/chunks" -> {
          for (int i = 0; i < 3; i++) {
            write(response, "chunk" + i + ";");
            Thread.sleep(20);
          }
          response.write(true, utf8("end"), callback);
        }
        case "/hang" -> hung.incrementAndGet(); // never answers
        case "/stall" -> write(response, "part"); // headers and a first piece, then nothing
        case "/big" -> response.write(true, ByteBuffer.wrap(new byte[4 << 20]), callback);
        case "/length" -> {
          long n = Content.Source.asInputStream(request).transferTo(java.io.OutputStream.nullOutputStream());
          response.write(true, utf8(String.valueOf(n)), callback);
        }
        case "/unauthorized" -> {
          response.setStatus(401);
          response.getHeaders().put("www-authenticate", "Bearer");
          response.write(true, utf8("no key"), callback);
        }
        default -> {
          response.setStatus(404);
          callback.succeeded();
        }
      }
      return true;
    }

    private void write(Response response, String text) throws Exception {
      Callback.Completable written = new Callback.Completable();
      response.write(false, utf8(text), written);
      written.get(5, TimeUnit.SECONDS);
    }
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private Transport.Request get(String path, long timeoutNanos) {
    return new Transport.Request(base + path, "GET", new String[0], null, null, timeoutNanos);
  }

  /** Hears a call's outcome and checks that it comes once. */
  private static final class Outcome implements Transport.Listener {
    final CompletableFuture<Transport.Response> answer = new CompletableFuture<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void onResponse(Transport.Response response) {
      calls.incrementAndGet();
      answer.complete(response);
    }

    @Override
    public void onFailure(IOException failure) {
      calls.incrementAndGet();
      answer.completeExceptionally(failure);
    }

    Transport.Response response() throws Exception {
      return answer.get(5, TimeUnit.SECONDS);
    }

    IOException failure() throws Exception {
      try {
        Transport.Response r = answer.get(5, TimeUnit.SECONDS);
        r.close();
        throw new AssertionError("answered " + r.status());
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(IOException.class);
        return (IOException) e.getCause();
      }
    }
  }

  private static Outcome start(Transport.Call call) {
    Outcome o = new Outcome();
    call.start(o);
    return o;
  }

  /** Reads {@code at least} bytes (or to the end), waiting through demand between reads. */
  private static String read(Transport.Response r, int atLeast) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    Semaphore readable = new Semaphore(0);
    while (out.size() < atLeast) {
      int n = r.read(buf, 0, buf.length);
      if (n < 0) {
        break;
      }
      if (n == 0) {
        r.demand(readable::release);
        assertThat(readable.tryAcquire(5, TimeUnit.SECONDS)).as("readable in time").isTrue();
      }
      out.write(buf, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String readToEnd(Transport.Response r) throws Exception {
    return read(r, Integer.MAX_VALUE);
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void call_deliversStatusHeadersAndBody() throws Exception {
    byte[] body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
    Transport.Request request = new Transport.Request(base + "/echo?x=1", "POST",
        new String[] {"x-custom", "42", "authorization", "Bearer k"}, body, "application/json", 5 * SECOND);
    Transport.Call call = transport.call(request);
    Outcome outcome = start(call);

    Transport.Response r = outcome.response();
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.header("X-Echo-Method")).isEqualTo("POST");
    assertThat(r.header("x-echo-custom")).isEqualTo("42");
    assertThat(r.header("x-echo-content-type")).isEqualTo("application/json");
    List<String> names = new ArrayList<>();
    r.forEachHeader((name, value) -> names.add(name.toLowerCase()));
    assertThat(names).contains("x-echo-method", "x-echo-custom");
    assertThat(readToEnd(r)).isEqualTo("{\"model\":\"m\"}");
    assertThat(r.read(new byte[1], 0, 1)).isEqualTo(-1);
    r.close();
    assertThat(call.sent()).isTrue();
    assertThat(outcome.calls).hasValue(1);
  }

  @Test
  void call_addsNoFieldsOfItsOwnBeyondHostAndLength() throws Exception {
    Transport.Request request = new Transport.Request(base + "/echo", "POST", new String[] {"x-custom", "1"},
        new byte[] {1, 2, 3}, null, 5 * SECOND);
    Transport.Response r = start(transport.call(request)).response();
    assertThat(r.header("x-echo-content-type")).isEqualTo("null");
    assertThat(r.header("x-echo-headers").split(","))
        .containsExactlyInAnyOrder("host", "content-length", "x-custom");
    assertThat(readToEnd(r)).hasSize(3);
    r.close();
  }

  @Test
  void streamedBody_isReadPieceByPieceAsItArrives() throws Exception {
    Transport.Response r = start(transport.call(get("/stream", 5 * SECOND))).response();
    assertThat(r.header("content-type")).isEqualTo("text/event-stream");

    // The server holds the second event until the first has been read here.
    assertThat(read(r, "data: first\n\n".length())).isEqualTo("data: first\n\n");
    secondEvent.countDown();
    assertThat(readToEnd(r)).isEqualTo("data: second\n\n");
    r.close();
  }

  @Test
  void demand_drivesReadsToTheEndWithoutAWaitingThread() throws Exception {
    Transport.Response r = start(transport.call(get("/chunks", 5 * SECOND))).response();
    CompletableFuture<String> body = new CompletableFuture<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Runnable reader = new Runnable() {
      @Override
      public void run() {
        byte[] buf = new byte[4];
        try {
          while (true) {
            int n = r.read(buf, 0, buf.length);
            if (n < 0) {
              body.complete(out.toString(StandardCharsets.UTF_8));
              return;
            }
            if (n == 0) {
              r.demand(this);
              return;
            }
            out.write(buf, 0, n);
          }
        } catch (IOException e) {
          body.completeExceptionally(e);
        }
      }
    };
    r.demand(reader);
    assertThat(body.get(5, TimeUnit.SECONDS)).isEqualTo("chunk0;chunk1;chunk2;end");
    r.close();
  }

  @Test
  void deadlineBeforeTheAnswer_failsTheCallWithATimeout() throws Exception {
    long start = System.nanoTime();
    Transport.Call call = transport.call(get("/hang", TimeUnit.MILLISECONDS.toNanos(200)));
    Outcome outcome = start(call);

    IOException failure = outcome.failure();
    assertThat(failure).isInstanceOf(InterruptedIOException.class).hasMessageContaining("timed out");
    assertThat(System.nanoTime() - start).isLessThan(3 * SECOND);
    assertThat(call.sent()).isTrue();
    assertThat(outcome.calls).hasValue(1);
  }

  @Test
  void deadlineDuringTheBody_failsTheNextReadWithATimeout() throws Exception {
    Transport.Response r = start(transport.call(get("/stall", TimeUnit.MILLISECONDS.toNanos(300)))).response();
    assertThat(read(r, 4)).isEqualTo("part");

    assertThatThrownBy(() -> readToEnd(r)).isInstanceOf(InterruptedIOException.class);
    r.close();
  }

  @Test
  void refusedConnection_failsWithConnectExceptionUnsent() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Transport.Call call = transport.call(
        new Transport.Request("http://127.0.0.1:" + port + "/x", "GET", new String[0], null, null, 5 * SECOND));
    Outcome outcome = start(call);

    IOException failure = outcome.failure();
    assertThat(causedBy(failure, ConnectException.class)).as("ConnectException in %s", failure).isTrue();
    assertThat(call.sent()).isFalse();
    assertThat(outcome.calls).hasValue(1);
  }

  @Test
  void cancelBeforeTheAnswer_failsTheCall() throws Exception {
    Transport.Call call = transport.call(get("/hang", 5 * SECOND));
    Outcome outcome = start(call);
    Await.until("the endpoint holds the call", () -> hung.get() == 1);
    call.cancel();

    assertThat(outcome.failure()).hasMessage("cancelled");
    assertThat(outcome.calls).hasValue(1);
  }

  @Test
  void cancelBeforeStart_failsTheCallWithoutSendingIt() throws Exception {
    Transport.Call call = transport.call(get("/echo", 5 * SECOND));
    call.cancel();
    Outcome outcome = start(call);

    assertThat(outcome.failure()).hasMessage("cancelled");
    assertThat(call.sent()).isFalse();
  }

  @Test
  void cancelAfterTheAnswer_failsTheNextRead() throws Exception {
    Transport.Call call = transport.call(get("/stall", 5 * SECOND));
    Transport.Response r = start(call).response();
    assertThat(read(r, 4)).isEqualTo("part");

    call.cancel();
    assertThatThrownBy(() -> r.read(new byte[16], 0, 16)).isInstanceOf(IOException.class).hasMessage("cancelled");
    r.close();
  }

  @Test
  void closeBeforeTheEnd_leavesTheClientUsable() throws Exception {
    try (JettyTransport one = JettyTransport.builder().maxConnectionsPerEndpoint(1).build()) {
      Transport.Response big = start(one.call(get("/big", 5 * SECOND))).response();
      assertThat(read(big, 1)).isNotEmpty();
      big.close();
      big.close();

      Transport.Request echo = new Transport.Request(base + "/echo", "POST", new String[0],
          "after".getBytes(StandardCharsets.UTF_8), "text/plain", 5 * SECOND);
      Transport.Response r = start(one.call(echo)).response();
      assertThat(r.status()).isEqualTo(201);
      assertThat(readToEnd(r)).isEqualTo("after");
      r.close();
    }
  }

  @Test
  void closeAtTheEnd_keepsTheConnectionForTheNextCall() throws Exception {
    try (JettyTransport one = JettyTransport.builder().maxConnectionsPerEndpoint(1).build()) {
      Transport.Request echo = new Transport.Request(base + "/echo", "POST", new String[0],
          "12345".getBytes(StandardCharsets.UTF_8), "text/plain", 5 * SECOND);
      Transport.Response first = start(one.call(echo)).response();
      assertThat(readToEnd(first)).isEqualTo("12345");
      first.close();
      Transport.Response second = start(one.call(echo)).response();
      // Every byte read, the end not yet seen: closing still finds it there.
      assertThat(read(second, 5)).isEqualTo("12345");
      second.close();
      Transport.Response third = start(one.call(echo)).response();
      assertThat(readToEnd(third)).isEqualTo("12345");
      third.close();

      assertThat(second.header("x-connection")).isEqualTo(first.header("x-connection"));
      assertThat(third.header("x-connection")).isEqualTo(first.header("x-connection"));
    }
  }

  @Test
  void authenticationChallenge_passesThroughAsIs() throws Exception {
    Transport.Response r = start(transport.call(get("/unauthorized", 5 * SECOND))).response();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("www-authenticate")).isEqualTo("Bearer");
    assertThat(readToEnd(r)).isEqualTo("no key");
    r.close();
  }

  @Test
  void close_stopsAnOwnedClientOnly() throws Exception {
    JettyTransport owned = JettyTransport.builder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpClient ownedClient = owned.httpClient();
    assertThat(ownedClient.isStarted()).isTrue();
    owned.close();
    assertThat(ownedClient.isStopped()).isTrue();

    HttpClient given = new HttpClient();
    given.start();
    try {
      JettyTransport.of(given).close();
      assertThat(given.isStarted()).isTrue();
    } finally {
      given.stop();
    }
  }

  @Test
  void reusedConnectionClosedAfterTheRequestWasRead_failsSentAndIsNotSentAgain() throws Exception {
    // A poison request: the endpoint reads it whole on a pooled connection and dies (stops
    // listening, drops the connection). It may have run it: the transport does not send it again.
    try (DroppingServer endpoint = new DroppingServer(2);
        JettyTransport one = JettyTransport.builder().maxConnectionsPerEndpoint(1).build()) {
      Transport.Response r = start(one.call(endpoint.get())).response();
      assertThat(readToEnd(r)).isEqualTo("ok");
      r.close();
      endpoint.stopListeningAfterDrop = true;

      Transport.Call call = one.call(endpoint.get());
      Outcome outcome = start(call);

      IOException failure = outcome.failure();
      assertThat(causedBy(failure, ConnectException.class)).as("no new connection tried: %s", failure).isFalse();
      assertThat(failure).isNotInstanceOf(InterruptedIOException.class);
      assertThat(call.sent()).as("the endpoint may have run it").isTrue();
      assertThat(outcome.calls).hasValue(1);
      assertThat(endpoint.requests).as("once on the pooled connection, never again").hasValue(2);
    }
  }

  @Test
  void reusedConnectionResetWhileTheRequestIsWritten_isSentAgainOnAnotherConnection() throws Exception {
    // The keep-alive race, made certain: the endpoint resets a pooled connection as the next
    // request's headers arrive, while its 16 MB body is still being written.
    try (FaultProxy proxy = FaultProxy.to(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1))).start();
        JettyTransport one = JettyTransport.builder().maxConnectionsPerEndpoint(1).build()) {
      String url = proxy.baseUrl() + "/length";
      Transport.Response first = start(one.call(post(url, new byte[10]))).response();
      assertThat(readToEnd(first)).isEqualTo("10");
      first.close();
      proxy.fault(Fault.resetReusedWhileReading());

      Transport.Call call = one.call(post(url, new byte[16 << 20]));
      Outcome outcome = start(call);
      Transport.Response again = outcome.response();

      assertThat(again.status()).isEqualTo(200);
      assertThat(readToEnd(again)).isEqualTo(String.valueOf(16 << 20));
      again.close();
      assertThat(proxy.fault()).as("the reset happened").isEqualTo(Fault.none());
      assertThat(call.sent()).isTrue();
      assertThat(outcome.calls).hasValue(1);
      assertThat(proxy.requestCount()).as("the first, then the resend read whole").isEqualTo(2);
    }
  }

  private static Transport.Request post(String url, byte[] body) {
    return new Transport.Request(url, "POST", new String[0], body, "application/octet-stream", 10 * SECOND);
  }

  @Test
  void freshConnectionClosedBeforeAnyAnswer_failsSentAndIsNotSentAgain() throws Exception {
    try (DroppingServer endpoint = new DroppingServer(1)) {
      Transport.Call call = transport.call(endpoint.get());
      Outcome outcome = start(call);

      IOException failure = outcome.failure();
      assertThat(failure).isNotInstanceOf(InterruptedIOException.class);
      assertThat(causedBy(failure, ConnectException.class)).isFalse();
      assertThat(call.sent()).as("the endpoint may have run it").isTrue();
      assertThat(Await.holdsWithin(Duration.ofMillis(500), () -> endpoint.requests.get() > 1))
          .as("not sent again").isFalse();
    }
  }

  @Test
  void cancel_neverCallsTheListenerOnTheCancellingThread() throws Exception {
    Transport.Call call = transport.call(get("/hang", 5 * SECOND));
    CompletableFuture<Thread> failedOn = new CompletableFuture<>();
    call.start(new Transport.Listener() {
      @Override
      public void onResponse(Transport.Response response) {
        response.close();
        failedOn.completeExceptionally(new AssertionError("answered"));
      }

      @Override
      public void onFailure(IOException failure) {
        failedOn.complete(Thread.currentThread());
      }
    });
    Await.until("the endpoint holds the call", () -> hung.get() == 1);
    call.cancel();

    assertThat(failedOn.get(5, TimeUnit.SECONDS)).isNotSameAs(Thread.currentThread());
  }

  /**
   * An HTTP/1.1 endpoint on a plain server socket that answers {@code ok} with keep-alive, but
   * closes a connection without a word once it has read its {@code dropAt}-th request (1-based).
   */
  private static final class DroppingServer implements AutoCloseable {
    final AtomicInteger requests = new AtomicInteger();
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<java.net.Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final int dropAt;
    /** Whether dropping a connection also stops listening: the endpoint died of the request. */
    volatile boolean stopListeningAfterDrop;
    private final Thread acceptor = new Thread(this::accept, "dropping-server");

    DroppingServer(int dropAt) throws IOException {
      this.dropAt = dropAt;
      acceptor.setDaemon(true);
      acceptor.start();
    }

    Transport.Request get() {
      return new Transport.Request("http://127.0.0.1:" + listener.getLocalPort() + "/x", "POST", new String[0],
          "{}".getBytes(StandardCharsets.UTF_8), "application/json", 5 * SECOND);
    }

    private void accept() {
      try {
        while (true) {
          java.net.Socket s = listener.accept();
          sockets.add(s);
          Thread t = new Thread(() -> serve(s), "dropping-server-connection");
          t.setDaemon(true);
          t.start();
        }
      } catch (IOException closed) {
        // stopped listening
      }
    }

    private void serve(java.net.Socket s) {
      try (s) {
        java.io.InputStream in = new java.io.BufferedInputStream(s.getInputStream());
        for (int n = 1; ; n++) {
          int length = 0;
          for (String line; !(line = readLine(in)).isEmpty(); ) {
            if (line.toLowerCase().startsWith("content-length:")) {
              length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
          }
          in.readNBytes(length);
          requests.incrementAndGet();
          if (n == dropAt) {
            if (stopListeningAfterDrop) {
              listener.close();
            }
            return; // closed without a byte of answer
          }
          s.getOutputStream().write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
        }
      } catch (IOException | RuntimeException e) {
        // the client went away
      }
    }

    /** A header line without its CRLF; throws at the end of the stream. */
    private static String readLine(java.io.InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new java.io.EOFException();
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (java.net.Socket s : sockets) {
        s.close();
      }
    }
  }
}
