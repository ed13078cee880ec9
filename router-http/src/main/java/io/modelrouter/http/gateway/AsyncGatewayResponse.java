package io.modelrouter.http.gateway;

import io.modelrouter.http.BodySink;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The response {@link GatewayHandler#handleAsync} writes without blocking: headers first, then
 * {@link #status}, then the body in {@linkplain #write writes}, one at a time, the last one marked.
 * The exchange is over after the last write completes, or after {@link #abort}.
 */
public interface AsyncGatewayResponse extends BodySink {

  /** Sets a header, replacing earlier values of the same name. */
  void setHeader(String name, String value);

  /** Adds a header value, keeping earlier values of the same name. */
  void addHeader(String name, String value);

  /**
   * Sets the status and the body length; they go out with the headers on the first write.
   *
   * @param contentLength the body length, or -1 to stream it (chunked)
   */
  void status(int status, long contentLength);

  /**
   * {@inheritDoc} A failed write ends the exchange: the binding closes the connection, and
   * {@code done} still hears of it.
   */
  @Override
  void write(ByteBuffer bytes, boolean last, Consumer<@org.jspecify.annotations.Nullable Throwable> done);

  /**
   * Ends the exchange unfinished, after the endpoint's answer broke off midway: the binding closes
   * the connection so that the client sees a cut response, not a complete one. Harmless after the
   * exchange ended.
   */
  void abort(Throwable failure);

  /**
   * Asks to have {@code cancel} run should the client go away (close or reset its connection)
   * before the exchange ends, so that the work done for it stops: the handler asks once it
   * forwards the request, and then ends the exchange itself. Run at most once, on any thread;
   * harmless when late. The default never runs it, for a binding that cannot tell; such a client's
   * call then runs until its deadline or until a write to the client fails.
   */
  default void onClientGone(Runnable cancel) {}
}
