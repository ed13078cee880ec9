package io.modelrouter.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A kept-alive HTTP/1.1 connection to a server on 127.0.0.1 that the server has served once
 * ({@code GET /healthz}, answered 200), so the server has seen it open: what a test of connection
 * caps and idle or head timeouts starts from.
 */
public final class ServedConnection {

  private ServedConnection() {}

  /** Opens the connection, with a 5 s read timeout, and has {@code GET /healthz} answered on it;
   * an {@link AssertionError} when it is not answered 200. */
  public static Socket open(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(5_000);
    s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    byte[] buf = new byte[1024];
    int n = s.getInputStream().read(buf);
    String answer = new String(buf, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
    if (!answer.startsWith("HTTP/1.1 200")) {
      s.close();
      throw new AssertionError("GET /healthz on port " + port + " was not answered 200: " + answer);
    }
    return s;
  }
}
