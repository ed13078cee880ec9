package io.modelrouter.http;

import io.modelrouter.Decision;
import io.modelrouter.Lease;
import io.modelrouter.Outcome;
import io.modelrouter.Ticker;
import io.modelrouter.registry.Endpoint;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An endpoint's answer, streaming: status and headers (hop-by-hop fields dropped; the request id
 * and the chosen endpoint added) are here at once, the body is read from {@link #body()} as it
 * arrives, chunk by chunk, never buffered whole.
 *
 * <p>Reading the body to its end completes the router's lease with the status, the latency, the
 * time to first byte and the tokens of the usage object or final stream chunk. {@link #close()}
 * before the end cancels the call and completes the lease as cancelled. Always close it (it is
 * {@link Closeable}); closing twice is harmless. Not thread-safe: one reader.
 *
 * <p>A response dropped unread and unclosed would keep its endpoint's in-flight count up for
 * good and skew routing. When the garbage collector finds one, its call is cancelled, its lease
 * completed as cancelled and a warning logged; that may take long, so close every response.
 */
public final class ProxyResponse implements Closeable {

  private final Decision decision;
  private final int status;
  private final Transport.Response upstream;
  private final String served;
  private @Nullable Map<String, List<String>> headers;
  private final int attempts;
  private final boolean hedged;
  private final long headersNanos;
  private final String requestId;
  private final Body body;
  private final @Nullable String route;

  /**
   * @param served the endpoint's host:port for {@value RoutingClient#ENDPOINT_SERVED_HEADER}
   * @param route the model route the request named, for {@value RoutingClient#ROUTE_HEADER}; null when none
   */
  ProxyResponse(Decision decision, Transport.Call call, Transport.Response response, Ticker ticker, int attempts,
      boolean hedged, long headersNanos, String requestId, String served, @Nullable String route) {
    this.route = route;
    this.decision = decision;
    this.status = response.status();
    this.upstream = response;
    this.served = served;
    this.attempts = attempts;
    this.hedged = hedged;
    this.headersNanos = headersNanos;
    this.requestId = requestId;
    boolean success = status >= 200 && status < 300;
    if (!success) {
      // The status says all the router needs; the body still passes through to the client.
      decision.lease().complete(Outcome.ofStatus(status));
    }
    this.body = new Body(call, response, decision.lease(), ticker, success, decision.endpoint().id());
  }

  /** Tells {@code observation} when the body ends, fails or is closed (observability hook). */
  void observe(ForwardingObserver.Observation observation) {
    body.onEnd = failure -> observation.completed(this, failure);
  }

  /** The endpoint's HTTP status. */
  public int status() {
    return status;
  }

  /** Response headers by lower-case name, ready for the client. */
  public Map<String, List<String>> headers() {
    Map<String, List<String>> h = headers;
    if (h == null) {
      // Built on demand: a gateway copies them with forEachHeader instead.
      h = HeaderRules.multimap(this::forEachHeader);
      headers = h;
    }
    return h;
  }

  /**
   * Passes each response header for the client to {@code action}, in order, names in lower case:
   * the endpoint's (hop-by-hop fields dropped), then {@value RoutingClient#REQUEST_ID_HEADER},
   * {@value RoutingClient#ENDPOINT_SERVED_HEADER}, {@value RoutingClient#ENDPOINT_ID_HEADER},
   * {@value RoutingClient#MODEL_SERVED_HEADER} and, for a model route, {@value
   * RoutingClient#ROUTE_HEADER}. The same fields as {@link #headers()}, without building a map.
   */
  public void forEachHeader(BiConsumer<String, String> action) {
    HeaderRules.incoming(upstream, (name, value) -> {
      if (!isOurs(name)) {
        action.accept(name, value);
      }
    });
    action.accept(RoutingClient.REQUEST_ID_HEADER, requestId);
    action.accept(RoutingClient.ENDPOINT_SERVED_HEADER, served);
    action.accept(RoutingClient.ENDPOINT_ID_HEADER, decision.endpoint().id());
    action.accept(RoutingClient.MODEL_SERVED_HEADER, decision.model().key());
    if (route != null) {
      action.accept(RoutingClient.ROUTE_HEADER, route);
    }
  }

  private static boolean isOurs(String name) {
    return name.equals(RoutingClient.REQUEST_ID_HEADER) || name.equals(RoutingClient.ENDPOINT_SERVED_HEADER)
        || name.equals(RoutingClient.ENDPOINT_ID_HEADER) || name.equals(RoutingClient.MODEL_SERVED_HEADER)
        || name.equals(RoutingClient.ROUTE_HEADER);
  }

  /** The first value of a header by case-insensitive name, or null. */
  public @Nullable String header(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    switch (n) {
      case RoutingClient.REQUEST_ID_HEADER:
        return requestId;
      case RoutingClient.ENDPOINT_SERVED_HEADER:
        return served;
      case RoutingClient.ENDPOINT_ID_HEADER:
        return decision.endpoint().id();
      case RoutingClient.MODEL_SERVED_HEADER:
        return decision.model().key();
      case RoutingClient.ROUTE_HEADER:
        return route;
      default:
        return HeaderRules.incomingValue(upstream, n);
    }
  }

  /** Whether the body is a server-sent event stream (copy it with a flush per chunk). */
  public boolean isEventStream() {
    String ct = header("content-type");
    return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
  }

  /** The body as it arrives; read it to the end or close it. */
  public InputStream body() {
    return body;
  }

  /**
   * Copies the body to {@code out} as it arrives, flushing after each chunk of an event stream,
   * then closes this response.
   *
   * @return the bytes copied
   */
  public long transferTo(OutputStream out) throws IOException {
    boolean flushEach = isEventStream();
    // A small answer of known length needs no 16 KiB buffer (one more byte reads the end).
    long length = flushEach ? -1 : contentLength();
    byte[] buf = new byte[length >= 0 && length < 16 * 1024 ? (int) length + 1 : 16 * 1024];
    long total = 0;
    try {
      for (int n; (n = body.read(buf, 0, buf.length)) >= 0; ) {
        out.write(buf, 0, n);
        total += n;
        if (flushEach) {
          out.flush();
        }
      }
      out.flush();
    } finally {
      close();
    }
    return total;
  }

  /**
   * Copies the body to {@code sink} as it arrives without blocking a thread on the endpoint (with
   * an asynchronous {@link Transport}; a blocking one blocks the thread that reads), then calls
   * {@code done} once: with null when the last bytes were written, or with the failure of the
   * endpoint's body or of a write. A body of known length goes in as few writes as it arrives in,
   * the end included; anything else (a stream) is written as each chunk arrives. The lease
   * completes as with {@link #body()}; a failed write closes this response.
   */
  public void transferTo(BodySink sink, Consumer<@Nullable Throwable> done) {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(done, "done");
    new Copy(sink, done).run();
  }

  /** The endpoint's Content-Length, or -1 when it sent none (a stream) or one that is not a number. */
  public long contentLength() {
    String v = upstream.header("content-length");
    if (v == null) {
      return -1;
    }
    try {
      return Math.max(Long.parseLong(v.trim()), -1);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The routing decision whose endpoint answered. */
  public Decision decision() {
    return decision;
  }

  /** The endpoint that answered. */
  public Endpoint endpoint() {
    return decision.endpoint();
  }

  /** How many attempts were sent, the answering one included. */
  public int attempts() {
    return attempts;
  }

  /** Whether the answer came from a hedged copy. */
  public boolean hedged() {
    return hedged;
  }

  /** Time from the answering attempt's routing decision to its response headers, in nanoseconds. */
  public long headersNanos() {
    return headersNanos;
  }

  /** Time from the routing decision to the first body byte, or -1 before it arrived. */
  public long firstByteNanos() {
    return body.firstByteNanos;
  }

  /**
   * The prompt tokens of the answer's usage object or final stream chunk, once the body was read
   * to its end; -1 before that, or when the answer reported none.
   */
  public int promptTokens() {
    return body.promptTokens;
  }

  /** The completion tokens, like {@link #promptTokens()}; 0 for answers without any (embeddings). */
  public int completionTokens() {
    return body.completionTokens;
  }

  /** The request id sent to the endpoint and returned to the client. */
  public String requestId() {
    return requestId;
  }

  /** Stops reading: cancels the call if the body was not read to its end. */
  @Override
  public void close() {
    body.close();
  }

  /**
   * Cancels the call from any thread while another one reads the body, as a gateway does when the
   * client the answer is for went away: unless the body already ended, the lease completes as
   * cancelled, and reads (a blocked one, or a copy waiting for more) fail from then on. The reader
   * still ends with {@link #close()} or a failed read. Harmless after the end and when repeated.
   */
  public void cancel() {
    body.cancel();
  }

  @Override
  public String toString() {
    return "ProxyResponse{" + status + " from " + decision.endpoint().id() + ", attempts=" + attempts
        + (hedged ? ", hedged" : "") + '}';
  }

  /** Finds bodies dropped with their lease still open; one daemon thread, started on first use. */
  private static final class Leaks {
    static final Cleaner CLEANER = Cleaner.create(r -> {
      Thread t = new Thread(r, "modelrouter-response-leaks");
      t.setDaemon(true);
      return t;
    });
  }

  /** What a dropped body leaves to do; holds no reference to the body itself. */
  private static final class Leaked implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ProxyResponse.class);
    private final Lease lease;
    private final Transport.Call call;
    private final Transport.Response response;
    private final String endpointId;

    Leaked(Lease lease, Transport.Call call, Transport.Response response, String endpointId) {
      this.lease = lease;
      this.call = call;
      this.response = response;
      this.endpointId = endpointId;
    }

    @Override
    public void run() {
      // Also run by the body's own end or close, after it completed the lease: nothing to do then.
      if (lease.complete(Outcome.cancelled())) {
        call.cancel();
        response.close();
        log.warn("a ProxyResponse from endpoint {} was dropped without being read to its end or closed; "
            + "its call is cancelled and its lease completed as cancelled. Close every ProxyResponse.", endpointId);
      }
    }
  }

  /**
   * The body stream: counts the first byte, keeps the tail for usage, completes the lease at the
   * end. Reads block, also on a transport that does not: they wait for its demand signal.
   */
  private static final class Body extends InputStream {
    private final Transport.Call call;
    private final Transport.Response response;
    private final Lease lease;
    private final Ticker ticker;
    private final boolean completeAtEnd;
    /** Kept for 2xx answers only, the ones whose usage counts. */
    private final @Nullable UsageTail tail;
    private long firstByteNanos = -1;
    private int promptTokens = -1;
    private int completionTokens = -1;
    private volatile boolean finished;
    /** Set by {@link #cancel()}, from any thread. */
    private volatile boolean cancelled;
    /** Told once when the body ended (null), failed or was closed early; set before the body is read. */
    volatile @Nullable Consumer<@Nullable Throwable> onEnd;
    /** Registered while the lease waits for the end of the body, to complete it should the body be dropped. */
    private final Cleaner.@Nullable Cleanable leak;

    Body(Transport.Call call, Transport.Response response, Lease lease, Ticker ticker, boolean completeAtEnd,
        String endpointId) {
      this.call = call;
      this.response = response;
      this.lease = lease;
      this.ticker = ticker;
      this.completeAtEnd = completeAtEnd;
      this.tail = completeAtEnd ? new UsageTail() : null;
      this.leak = completeAtEnd ? Leaks.CLEANER.register(this, new Leaked(lease, call, response, endpointId)) : null;
    }

    /** Called once the lease is complete: the body can no longer leak it. */
    private void unregister() {
      if (leak != null) {
        leak.clean();
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return finished ? -1 : 0;
      }
      int n;
      while ((n = readNow(b, off, len)) == 0) {
        awaitReadable();
      }
      return n;
    }

    /** Waits for the transport's signal that a read has something to give. */
    private void awaitReadable() throws IOException {
      CountDownLatch readable = new CountDownLatch(1);
      response.demand(readable::countDown);
      try {
        readable.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException failure = new InterruptedIOException("interrupted while reading the body");
        fail(failure);
        throw failure;
      }
    }

    /**
     * Reads what the transport has now: bytes read, -1 at the end (the lease then completes), or 0
     * when none are there yet.
     */
    int readNow(byte[] b, int off, int len) throws IOException {
      if (finished) {
        return -1;
      }
      int n;
      try {
        n = response.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        fail(e);
        throw e;
      }
      if (n < 0) {
        finish();
        return -1;
      }
      if (n > 0) {
        if (firstByteNanos < 0) {
          firstByteNanos = Math.max(ticker.nanoTime() - lease.startNanos(), 0);
        }
        if (tail != null) {
          tail.append(b, off, n);
        }
      }
      return n;
    }

    private void finish() {
      finished = true;
      if (completeAtEnd && tail != null) {
        Outcome o = Outcome.ofStatus(response.status());
        if (firstByteNanos >= 0) {
          o = o.withTtftNanos(firstByteNanos);
        }
        long usage = tail.usage();
        if (UsageTail.prompt(usage) >= 0) {
          promptTokens = UsageTail.prompt(usage);
          completionTokens = UsageTail.completion(usage);
          o = o.withTokens(promptTokens, completionTokens);
        }
        lease.complete(o);
      }
      response.close();
      unregister();
      ended(null);
    }

    private void ended(@Nullable Throwable failure) {
      Consumer<@Nullable Throwable> end = onEnd;
      if (end != null) {
        onEnd = null;
        end.accept(failure);
      }
    }

    private void fail(Exception e) {
      if (finished) {
        return; // closed while a read was blocked: the lease is complete already
      }
      finished = true;
      // After cancel() the lease is complete already, as cancelled: the endpoint is not blamed.
      lease.complete(e instanceof InterruptedIOException ? Outcome.timeout() : Outcome.failure());
      response.close();
      unregister();
      ended(cancelled ? new CancellationException("the call was cancelled") : e);
    }

    /** See {@link ProxyResponse#cancel()}: the reader hears of it as a failed read. */
    void cancel() {
      if (!finished) {
        cancelled = true;
        lease.complete(Outcome.cancelled());
        call.cancel();
      }
    }

    @Override
    public void close() {
      if (!finished) {
        finished = true;
        call.cancel();
        lease.complete(Outcome.cancelled());
        ended(new CancellationException("the body was closed before its end"));
      }
      response.close();
      unregister();
    }
  }

  /**
   * Copies the body to an asynchronous sink, reading only what has arrived: one step reads until
   * the transport has nothing more for now, then writes it or waits for the transport's demand
   * signal; the write's or the signal's completion runs the next step. The steps never nest, on
   * whichever thread they complete.
   */
  private final class Copy implements Runnable {
    private final BodySink sink;
    private final Consumer<@Nullable Throwable> done;
    private final long expected;
    private final byte[] buf;
    private final AtomicInteger pending = new AtomicInteger();
    private long total;
    private volatile @Nullable Throwable writeFailure;
    private volatile boolean lastWritten;
    private final Consumer<@Nullable Throwable> onWritten = this::written;

    Copy(BodySink sink, Consumer<@Nullable Throwable> done) {
      this.sink = sink;
      this.done = done;
      this.expected = isEventStream() ? -1 : contentLength();
      this.buf = new byte[expected >= 0 && expected < 16 * 1024 ? (int) expected + 1 : 16 * 1024];
    }

    /** Runs steps until one waits for a write or the transport; a completion that comes meanwhile runs one more. */
    @Override
    public void run() {
      if (pending.getAndIncrement() != 0) {
        return;
      }
      do {
        step();
      } while (pending.decrementAndGet() != 0);
    }

    private void written(@Nullable Throwable failure) {
      writeFailure = failure;
      run();
    }

    /** Starts one asynchronous operation (a write or a demand) or ends the copy. */
    private void step() {
      Throwable failure = writeFailure;
      if (failure != null) {
        close();
        done.accept(failure);
        return;
      }
      if (lastWritten) {
        done.accept(null);
        return;
      }
      int filled = 0;
      while (true) {
        int n;
        try {
          n = body.readNow(buf, filled, buf.length - filled);
        } catch (IOException | RuntimeException e) {
          done.accept(e);
          return;
        }
        if (n < 0) {
          lastWritten = true;
          sink.write(ByteBuffer.wrap(buf, 0, filled), true, onWritten);
          return;
        }
        if (n == 0) {
          if (filled == 0) {
            upstream.demand(this);
          } else {
            sink.write(ByteBuffer.wrap(buf, 0, filled), false, onWritten);
          }
          return;
        }
        filled += n;
        total += n;
        // A known length: read on until the end, to send it with the last bytes in one write.
        if (expected >= 0 && (total >= expected || filled < buf.length)) {
          continue;
        }
        sink.write(ByteBuffer.wrap(buf, 0, filled), false, onWritten);
        return;
      }
    }
  }
}
