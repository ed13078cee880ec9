package io.modelrouter.server;

import io.modelrouter.http.Transport;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
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
    org.eclipse.jetty.client.Request r;
    try {
      r = http.newRequest(request.url()).method(request.method()).followRedirects(false);
    } catch (RuntimeException e) {
      return new Unsendable(new IOException("cannot send " + request + ": " + e.getMessage(), e));
    }
    r.headers(h -> request.forEachHeader(h::add));
    byte[] body = request.body();
    if (body != null) {
      r.body(new BytesRequestContent(request.contentType(), body));
    }
    long timeoutNanos = request.timeoutNanos();
    if (timeoutNanos > 0) {
      // Jetty counts in milliseconds, and 0 would mean no timeout at all. The call's idle timeout
      // gets the same value, so that the deadline alone bounds it however long the endpoint is silent.
      long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
      r.timeout(millis, TimeUnit.MILLISECONDS).idleTimeout(millis, TimeUnit.MILLISECONDS);
    }
    return new JettyCall(r);
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

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }

    /**
     * Makes and starts the client: HTTP/1.1, no redirects, no cookies, no content decoding (bodies
     * pass through as the endpoint sent them), no added {@code user-agent} or {@code content-type}.
     *
     * @throws IllegalStateException if the client cannot start
     */
    public JettyTransport build() {
      HttpClient http = new HttpClient();
      http.setName("modelrouter-transport");
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

    private final org.eclipse.jetty.client.Request request;
    private @Nullable Listener listener;
    /** Which of the listener's methods ran: PENDING, ANSWERED or FAILED; set once, by CAS. */
    private volatile int state;
    /** Whether {@link #start} has handed the request to Jetty. */
    private volatile boolean started;
    private volatile boolean sent;
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

    JettyCall(org.eclipse.jetty.client.Request request) {
      this.request = request;
    }

    // Jetty's events.

    @Override
    public void onBegin(org.eclipse.jetty.client.Request r) {
      // The request has a connection and is about to be written on it.
      sent = true;
    }

    @Override
    public void onContentSource(org.eclipse.jetty.client.Response response, Content.Source content) {
      status = response.getStatus();
      headers = response.getHeaders();
      source = content;
      if (STATE.compareAndSet(this, PENDING, ANSWERED)) {
        Objects.requireNonNull(listener).onResponse(this);
      }
    }

    @Override
    public void onComplete(Result result) {
      Throwable t = result.getFailure();
      if (t == null) {
        if (STATE.compareAndSet(this, PENDING, FAILED)) {
          // Not expected: a complete exchange had its headers.
          Objects.requireNonNull(listener).onFailure(new IOException("no answer from " + request.getURI()));
        }
        return;
      }
      IOException e = ioException(t);
      if (failure == null) {
        failure = e;
      }
      if (STATE.compareAndSet(this, PENDING, FAILED)) {
        Objects.requireNonNull(listener).onFailure(e);
      }
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
      request.onRequestBegin(this).send(this);
      started = true;
      f = failure;
      if (f != null) {
        request.abort(f); // cancelled while being sent, before abort() could reach Jetty
      }
    }

    @Override
    public boolean sent() {
      return sent;
    }

    @Override
    public void cancel() {
      abort(new IOException("cancelled"));
    }

    private void abort(IOException e) {
      if (failure == null) {
        failure = e;
      }
      // Jetty drops a request aborted before it is sent without a word, so a call not yet started
      // only keeps the failure; start() acts on it.
      if (started) {
        request.abort(e);
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
        source.demand(onReadable);
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (chunk == null && !ended && failure == null) {
        // The end may be there unread (a body read to its last byte): then the connection is kept.
        Content.Chunk c = source.read();
        if (c != null) {
          ended = c.isLast() && !c.hasRemaining() && c.getFailure() == null;
          c.release();
        }
      }
      releaseChunk();
      if (!ended) {
        abort(new IOException("closed"));
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
