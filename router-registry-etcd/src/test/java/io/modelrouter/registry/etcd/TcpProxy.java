package io.modelrouter.registry.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of a local port, which a test can {@link #cut()} (every
 * connection reset, new ones reset as soon as they are accepted) and {@link #heal()}: a network
 * partition between a router and etcd while etcd itself keeps running.
 *
 * <p>The proxy keeps its port bound while cut. A freed port could be taken by another listener, or
 * a client could connect to itself on it, and either would let a "cut" client reach a server.
 */
final class TcpProxy implements AutoCloseable {

  private final int targetPort;
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean cut;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "tcp-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Resets every connection, and every new one once accepted. */
  synchronized void cut() {
    cut = true;
    for (Socket socket : sockets) {
      reset(socket);
    }
    sockets.clear();
  }

  /** Passes new connections through again. */
  synchronized void heal() {
    cut = false;
  }

  @Override
  public void close() throws IOException {
    cut();
    server.close();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        synchronized (this) {
          if (cut) {
            reset(client);
            continue;
          }
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          sockets.add(client);
          sockets.add(upstream);
          pump(client, upstream);
          pump(upstream, client);
        }
      } catch (IOException e) {
        // the server socket closed, or the target refused: the client sees its connection end
      }
    }
  }

  /** Closes with an RST rather than a FIN, as a dropped connection looks to its peer. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // already closed
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side closed
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }
}
