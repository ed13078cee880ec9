package io.modelrouter.server;

import static io.modelrouter.http.internal.Args.positive;

import io.modelrouter.http.gateway.AsyncGatewayResponse;
import io.modelrouter.http.gateway.BodyBudget;
import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.http.gateway.GatewayRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * The {@link GatewayHandler} served by an embedded Jetty 12 server (HTTP/1.1, Jetty's core API,
 * no servlets), without blocking: the handler is called {@linkplain GatewayHandler#handleAsync
 * asynchronously} on the thread that read the request, bodies are read and answers written as they
 * arrive. With a {@link JettyTransport} under the handler's {@code RoutingClient}, no thread waits
 * on a client or an endpoint, so a few threads serve thousands of open streams.
 *
 * <ul>
 *   <li>request headers above {@link Builder#maxHeaderBytes} get a 431 before the handler runs;
 *       bodies above the handler's limit get a protocol-shaped 413 from the handler;
 *   <li>a body left unread by the answer (a 413, a 401 sent before the body) is read and dropped
 *       for up to {@link Builder#lingeringClose} bytes and time, so that a client sending its
 *       whole body before reading sees the status rather than a broken pipe;
 *   <li>a connection idle for {@link Builder#idleTimeout} is closed, and a request body arriving
 *       slower than {@link Builder#minRequestBytesPerSecond} is failed (slow-loris clients);
 *       while a request waits on its endpoint, its client's silence is expected and the request's
 *       deadline applies instead, but a client that goes away then (closes or resets its
 *       connection) has its upstream call cancelled (within about 0.1 s: its connection is
 *       watched once the request has waited 50 ms);
 *   <li>at most {@link Builder#maxConnections} connections are open; further ones wait in the
 *       accept queue; one client address holds at most {@link Builder#maxConnectionsPerAddress};
 *   <li>a request head must arrive whole within {@link Builder#headTimeout} of its first byte;
 *   <li>{@code /metrics} is served on a separate {@linkplain Builder#adminPort admin listener}
 *       (loopback by default), not to the gateway's clients;
 *   <li>{@link #close()} marks the gateway not ready, closes the listening socket (new connections
 *       are refused), and lets in-flight requests, streams included, finish for up to
 *       {@link Builder#drainTimeout} before closing what is left.
 * </ul>
 *
 * <pre>{@code
 * try (GatewayServer server = GatewayServer.builder(handler).port(8080).build().start()) {
 *   System.out.println("listening on http://127.0.0.1:" + server.port());
 *   server.join();
 * }
 * }</pre>
 */
public final class GatewayServer implements AutoCloseable {

  /**
   * Default most worker threads: 512. With a {@link JettyTransport} a few do the work; the rest are
   * for a blocking transport (OkHttp), whose calls each hold a thread while the endpoint answers.
   */
  public static final int DEFAULT_MAX_THREADS = 512;
  /**
   * Default longest time a request head may take from its first byte: 20 s (as Apache's
   * mod_reqtimeout allows; Node.js allows 60 s). A client trickling a header byte at a time is cut
   * off then, whatever the idle timeout.
   */
  public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(20);
  /** Default slowest accepted request body: 1 KiB/s; a client uploading slower is cut off. */
  public static final long DEFAULT_MIN_REQUEST_BYTES_PER_SECOND = 1024;
  /** Default most body bytes read and dropped after an answer that did not need them: 64 MiB. */
  public static final long DEFAULT_LINGER_BYTES = 64L << 20;
  /** Default longest time spent reading and dropping them: 5 s, as nginx's {@code lingering_timeout}. */
  public static final Duration DEFAULT_LINGER_TIME = Duration.ofSeconds(5);

  private final GatewayHandler handler;
  private final Server server;
  private final ServerConnector connector;
  private final @Nullable ServerConnector adminConnector;
  private final GracefulHandler graceful;
  private final Duration drainTimeout;

  private GatewayServer(Builder b) {
    this.handler = b.handler;
    this.drainTimeout = b.drainTimeout;
    ThreadPool threads = b.threadPool != null ? b.threadPool : threadPool(b.maxThreads);
    this.server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(b.maxHeaderBytes);
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setIdleTimeout(b.idleTimeout.toMillis());
    this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(b.host);
    connector.setPort(b.port);
    connector.setIdleTimeout(b.idleTimeout.toMillis());
    connector.setAcceptQueueSize(b.maxConnections);
    connector.addBean(new ConnectionGuard(connector.getScheduler(), b.headTimeout,
        b.maxConnectionsPerAddress >= 0 ? b.maxConnectionsPerAddress : b.maxConnections - b.maxConnections / 4));
    DeferredWatches watches = new DeferredWatches(connector.getScheduler());
    connector.addBean(watches);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(b.maxConnections, server));
    Handler bridge = new Bridge(handler, b.lingerBytes, b.lingerTime.toNanos(), watches);
    Handler rated = b.minRequestBytesPerSecond > 0 ? new MinimumDataRateHandler(bridge, b.minRequestBytesPerSecond, 0) : bridge;
    this.graceful = new GracefulHandler(rated);
    this.adminConnector = b.adminPort < 0 ? null : adminConnector(b, http);
    server.setHandler(adminConnector == null ? graceful : new Handler.Sequence(new AdminRoutes(handler, adminConnector), graceful));
    // close() drains through the graceful handler itself; Jetty's own graceful stop would also wait
    // for idle keep-alive connections to go away, so it is off.
    server.setStopTimeout(0);
    server.setErrorHandler(new JsonErrorHandler());
  }

  /** The admin listener: its own connector, with the same limits as the gateway's. */
  private ServerConnector adminConnector(Builder b, HttpConfiguration http) {
    ServerConnector admin = new ServerConnector(server, new HttpConnectionFactory(http));
    admin.setHost(b.adminHost);
    admin.setPort(b.adminPort);
    admin.setIdleTimeout(b.idleTimeout.toMillis());
    server.addConnector(admin);
    return admin;
  }

  /**
   * A pool of at most {@code maxThreads} threads like the server's own, to share with a {@link
   * JettyTransport} ({@link JettyTransport.Builder#executor}) through {@link Builder#threadPool}.
   */
  public static QueuedThreadPool threadPool(int maxThreads) {
    QueuedThreadPool threads = new QueuedThreadPool(requireThreads(maxThreads), Math.min(8, maxThreads));
    threads.setName("gateway");
    return threads;
  }

  private static int requireThreads(int maxThreads) {
    if (maxThreads < 8) {
      throw new IllegalArgumentException("maxThreads: " + maxThreads + " (expected: >= 8)");
    }
    return maxThreads;
  }

  /** Starts a server for a handler. */
  public static Builder builder(GatewayHandler handler) {
    return new Builder(handler);
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException when the port cannot be bound
   */
  public GatewayServer start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot start the gateway server: " + e.getMessage(), e);
    }
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The admin listener's bound port, or -1 when there is none. */
  public int adminPort() {
    return adminConnector == null ? -1 : adminConnector.getLocalPort();
  }

  /** The handler this server serves. */
  public GatewayHandler handler() {
    return handler;
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Requests in flight right now. */
  public long inFlight() {
    return graceful.getCurrentRequestCount();
  }

  /**
   * Drains and stops (what a SIGTERM does to the standalone gateway): readiness turns false, the
   * listening socket closes at once (new connections are refused, so a load balancer or a
   * client's retry moves to another replica), a new request on an open keep-alive connection gets
   * 503 with {@code Retry-After} and {@code Connection: close}, in-flight requests, streams
   * included, finish for up to the drain timeout, then what is left is closed.
   */
  @Override
  public void close() {
    handler.drain();
    try {
      connector.close(); // the listening socket only: shutdown() would also drop idle keep-alive connections
    } catch (RuntimeException e) {
      // already closed
    }
    try {
      graceful.shutdown().get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Drain timed out or was interrupted: stop anyway, closing what is left.
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      server.stop();
    } catch (Exception e) {
      // Nothing more a caller could do; the connector is closed either way.
    }
  }

  /** Builds a {@link GatewayServer}; every setter checks its argument. */
  public static final class Builder {
    private final GatewayHandler handler;
    private String host = "127.0.0.1";
    private int port = 8080;
    private int maxHeaderBytes = 8 * 1024;
    private int maxConnections = 1024;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration drainTimeout = Duration.ofSeconds(10);
    private long minRequestBytesPerSecond = DEFAULT_MIN_REQUEST_BYTES_PER_SECOND;
    private int maxThreads = DEFAULT_MAX_THREADS;
    private @Nullable ThreadPool threadPool;
    private long lingerBytes = DEFAULT_LINGER_BYTES;
    private Duration lingerTime = DEFAULT_LINGER_TIME;
    private Duration headTimeout = DEFAULT_HEAD_TIMEOUT;
    private int maxConnectionsPerAddress = -1;
    private String adminHost = "127.0.0.1";
    private int adminPort = -1;

    private Builder(GatewayHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** The address to bind; {@code 127.0.0.1} by default. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /**
     * The admin listener's port, which serves {@code /metrics}, {@code /healthz} and {@code /readyz}
     * (0 picks a free one); -1, the default, opens none. The gateway's own listener serves {@code
     * /metrics} only with the handler's metrics credential.
     */
    public Builder adminPort(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("adminPort: " + port + " (expected: -1 for none, or 0..65535)");
      }
      this.adminPort = port;
      return this;
    }

    /** The address the admin listener binds; {@code 127.0.0.1} (loopback only) by default. */
    public Builder adminHost(String host) {
      this.adminHost = Objects.requireNonNull(host, "adminHost");
      return this;
    }

    /** The largest request line plus headers; larger ones get a 431. 8 KiB by default. */
    public Builder maxHeaderBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxHeaderBytes: " + bytes + " (expected: >= 1024)");
      }
      this.maxHeaderBytes = bytes;
      return this;
    }

    /** The most open connections; 1,024 by default. */
    public Builder maxConnections(int connections) {
      if (connections < 1) {
        throw new IllegalArgumentException("maxConnections: " + connections + " (expected: > 0)");
      }
      this.maxConnections = connections;
      return this;
    }

    /**
     * The longest a request head (request line and headers) may take from its first byte; {@link
     * #DEFAULT_HEAD_TIMEOUT} by default, {@link Duration#ZERO} for no limit. The connection is
     * closed then.
     */
    public Builder headTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "headTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("headTimeout: " + timeout + " (expected: >= 0)");
      }
      this.headTimeout = timeout;
      return this;
    }

    /**
     * The most connections one client address may hold open; further ones are closed at once. 0
     * turns the limit off; by default three quarters of {@link #maxConnections}, so that one address
     * (a few slow clients) cannot take them all. Behind a load balancer every connection comes from its
     * addresses: raise the limit or turn it off there.
     */
    public Builder maxConnectionsPerAddress(int connections) {
      if (connections < 0) {
        throw new IllegalArgumentException("maxConnectionsPerAddress: " + connections + " (expected: >= 0)");
      }
      this.maxConnectionsPerAddress = connections;
      return this;
    }

    /**
     * How long a connection may stay silent in both directions; 30 s by default. It does not cut
     * off a request waiting on its endpoint: the request's deadline does.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /** How long {@link #close()} waits for in-flight requests; 10 s by default. */
    public Builder drainTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "drainTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout: " + timeout + " (expected: >= 0)");
      }
      this.drainTimeout = timeout;
      return this;
    }

    /** The slowest request-body upload accepted; 0 turns the check off. */
    public Builder minRequestBytesPerSecond(long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("minRequestBytesPerSecond: " + bytesPerSecond + " (expected: >= 0)");
      }
      this.minRequestBytesPerSecond = bytesPerSecond;
      return this;
    }

    /**
     * How much of a body the answer did not need (a 413, a 401) is read and dropped before the
     * connection closes: at most {@code maxBytes} and {@code maxTime}; 0 bytes turns it off.
     * {@link #DEFAULT_LINGER_BYTES} and {@link #DEFAULT_LINGER_TIME} by default.
     */
    public Builder lingeringClose(long maxBytes, Duration maxTime) {
      if (maxBytes < 0) {
        throw new IllegalArgumentException("lingeringClose maxBytes: " + maxBytes + " (expected: >= 0)");
      }
      this.lingerTime = positive(maxTime, "lingeringClose maxTime");
      this.lingerBytes = maxBytes;
      return this;
    }

    /** Worker threads; {@value #DEFAULT_MAX_THREADS} by default. */
    public Builder maxThreads(int threads) {
      this.maxThreads = requireThreads(threads);
      return this;
    }

    /**
     * The server's threads, when they are shared with a {@link JettyTransport} (see {@link
     * GatewayServer#threadPool(int)}); {@link #maxThreads} then does not apply. The server starts
     * and stops a pool that is not started yet; one already started is the caller's to stop.
     */
    public Builder threadPool(ThreadPool pool) {
      this.threadPool = Objects.requireNonNull(pool, "pool");
      return this;
    }

    public GatewayServer build() {
      return new GatewayServer(this);
    }
  }

  /**
   * Calls the handler without blocking, on the thread that read the request (Jetty's selector
   * thread when it can): the body is read, and the answer written, as they arrive, so no thread
   * waits on a client or an endpoint.
   */
  private static final class Bridge extends Handler.Abstract.NonBlocking {
    private final GatewayHandler handler;
    private final long lingerBytes;
    private final long lingerNanos;
    private final DeferredWatches watches;

    Bridge(GatewayHandler handler, long lingerBytes, long lingerNanos, DeferredWatches watches) {
      this.handler = handler;
      this.lingerBytes = lingerBytes;
      this.lingerNanos = lingerNanos;
      this.watches = watches;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      JettyExchange exchange = new JettyExchange(request, response, callback, lingerBytes, lingerNanos, watches);
      handler.handleAsync(exchange, exchange);
      return true;
    }
  }

  /** One Jetty request and response as the handler's request and asynchronous response. */
  private static final class JettyExchange implements GatewayRequest, AsyncGatewayResponse, DeferredWatches.Watchable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final long lingerBytes;
    private final long lingerNanos;
    private final DeferredWatches watches;
    /** Whether the body was read to its end (see {@link LingeringClose}). */
    volatile boolean bodyRead;
    // Guarded by this: whether the exchange ended, what runs should the client go away while the
    // request is forwarded (null before), and the watch that notices it (null before it starts).
    private boolean ended;
    private @Nullable Runnable onGone;
    private @Nullable ClientWatch watch;

    JettyExchange(Request request, Response response, Callback callback, long lingerBytes, long lingerNanos,
        DeferredWatches watches) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.lingerBytes = lingerBytes;
      this.lingerNanos = lingerNanos;
      this.watches = watches;
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String path() {
      String p = request.getHttpURI().getDecodedPath();
      return p == null ? "/" : p;
    }

    @Override
    public @Nullable String remoteAddress() {
      return Request.getRemoteAddr(request);
    }

    @Override
    public String pathAndQuery() {
      String p = request.getHttpURI().getPathQuery();
      return p == null ? "/" : p;
    }

    @Override
    public @Nullable String header(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public List<String> headerNames() {
      return new ArrayList<>(request.getHeaders().getFieldNamesCollection());
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
      for (HttpField f : request.getHeaders()) {
        action.accept(f.getName(), f.getValue());
      }
    }

    @Override
    public long contentLength() {
      return request.getLength();
    }

    @Override
    public InputStream body() {
      return Content.Source.asInputStream(request);
    }

    @Override
    public void readBody(long maxBytes, long maxDiscardBytes, BodyCallback then) {
      if (request.getLength() > maxDiscardBytes) {
        deliver(then, null); // not worth reading: the connection closes after the answer
        return;
      }
      new BodyRead(this, maxBytes, maxDiscardBytes, then).run();
    }

    /** Hands the handler the body; what it throws ends the exchange. */
    void deliver(BodyCallback then, byte @Nullable [] body) {
      try {
        then.body(body);
      } catch (Throwable t) {
        abort(t);
      }
    }

    void failed(BodyCallback then, Throwable failure) {
      try {
        then.failed(failure instanceof IOException ? (IOException) failure : new IOException(failure));
      } catch (Throwable t) {
        abort(t);
      }
    }

    @Override
    public void setHeader(String name, String value) {
      response.getHeaders().put(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
      response.getHeaders().add(name, value);
    }

    @Override
    public void status(int status, long contentLength) {
      response.setStatus(status);
      if (contentLength >= 0) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, contentLength);
      }
    }

    @Override
    public void write(ByteBuffer bytes, boolean last, Consumer<@Nullable Throwable> done) {
      response.write(last, bytes, new Callback() {
        @Override
        public void succeeded() {
          done.accept(null);
          if (last) {
            end(null);
          }
        }

        @Override
        public void failed(Throwable x) {
          done.accept(x);
          end(x);
        }
        // Blocking by default: what runs next reads the endpoint's answer, which blocks on OkHttp.
      });
    }

    @Override
    public void abort(Throwable failure) {
      end(failure);
    }

    /**
     * Runs {@code cancel} should the client go away while the request is forwarded ({@link
     * ClientWatch}, started once the request has waited {@link DeferredWatches#DELAY_MILLIS}).
     * Meanwhile the client's silence is expected: Jetty's idle timeout, which it would report as a
     * failure of the request, is ignored while nothing is being read or written (the request's
     * deadline bounds the wait; a write the client does not take still fails on it).
     */
    @Override
    public void onClientGone(Runnable cancel) {
      request.addIdleTimeoutListener(timeout -> false);
      synchronized (this) {
        if (ended) {
          return;
        }
        onGone = cancel;
      }
      watches.watchLater(this);
    }

    /** Starts the watch, unless the exchange ended meanwhile (then its connection is Jetty's again). */
    @Override
    public void startWatch() {
      Runnable cancel;
      synchronized (this) {
        cancel = onGone;
        if (ended || cancel == null) {
          return;
        }
        watch = ClientWatch.start(request, cancel);
      }
    }

    private void end(@Nullable Throwable failure) {
      ClientWatch w;
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
        w = watch;
      }
      if (w != null && w.stop() && failure == null) {
        // The watch read a byte of a request pipelined behind this one: the connection must close.
        failure = new IOException("a pipelined request was cut: the connection closes after this answer");
      }
      if (failure == null && !bodyRead && lingerBytes > 0
          && (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING))) {
        LingeringClose.start(request, lingerBytes, lingerNanos, callback::succeeded);
      } else if (failure == null) {
        callback.succeeded();
      } else {
        callback.failed(failure);
      }
    }
  }

  /**
   * Reads a request body without blocking: chunk by chunk as they arrive, into one array up to the
   * limit; past it, reads and drops up to the discard limit, then hands on null.
   */
  private static final class BodyRead implements Runnable, Invocable {
    private final JettyExchange exchange;
    private final long maxBytes;
    private final long maxDiscardBytes;
    private final GatewayRequest.BodyCallback then;
    private byte[] buf;
    private int size;
    private long total;
    private final BodyBudget budget;
    private long reserved;
    private boolean started;

    BodyRead(JettyExchange exchange, long maxBytes, long maxDiscardBytes, GatewayRequest.BodyCallback then) {
      this.exchange = exchange;
      this.maxBytes = maxBytes;
      this.maxDiscardBytes = maxDiscardBytes;
      this.then = then;
      long declared = exchange.request.getLength();
      // Grows as the bytes arrive, from at most FIRST_BODY_BUFFER: a declared length is a claim, not
      // memory to hand out. Never above the limit.
      this.buf = new byte[(int) Math.min(Math.min(declared >= 0 ? declared : GatewayRequest.FIRST_BODY_BUFFER,
          GatewayRequest.FIRST_BODY_BUFFER), maxBytes)];
      this.budget = then.budget();
    }

    /** Reserves {@code size} more bytes of buffer from the budget; false when it has no room. */
    private boolean reserve(int size) {
      if (!budget.tryReserve(size)) {
        return false;
      }
      reserved += size;
      return true;
    }

    /** Gives back every buffer reserved: the body is handed on, refused or failed. */
    private void releaseAll() {
      budget.release(reserved);
      reserved = 0;
    }

    /** What runs when more arrives: the gateway's checks and routing, which do not block. */
    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING;
    }

    @Override
    public void run() {
      Request request = exchange.request;
      if (!started) {
        started = true;
        if (!reserve(buf.length)) {
          exchange.failed(then, new BodyBudget.Exhausted());
          return;
        }
      }
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          releaseAll();
          exchange.failed(then, chunk.getFailure());
          return;
        }
        ByteBuffer b = chunk.getByteBuffer();
        int n = b.remaining();
        total += n;
        if (buf != null && total <= maxBytes) {
          if (size + n > buf.length) {
            int grown = (int) Math.min(maxBytes, Math.max((long) buf.length * 2, size + n));
            if (!reserve(grown - buf.length)) {
              chunk.release();
              releaseAll();
              exchange.failed(then, new BodyBudget.Exhausted());
              return;
            }
            buf = Arrays.copyOf(buf, grown);
          }
          b.get(buf, size, n);
          size += n;
        } else {
          buf = null; // too large: drop what was read, and what comes
          releaseAll();
        }
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          exchange.bodyRead = true;
        }
        if (buf == null && (last || total >= maxDiscardBytes)) {
          releaseAll();
          exchange.deliver(then, null);
          return;
        }
        if (last) {
          releaseAll();
          exchange.deliver(then, size == buf.length ? buf : Arrays.copyOf(buf, size));
          return;
        }
      }
    }
  }

  /**
   * Errors Jetty answers itself (431 header too large, 400 malformed request line, 503 while
   * draining) in the OpenAI error shape instead of an HTML page: never a stack trace.
   */
  private static final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(
        Request request, Response response, int code, @Nullable String message, @Nullable Throwable cause, Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      if (code == 503) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        response.getHeaders().put(HttpHeader.CONNECTION, "close"); // draining: the next request goes to a new connection
      }
      response.write(true, ByteBuffer.wrap(body(code, message).getBytes(StandardCharsets.UTF_8)), callback);
    }

    @Override
    protected void writeErrorJson(Request request, PrintWriter writer, int code, @Nullable String message, @Nullable Throwable cause) {
      writer.write(body(code, message));
    }

    private static String body(int status, @Nullable String reason) {
      String code = status == 431 ? "headers_too_large" : status == 503 ? "unavailable" : status == 413 ? "payload_too_large" : "bad_request";
      String message = reason == null || reason.isBlank() ? "HTTP " + status : reason;
      return "{\"error\":{\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ")
          + "\",\"type\":\"" + (status >= 500 ? "server_error" : "invalid_request_error") + "\",\"code\":\"" + code
          + "\",\"param\":null}}";
    }
  }
}
