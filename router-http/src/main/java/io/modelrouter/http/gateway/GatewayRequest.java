package io.modelrouter.http.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One incoming HTTP request as the {@link GatewayHandler} sees it. A server binding implements it
 * over its own request type; the handler reads the body only after the caller is authenticated,
 * so an unauthenticated client never gets its body read.
 */
public interface GatewayRequest {

  /**
   * The largest first buffer a binding allocates for a body: 16 KiB, a large chat prompt. A body
   * grows from there by doubling as its bytes arrive, so that memory follows what was received,
   * never what a client declared in {@code Content-Length}.
   */
  int FIRST_BODY_BUFFER = 16 * 1024;

  /** The method in upper case, such as {@code POST}. */
  String method();

  /** The decoded path without the query string, such as {@code /v1/chat/completions}. */
  String path();

  /**
   * The path and query as the client sent them, still percent-encoded, such as {@code
   * /v2/models/my%20model/infer?trace=1}: what the gateway forwards. The default encodes {@link
   * #path()} again (no query); a binding that has the raw request target should override it.
   */
  default String pathAndQuery() {
    return RequestTarget.encodePath(path());
  }

  /**
   * The address the connection comes from (an IP literal), for the forwarded fields the gateway
   * adds ({@link ForwardedHeaders}); null when the binding does not know it, the default.
   */
  default @Nullable String remoteAddress() {
    return null;
  }

  /** The first value of a header, matched case-insensitively; null when absent. */
  @Nullable String header(String name);

  /** Every header name (any case), for forwarding. */
  List<String> headerNames();

  /**
   * Passes every header field to {@code action}, each value of a repeated field on its own, for
   * forwarding. The default reads {@link #headerNames()} and {@link #header}, so it passes only
   * the first value of each; a binding that can iterate its fields directly should override it.
   */
  default void forEachHeader(BiConsumer<String, String> action) {
    for (String name : headerNames()) {
      String value = header(name);
      if (value != null) {
        action.accept(name, value);
      }
    }
  }

  /** The declared body length, or -1 when unknown (chunked). */
  long contentLength();

  /** The body. Called at most once, and only after authentication. */
  InputStream body() throws IOException;

  /**
   * Reads the whole body, at most {@code maxBytes}, and hands it to {@code then}. A larger body is
   * handed on as null once what is left of it, up to {@code maxDiscardBytes} in all, was read and
   * dropped, so that a client that sends its whole body before reading sees the answer rather than
   * a reset; a body declared longer than that is not read at all. A body that stops arriving goes to
   * {@link BodyCallback#failed}.
   *
   * <p>The default reads {@link #body()} on the calling thread. An asynchronous binding reads without
   * blocking and calls back on its own thread, after this method may have returned.
   */
  default void readBody(long maxBytes, long maxDiscardBytes, BodyCallback then) throws IOException {
    byte[] body;
    try (InputStream in = body()) {
      body = BodyReader.read(in, contentLength(), maxBytes, then.budget());
      if (body == null) {
        BodyReader.discard(in, contentLength(), maxDiscardBytes);
      }
    } catch (IOException e) {
      then.failed(e);
      return;
    }
    then.body(body);
  }

  /** Hears how {@link #readBody} went: exactly one method is called, once. */
  interface BodyCallback {
    /** The body, or null when it is larger than the limit. */
    void body(byte @Nullable [] body) throws IOException;

    /**
     * The body did not arrive: the client stopped sending or went away, or ({@link
     * BodyBudget.Exhausted}) the gateway is reading as many bytes as it may at once.
     */
    void failed(IOException failure) throws IOException;

    /** What the body's buffers are reserved from while it is read; unlimited by default. */
    default BodyBudget budget() {
      return BodyBudget.unlimited();
    }
  }
}
