package io.modelrouter.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link RoutingClient} puts one attempt on the wire: sends a request to one endpoint and
 * reads the answer. The client keeps everything around it (routing, header hygiene, retries,
 * failover, hedging, deadlines, leases, usage), so a transport is only an HTTP client.
 *
 * <p>The default, {@link RoutingClient.Builder#okHttpClient OkHttp}, blocks a thread per call
 * while the endpoint works. {@code router-server} has one on Jetty's asynchronous client, which
 * the standalone gateway uses: no thread waits on an endpoint there.
 *
 * <p>Failures are {@link IOException}s: a timeout an {@link InterruptedIOException}, a connection
 * that could not be opened a {@link ConnectException}, so that the client can tell what is safe
 * to retry.
 */
public interface Transport extends AutoCloseable {

  /** Prepares one attempt; nothing is sent before the call is started or executed. */
  Call call(Request request);

  /** Releases what the transport made itself (threads, connections); one it was given stays open. */
  @Override
  void close();

  /** One attempt on the wire: started or executed once, by one of the two methods. */
  interface Call {
    /**
     * Starts sending. Calls exactly one of the listener's methods, once, on any thread, possibly
     * before this method returns.
     */
    void start(Listener listener);

    /**
     * Sends and waits for the answer's status and headers. The default waits on {@link #start};
     * a blocking transport answers on the caller's thread.
     */
    default Response execute() throws IOException {
      Waiter w = new Waiter();
      start(w);
      return w.await(this);
    }

    /**
     * Whether the endpoint may have received the request: true once it started going out on a
     * connection, and false again when the transport proves it did not (a pooled connection that
     * failed while the request was still being written, before any answer; see
     * {@code internal.Redelivery}). An unsent request goes to another endpoint freely; a sent one,
     * which the endpoint may have run, at most once more, by the model's {@link RetryPolicy}.
     */
    boolean sent();

    /**
     * Stops the call: its listener gets a failure if no answer came yet (possibly on the calling
     * thread), and the body of an answer that did fails on its next read.
     */
    void cancel();
  }

  /** Hears how a call ended: exactly one method is called, once. */
  interface Listener {
    /** The answer's status and headers arrived; its body follows through {@link Response#read}. */
    void onResponse(Response response);

    /** No answer: the connection failed, the deadline passed or the call was cancelled. */
    void onFailure(IOException failure);
  }

  /**
   * What to send: built by the client for one attempt, read by the transport. Immutable; the
   * arrays are not copied.
   */
  final class Request {
    private final String url;
    private final String method;
    private final String[] headers;
    private final byte @Nullable [] body;
    private final @Nullable String contentType;
    private final long timeoutNanos;

    /**
     * @param headers lower-case names and values, alternating
     * @param timeoutNanos the time left for the call, or 0 for none
     */
    public Request(String url, String method, String[] headers, byte @Nullable [] body, @Nullable String contentType,
        long timeoutNanos) {
      this.url = Objects.requireNonNull(url, "url");
      this.method = Objects.requireNonNull(method, "method");
      this.headers = Objects.requireNonNull(headers, "headers");
      this.body = body;
      this.contentType = contentType;
      this.timeoutNanos = timeoutNanos;
    }

    /** The endpoint URL: its base URL and the request's path and query. */
    public String url() {
      return url;
    }

    /** The HTTP method. */
    public String method() {
      return method;
    }

    /**
     * Passes the fields to send, in order, names in lower case. Hop-by-hop fields, {@code host} and
     * {@code content-length} are not among them: the transport sets those for its connection.
     */
    public void forEachHeader(BiConsumer<String, String> action) {
      for (int i = 0; i < headers.length; i += 2) {
        action.accept(headers[i], headers[i + 1]);
      }
    }

    /** The body, or null for a method without one ({@code GET}, {@code HEAD}); not a copy. */
    public byte @Nullable [] body() {
      return body;
    }

    /** The body's media type, or null. */
    public @Nullable String contentType() {
      return contentType;
    }

    /**
     * The time left for the whole call, answer body included, in nanoseconds, or 0 for no deadline
     * (the transport's own timeouts apply). Past it the call fails with an
     * {@link InterruptedIOException}.
     */
    public long timeoutNanos() {
      return timeoutNanos;
    }

    @Override
    public String toString() {
      return method + ' ' + url;
    }
  }

  /**
   * An answer: status and headers at once, the body read as it arrives. One reader; the client
   * reads it to its end or closes it.
   */
  interface Response {
    int status();

    /** Passes each header field, in order, as the endpoint sent it. */
    void forEachHeader(BiConsumer<String, String> action);

    /** The first value of a header by case-insensitive name, or null. */
    @Nullable String header(String name);

    /**
     * Reads body bytes into {@code b[off, off + len)}: how many were read, -1 at the end, or 0 when
     * none are there yet; then {@link #demand} says when to read again. A blocking transport waits
     * for bytes instead and never returns 0.
     */
    int read(byte[] b, int off, int len) throws IOException;

    /**
     * Runs {@code onReadable} once, when {@link #read} has bytes, the end or a failure to give. A
     * blocking transport runs it at once; an asynchronous one may run it on its I/O thread, so it
     * must not block.
     */
    void demand(Runnable onReadable);

    /** Ends the response: a connection read to its end goes back to the pool, any other is closed. */
    void close();
  }
}
