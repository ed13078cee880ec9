package io.modelrouter.http.gateway;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The response the {@link GatewayHandler} writes: headers first, then {@link #start} commits the
 * status and headers and returns the body stream, which the handler flushes chunk by chunk when
 * streaming and closes when done.
 */
public interface GatewayResponse {

  /** Sets a header before {@link #start}; a second call with the same name replaces it. */
  void setHeader(String name, String value);

  /**
   * Adds a header value before {@link #start}, keeping earlier values of the same name (such as
   * several {@code set-cookie} fields). The default replaces, like {@link #setHeader}; a binding
   * should override it.
   */
  default void addHeader(String name, String value) {
    setHeader(name, value);
  }

  /**
   * Commits the status and headers.
   *
   * @param contentLength the body length, or -1 to stream it (chunked)
   * @return the body stream; closing it ends the response
   */
  OutputStream start(int status, long contentLength) throws IOException;
}
