package io.modelrouter.server;

import static io.modelrouter.http.internal.Args.positive;

import io.modelrouter.http.Transport;
import io.modelrouter.http.internal.Redelivery;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Transport} on Jetty 12's asynchronous {@link HttpClient}: no thread waits while an
 * endpoint works, and answer bodies stream chunk by chunk as they arrive (read without blocking,
 * {@link Transport.Response#demand demand} says when there is more).
 *
 * <p>A call's deadline ({@link Transport.Request#timeoutNanos}) covers the whole exchange, answer
 * body included; past it the call or the body read fails with a {@link SocketTimeoutException}. A
 * connection that could not be opened fails with a {@link java.net.ConnectException}, and such a
 * call was never {@link Transport.Call#sent sent}.
 *
 * <p>A pooled keep-alive connection can be closed by its endpoint just as a call is written on it:
 * the endpoint's keep-alive timeout ran out (uvicorn closes idle connections after 5 s), or the
 * endpoint went down, and the pool had not yet seen the close. Jetty removes a connection from the
 * pool once it sees it closed, but a call that raced the close fails. A call whose connection had
 * carried earlier exchanges and failed while the request was still being written, before a single
 * byte of the answer (not by its deadline, nor by {@link Transport.Call#cancel}), provably did not
 * reach the endpoint ({@link Redelivery#notReceived}): it is sent again, on another pooled or a
 * new connection to the same endpoint, up to {@value Redelivery#MAX_STALE_RESENDS} times, and does
 * not count as {@link Transport.Call#sent sent}, so that the client may send it elsewhere should it
 * still fail. A request written whole is never sent again by the transport, whatever happens next:
 * the endpoint may have read it and died of it, and only the client decides, by its
 * {@code RetryPolicy}, whether another endpoint gets it.
 *
 * <p>{@link Transport.Call#cancel} does not call the call's listener on the cancelling thread: the
 * abort runs on the client's executor (inline only should the executor refuse it, as while the
 * client stops), so a caller may cancel while holding a lock its listener takes, as
 * {@code RoutingClient} does when a hedge wins.
 *
 * <p>A transport it builds handles answers on the client's I/O threads, where Jetty reads them:
 * its listeners, its {@link Transport.Response#demand demand} callbacks, and so the futures of
 * {@code RoutingClient.executeAsync}, complete there. Code that runs in them must not block; hand
 * blocking work to an executor.
 *
 * <pre>{@code
 * try (JettyTransport transport = JettyTransport.create()) {
 *   RoutingClient client = RoutingClient.builder(router).transport(transport).build();
 *   ...
 * }
 * }</pre>
 */
public final class JettyTransport implements Transport {

  /** Default most connections to one endpoint: 1,024. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT = 1024;

  private final HttpClient http;
  private final boolean owned;

  private JettyTransport(HttpClient http, boolean owned) {
    this.http = http;
    this.owned = owned;
  }

  /** A transport with its own client and the {@link Builder} defaults; {@link #close()} stops it. */
  public static JettyTransport create() {
    return builder().build();
  }

  /** Configures a transport with its own client. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A transport on a started client the caller owns and configures; {@link #close()} leaves it
   * running. Redirects are not followed whatever the client says; content decoding, cookies and
   * authentication are the client's, so a pass-through gateway wants them off.
   *
   * @throws IllegalArgumentException if the client is not started
   */
  public static JettyTransport of(HttpClient client) {
    Objects.requireNonNull(client, "client");
    if (!client.isStarted()) {
      throw new IllegalArgumentException("the HTTP client is not started");
    }
    return new JettyTransport(client, false);
  }

  /** The Jetty client this transport sends on. */
  public HttpClient httpClient() {
    return http;
  }

  @Override
  public Call call(Request request) {
    long timeoutNanos = request.timeoutNanos();
    long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
    org.eclipse.jetty.client.Request r;
    try {
      r = newRequest(http, request, timeoutNanos);
    } catch (RuntimeException e) {
      return new Unsendable(new IOException("cannot send " + request + ": " + e.getMessage(), e));
    }
    return new JettyCall(http, request, deadline, r);
  }

  /** A Jetty request for {@code request} with {@code timeoutNanos} left, or none for 0. */
  private static org.eclipse.jetty.client.Request newRequest(HttpClient http, Request request, long timeoutNanos) {
    org.eclipse.jetty.client.Request r = http.newRequest(request.url()).method(request.method()).followRedirects(false);
    r.headers(h -> request.forEachHeader(h::add));
    byte[] body = request.body();
    if (body != null) {
      r.body(new ByteBufferRequestContent(request.contentType(), slices(body)));
    }
    if (timeoutNanos > 0) {
      // Jetty counts in milliseconds, and 0 would mean no timeout at all. The call's idle timeout
      // gets the same value, so that the deadline alone bounds it however long the endpoint is silent.
      long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
      r.timeout(millis, TimeUnit.MILLISECONDS).idleTimeout(millis, TimeUnit.MILLISECONDS);
    }
    return r;
  }

  /** Bytes of a body Jetty hands to the connection at once, then the next after the write succeeded. */
  private static final int BODY_SLICE = 64 * 1024;

  /**
   * A body in slices, not copied: Jetty counts each slice out as it writes it, so that a call
   * that failed before its last slice went out provably did not reach the endpoint whole.
   */
  private static ByteBuffer[] slices(byte[] body) {
    int n = Math.max(1, (body.length + BODY_SLICE - 1) / BODY_SLICE);
    ByteBuffer[] slices = new ByteBuffer[n];
    for (int i = 0; i < n; i++) {
      int off = i * BODY_SLICE;
      slices[i] = ByteBuffer.wrap(body, off, Math.min(BODY_SLICE, body.length - off)).slice();
    }
    return slices;
  }

  /** Stops the client if this transport made it; a client passed to {@link #of} stays running. */
  @Override
  public void close() {
    if (owned) {
      try {
        http.stop();
      } catch (Exception e) {
        // Nothing more a caller could do; the connections are closed either way.
      }
    }
  }

  /** A Jetty failure as an {@link IOException}: a timeout as a {@link SocketTimeoutException}. */
  private static IOException ioException(Throwable t) {
    if (t instanceof IOException e) {
      return e;
    }
    if (t instanceof TimeoutException) {
      SocketTimeoutException e = new SocketTimeoutException("timed out (" + t.getMessage() + ")");
      e.initCause(t);
      return e;
    }
    return new IOException(t.toString(), t);
  }

  /** Builds a {@link JettyTransport} with its own client; every setter checks its argument. */
  public static final class Builder {
    private int maxConnectionsPerEndpoint = DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private @Nullable Executor executor;

    private Builder() {
    }

    /** The most connections open to one endpoint; {@value #DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT} by default. */
    public Builder maxConnectionsPerEndpoint(int connections) {
      if (connections < 1) {
        throw new IllegalArgumentException("maxConnectionsPerEndpoint: " + connections + " (expected: > 0)");
      }
      this.maxConnectionsPerEndpoint = connections;
      return this;
    }

    /** How long opening a connection may take; 2 s by default. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long a pooled connection may stay unused before it is closed, and how long a call
     * without a deadline may wait for the endpoint's next bytes; 60 s by default.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /**
     * The threads that run the client's I/O and callbacks, such as the gateway server's (see
     * {@link GatewayServer.Builder#threadPool}): one pool for both sides means fewer threads and
     * fewer hand-offs between them. Started by the caller, who stops it after the transport; by
     * default the client has its own.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Makes and starts the client: HTTP/1.1, no redirects, no cookies, no content decoding (bodies
     * pass through as the endpoint sent them), no added {@code user-agent} or {@code content-type}.
     *
     * @throws IllegalStateException if the client cannot start
     */
    public JettyTransport build() {
      HttpClientTransportOverHTTP wire = new HttpClientTransportOverHTTP();
      // Answers are handled where Jetty reads them, without a hand-off to another thread: the
      // client's callbacks (RoutingClient's, a gateway's writes) do not block.
      wire.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
      HttpClient http = new HttpClient(wire);
      http.setName("modelrouter-transport");
      if (executor != null) {
        http.setExecutor(executor);
      }
      http.setMaxConnectionsPerDestination(maxConnectionsPerEndpoint);
      http.setConnectTimeout(connectTimeout.toMillis());
      http.setIdleTimeout(idleTimeout.toMillis());
      http.setFollowRedirects(false);
      http.setHttpCookieStore(new HttpCookieStore.Empty());
      http.setUserAgentField(null);
      http.setDefaultRequestContentType(null);
      try {
        http.start();
      } catch (Exception e) {
        try {
          http.stop();
        } catch (Exception ignored) {
          // Already failing.
        }
        throw new IllegalStateException("cannot start the HTTP client: " + e.getMessage(), e);
      }
      // Both are filled in by start(). A decoder would gunzip bodies the gateway passes on as they
      // came (and add accept-encoding); the authentication handlers would buffer every 401 and 407.
      http.getContentDecoderFactories().clear();
      http.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
      http.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
      return new JettyTransport(http, true);
    }
  }

  /**
   * One exchange: the call, the Jetty listener and, once the headers are in, the answer. The body
   * is read by one reader; {@link #read}, {@link #demand} and {@link #close} are that reader's.
   */
  private static final class JettyCall implements Call, Transport.Response,
      org.eclipse.jetty.client.Request.BeginListener, org.eclipse.jetty.client.Response.ContentSourceListener,
      org.eclipse.jetty.client.Response.CompleteListener {

    private static final int PENDING = 0;
    private static final int ANSWERED = 1;
    private static final int FAILED = 2;
    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(JettyCall.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final HttpClient http;
    private final Request spec;
    /** System.nanoTime() by which the call must end, or 0 for no deadline. */
    private final long deadline;
    /** Guards {@link #request} and {@link #generation}; held for no call out. */
    private final Object lock = new Object();
    /** The Jetty request now on its way: the first one or, after a stale connection, its resend. */
    private org.eclipse.jetty.client.Request request;
    /** Counts resends, so that a resend is not overwritten by the one before it. */
    private int generation;
    /** How many times this call was sent again; touched by one resend after another. */
    private volatile int resends;
    /** The connection the current request began on, if Jetty's HTTP/1.1 one, and what it had done by then. */
    private volatile org.eclipse.jetty.io.@Nullable Connection connection;
    private volatile boolean reusedConnection;
    private volatile long bytesInAtBegin;
    private volatile long bytesOutAtBegin;
    private @Nullable Listener listener;
    /** Which of the listener's methods ran: PENDING, ANSWERED or FAILED; set once, by CAS. */
    private volatile int state;
    /** Whether {@link #start} has handed the request to Jetty. */
    private volatile boolean started;
    private volatile boolean sent;
    /**
     * The thread running the listener's {@code onResponse} or a demand callback, both of which
     * Jetty calls from inside its parsing of the connection's input; null outside them.
     */
    private volatile @Nullable Thread inCallback;
    /** Why reads fail: set by a cancel, a close before the end, or a failed exchange. */
    private volatile @Nullable IOException failure;
    // Set before the listener hears of the answer, so visible to the reader without volatile.
    private int status;
    private HttpFields headers = HttpFields.EMPTY;
    private Content.Source source = EMPTY;
    // The reader's.
    private Content.@Nullable Chunk chunk;
    private boolean ended;
    private boolean closed;

    JettyCall(HttpClient http, Request spec, long deadline, org.eclipse.jetty.client.Request request) {
      this.http = http;
      this.spec = spec;
      this.deadline = deadline;
      this.request = request;
    }

    private org.eclipse.jetty.client.Request request() {
      synchronized (lock) {
        return request;
      }
    }

    // Jetty's events.

    @Override
    public void onBegin(org.eclipse.jetty.client.Request r) {
      // The request has a connection and is about to be written on it. Jetty's HTTP/1.1 connection
      // counts this request among its messages out already: more than one means it was pooled.
      if (r.getConnection() instanceof org.eclipse.jetty.io.Connection c) {
        bytesInAtBegin = c.getBytesIn();
        bytesOutAtBegin = c.getBytesOut();
        reusedConnection = c.getMessagesOut() > 1;
        connection = c;
      }
      sent = true;
    }

    @Override
    public void onContentSource(org.eclipse.jetty.client.Response response, Content.Source content) {
      status = response.getStatus();
      headers = response.getHeaders();
      source = content;
      if (STATE.compareAndSet(this, PENDING, ANSWERED)) {
        Thread outer = inCallback;
        inCallback = Thread.currentThread();
        try {
          Objects.requireNonNull(listener).onResponse(this);
        } finally {
          inCallback = outer;
        }
      }
    }

    @Override
    public void onComplete(Result result) {
      Throwable t = result.getFailure();
      if (t == null) {
        if (STATE.compareAndSet(this, PENDING, FAILED)) {
          // Not expected: a complete exchange had its headers.
          Objects.requireNonNull(listener).onFailure(new IOException("no answer from " + result.getRequest().getURI()));
        }
        return;
      }
      if (state == PENDING && notReceived(result)) {
        sent = false;
        if (Redelivery.resendOnSameEndpoint(resends)) {
          // Not from inside Jetty's handling of the failed connection: it has yet to finish with it.
          try {
            http.getExecutor().execute(() -> {
              if (!resend()) {
                fail(t);
              }
            });
            return;
          } catch (RuntimeException rejected) {
            // The client is stopping: no resend.
          }
        }
      }
      fail(t);
    }

    private void fail(Throwable t) {
      IOException e = ioException(t);
      if (failure == null) {
        failure = e;
      }
      if (STATE.compareAndSet(this, PENDING, FAILED)) {
        Objects.requireNonNull(listener).onFailure(e);
      }
    }

    /**
     * Whether the request failed the way a pooled connection closed by the endpoint fails it before
     * the endpoint could read it: on a connection that had carried earlier exchanges, before its
     * body was all handed to the connection (Jetty counts the bytes out of each write as it starts
     * it, so fewer than the body's length means part of it never went out), before any byte of the
     * answer, with an I/O error rather than a timeout, and not because this call was cancelled or
     * closed. Jetty's own request failure will not do: it also fails a request written whole whose
     * connection closed before Jetty had noted the write's success.
     */
    private boolean notReceived(Result result) {
      org.eclipse.jetty.io.Connection c = connection;
      byte[] body = spec.body();
      Throwable t = result.getFailure();
      if (failure != null || c == null || body == null || !(t instanceof IOException)) {
        return false;
      }
      boolean bodyNotOut = c.getBytesOut() - bytesOutAtBegin < body.length;
      return Redelivery.notReceived(reusedConnection, bodyNotOut, c.getBytesIn() != bytesInAtBegin, t);
    }

    /**
     * Sends the request again, with the time left, after a stale pooled connection dropped it;
     * false when there is no time left or the call was cancelled meanwhile.
     */
    private boolean resend() {
      long timeoutNanos = 0;
      if (deadline != 0) {
        timeoutNanos = deadline - System.nanoTime();
        if (timeoutNanos <= 0) {
          return false;
        }
      }
      org.eclipse.jetty.client.Request next;
      try {
        next = newRequest(http, spec, timeoutNanos);
      } catch (RuntimeException e) {
        return false;
      }
      if (failure != null) {
        return false;
      }
      resends++;
      // The dropped send never reached a live connection: sent() tells of the new one.
      connection = null;
      reusedConnection = false;
      sent = false;
      int gen;
      synchronized (lock) {
        gen = ++generation;
      }
      // Sent before cancel() can see it, as in start(): Jetty drops a request aborted before it is sent.
      next.onRequestBegin(this).send(this);
      synchronized (lock) {
        if (gen == generation) {
          request = next;
        }
      }
      IOException f = failure;
      if (f != null) {
        next.abort(f); // cancelled while being sent, before cancel() could see this request
      }
      return true;
    }

    // Call.

    @Override
    public void start(Listener listener) {
      Objects.requireNonNull(listener, "listener");
      if (this.listener != null) {
        throw new IllegalStateException("already started");
      }
      this.listener = listener;
      IOException f = failure;
      if (f != null) {
        if (STATE.compareAndSet(this, PENDING, FAILED)) {
          listener.onFailure(f); // cancelled before it started
        }
        return;
      }
      // send() registers the call for each response event it listens to, content source included.
      org.eclipse.jetty.client.Request r = request();
      r.onRequestBegin(this).send(this);
      started = true;
      f = failure;
      if (f != null) {
        r.abort(f); // cancelled while being sent, before abort() could reach Jetty
      }
    }

    @Override
    public boolean sent() {
      return sent;
    }

    /**
     * Fails reads at once; the abort, which may call the listener, runs on the client's executor,
     * not on the cancelling thread (that may hold a lock the listener takes).
     */
    @Override
    public void cancel() {
      IOException e = new IOException("cancelled");
      if (failure == null) {
        failure = e;
      }
      // Jetty drops a request aborted before it is sent without a word, so a call not yet started
      // only keeps the failure; start() acts on it.
      if (started) {
        abortLater(e);
      }
    }

    /**
     * Aborts on the client's executor once no callback of this call runs. Jetty's HTTP/1.1 receiver
     * is still parsing while it calls back, and an abort it sees before it has returned clears its
     * network buffer, which a read in the callback may have handed back to the buffer pool and
     * another connection may have taken: that connection's input would be lost.
     */
    private void abortLater(IOException e) {
      Runnable abort = () -> {
        for (int i = 0; inCallback != null && i < 10_000; i++) {
          LockSupport.parkNanos(100_000); // callbacks do not block: this is short
        }
        request().abort(e);
      };
      try {
        http.getExecutor().execute(abort);
      } catch (RuntimeException rejected) {
        request().abort(e); // the client is stopping
      }
    }

    // Response.

    @Override
    public int status() {
      return status;
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
      HttpFields h = headers;
      for (int i = 0, n = h.size(); i < n; i++) {
        HttpField f = h.getField(i);
        action.accept(f.getName(), f.getValue());
      }
    }

    @Override
    public @Nullable String header(String name) {
      return headers.get(name);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return ended ? -1 : 0;
      }
      while (true) {
        if (ended) {
          return -1;
        }
        IOException f = failure;
        if (f != null) {
          releaseChunk();
          throw f;
        }
        Content.Chunk c = chunk;
        if (c == null) {
          c = source.read();
          if (c == null) {
            return 0;
          }
          Throwable t = c.getFailure();
          if (t != null) {
            IOException e = ioException(t);
            if (failure == null) {
              failure = e;
            }
            throw e;
          }
          chunk = c;
        }
        ByteBuffer buf = c.getByteBuffer();
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        if (!buf.hasRemaining()) {
          chunk = null;
          c.release();
          ended = c.isLast();
        }
        if (n > 0) {
          return n;
        }
      }
    }

    @Override
    public void demand(Runnable onReadable) {
      if (ended || chunk != null || failure != null) {
        onReadable.run();
      } else {
        // Run where Jetty has the bytes, without a hand-off to another thread: Transport's
        // contract says onReadable does not block.
        source.demand(Invocable.from(Invocable.InvocationType.NON_BLOCKING, () -> {
          Thread outer = inCallback;
          inCallback = Thread.currentThread();
          try {
            onReadable.run();
          } finally {
            inCallback = outer;
          }
        }));
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      // Closed from inside a callback (a client dropping an answer it will not use: a 503 it
      // retries, a hedge that lost) or while one runs: the abort waits for it (see abortLater).
      boolean calledBack = inCallback != null;
      if (chunk == null && !ended && failure == null) {
        // The end may be there unread (a body read to its last byte): then the connection is kept.
        Content.Chunk c = source.read();
        if (c != null) {
          ended = c.isLast() && c.getFailure() == null;
          c.release();
        }
      }
      releaseChunk();
      if (!ended) {
        IOException e = new IOException("closed");
        if (failure == null) {
          failure = e;
        }
        if (calledBack) {
          abortLater(e);
        } else {
          request().abort(e);
        }
      }
    }

    private void releaseChunk() {
      Content.Chunk c = chunk;
      if (c != null) {
        chunk = null;
        c.release();
      }
    }
  }

  /** A call whose request could not even be built (a malformed URL): it fails when started. */
  private static final class Unsendable implements Call {
    private final IOException failure;

    Unsendable(IOException failure) {
      this.failure = failure;
    }

    @Override
    public void start(Listener listener) {
      listener.onFailure(failure);
    }

    @Override
    public boolean sent() {
      return false;
    }

    @Override
    public void cancel() {
    }
  }

  /** The body before the answer is in; never read. */
  private static final Content.Source EMPTY = new Content.Source() {
    @Override
    public Content.Chunk read() {
      return Content.Chunk.EOF;
    }

    @Override
    public void demand(Runnable demandCallback) {
      demandCallback.run();
    }

    @Override
    public void fail(Throwable failure) {
    }
  };
}
