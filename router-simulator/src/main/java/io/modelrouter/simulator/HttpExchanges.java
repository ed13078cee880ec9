package io.modelrouter.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The HTTP plumbing of a simulated server over the JDK's {@link HttpExchange}: bodies in and out, methods. */
final class HttpExchanges {

  private HttpExchanges() {}

  /** A route asked for with a method it does not take: {@link SimHandler} answers 405. */
  static final class MethodNotAllowed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MethodNotAllowed() {
      super(null, null, false, false);
    }
  }

  /** Throws {@link MethodNotAllowed} unless the method is GET or HEAD. */
  static void requireGet(String method) {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new MethodNotAllowed();
    }
  }

  /** Throws {@link MethodNotAllowed} unless the method is POST. */
  static void requirePost(String method) {
    if (!method.equals("POST")) {
      throw new MethodNotAllowed();
    }
  }

  static byte[] readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  /** Reads and drops the request body, so that the connection can carry the next exchange. */
  static void drain(HttpExchange ex) {
    try (InputStream in = ex.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // nothing to drain
    }
  }

  /** Sends a whole answer; no body for HEAD or an empty one; no Content-Type header when {@code contentType} is empty. */
  static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!contentType.isEmpty()) {
      ex.getResponseHeaders().set("Content-Type", contentType);
    }
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head || bytes.length == 0 ? -1 : bytes.length);
    if (!head && bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
