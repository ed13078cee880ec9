package io.modelrouter.simulator;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on 127.0.0.1 in front of a simulated server (or any HTTP/1.1 server) that plays
 * {@linkplain Fault network faults}: freezing, answering nothing, stalling or resetting a stream,
 * accepting without reading, dying of a request, the keep-alive race. Register its
 * {@link #baseUrl()} as the endpoint; {@link #fault(Fault)} changes the fault while it runs.
 *
 * <pre>{@code
 * try (SimServer sim = SimServer.openai("chat").start(); FaultProxy proxy = FaultProxy.to(sim.port()).start()) {
 *   proxy.fault(Fault.freeze());   // the endpoint at proxy.baseUrl() stops answering
 *   proxy.fault(Fault.none());     // and resumes
 * }
 * }</pre>
 *
 * <p>It reads requests as HTTP/1.1 with a {@code content-length} (or none), so that it knows where
 * each request ends; responses pass through as bytes. Two daemon threads per connection.
 * Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {

  private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
  private static final int MAX_HEADERS = 64 * 1024;

  private final int targetPort;
  private volatile Fault fault = Fault.none();
  private final Object frozen = new Object();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicInteger threads = new AtomicInteger();
  private final Object lifecycle = new Object();
  private @Nullable ServerSocket listener;
  private @Nullable Thread acceptor;
  private int port;
  private boolean closed;

  private FaultProxy(int targetPort) {
    this.targetPort = targetPort;
  }

  /** A proxy to the server on 127.0.0.1:{@code targetPort}; {@link #start()} it. */
  public static FaultProxy to(int targetPort) {
    if (targetPort < 1 || targetPort > 65535) {
      throw new IllegalArgumentException("targetPort: " + targetPort + " (expected: 1..65535)");
    }
    return new FaultProxy(targetPort);
  }

  /** Listens on a port the system chooses. */
  public FaultProxy start() throws IOException {
    return bind(0);
  }

  /** Listens again on the same port after {@link #kill()} or a {@link Fault#crashOnRequest() crash}. */
  public FaultProxy restart() throws IOException {
    return bind(port);
  }

  private FaultProxy bind(int bindPort) throws IOException {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("proxy is closed");
      }
      if (listener != null) {
        return this;
      }
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), bindPort), 1024);
      listener = s;
      port = s.getLocalPort();
      acceptor = daemon("accept", () -> accept(s));
      return this;
    }
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Plays {@code fault} from now on, on open connections and new ones; {@link Fault#none()} lifts it. */
  public FaultProxy fault(Fault fault) {
    this.fault = Objects.requireNonNull(fault, "fault");
    synchronized (frozen) {
      frozen.notifyAll();
    }
    return this;
  }

  /** The fault it plays. */
  public Fault fault() {
    return fault;
  }

  /** Requests read whole from clients, whether passed on or not. */
  public long requestCount() {
    return requests.get();
  }

  /** Whether it is listening. */
  public boolean isRunning() {
    synchronized (lifecycle) {
      return listener != null;
    }
  }

  /** Stops listening and resets every connection, as a crashed process; {@link #restart()} brings it back. */
  public void kill() {
    ServerSocket s;
    Thread a;
    synchronized (lifecycle) {
      s = listener;
      a = acceptor;
      listener = null;
      acceptor = null;
    }
    closeQuietly(s);
    if (a != null && a != Thread.currentThread()) {
      try {
        a.join(5000); // a socket closed under a thread blocked in accept() listens until it has left
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Socket socket : sockets) {
      reset(socket);
    }
  }

  /** Kills it for good. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      closed = true;
    }
    fault(Fault.none());
    kill();
  }

  @Override
  public String toString() {
    return "FaultProxy{" + port + " -> " + targetPort + ", " + fault + '}';
  }

  // ------------------------------------------------------------------ connections

  private void accept(ServerSocket s) {
    while (true) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException stopped) {
        return;
      }
      sockets.add(client);
      if (fault.kind() == Fault.Kind.ACCEPT_NEVER_READ) {
        continue; // held open, never read, until the proxy is killed or the client gives up
      }
      daemon("connection", () -> serve(client));
    }
  }

  /** One client connection: its requests go up on this thread, the answers come down on another. */
  private void serve(Socket client) {
    Socket upstream = new Socket();
    sockets.add(upstream);
    try (client; upstream) {
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
      Connection c = new Connection(client, upstream);
      daemon("answers", c::answers);
      c.requests();
    } catch (IOException | RuntimeException e) {
      // either side went away
    } finally {
      sockets.remove(client);
      sockets.remove(upstream);
    }
  }

  private final class Connection {
    final Socket client;
    final Socket upstream;
    /** Response bytes passed since the current request began. */
    final AtomicLong answered = new AtomicLong();

    Connection(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void requests() throws IOException {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = upstream.getOutputStream();
      for (int n = 1; ; n++) {
        byte[] head = readHeaders(in);
        if (head == null) {
          upstream.shutdownOutput();
          return;
        }
        awaitThaw();
        Fault f = fault;
        if (f.kind() == Fault.Kind.RESET_REUSED_WHILE_READING && n > 1) {
          fault(Fault.none());
          reset(client);
          return;
        }
        byte[] body = in.readNBytes(contentLength(head));
        requests.incrementAndGet();
        f = fault;
        switch (f.kind()) {
          case CRASH_ON_REQUEST -> {
            fault(Fault.none());
            kill();
            return;
          }
          case STOP_MID_REQUEST -> {
            in.transferTo(OutputStream.nullOutputStream()); // never answered; waits for the client to leave
            return;
          }
          default -> {
            answered.set(0);
            awaitThaw();
            out.write(head);
            out.write(body);
            out.flush();
          }
        }
      }
    }

    void answers() {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = upstream.getInputStream()) {
        OutputStream out = client.getOutputStream();
        for (int r; (r = in.read(buf)) >= 0; ) {
          awaitThaw();
          Fault f = fault;
          long before = answered.getAndAdd(r);
          int pass = r;
          boolean cut = f.kind() == Fault.Kind.RESET_AFTER_BYTES || f.kind() == Fault.Kind.STOP_MID_STREAM;
          if (cut && before + r > f.bytes()) {
            pass = (int) Math.max(0, f.bytes() - before);
          }
          out.write(buf, 0, pass);
          out.flush();
          if (pass < r) {
            if (f.kind() == Fault.Kind.RESET_AFTER_BYTES) {
              reset(client);
              return;
            }
            in.transferTo(OutputStream.nullOutputStream()); // stalled: nothing more reaches the client
            return;
          }
        }
        client.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  /** Waits while the proxy is frozen. */
  private void awaitThaw() {
    synchronized (frozen) {
      while (fault.kind() == Fault.Kind.FREEZE) {
        try {
          frozen.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** A request's header block, CRLFCRLF included, or null at the end of the connection. */
  private static byte @Nullable [] readHeaders(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int matched = 0;
    while (matched < HEADERS_END.length) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new IOException("connection closed inside a request's headers");
      }
      head.write(b);
      matched = b == HEADERS_END[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEADERS) {
        throw new IOException("request headers too large");
      }
    }
    return head.toByteArray();
  }

  private static int contentLength(byte[] head) {
    for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  private Thread daemon(String role, Runnable r) {
    Thread t = new Thread(r, "fault-proxy-" + port + "-" + role + "-" + threads.incrementAndGet());
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Closes with a TCP reset rather than a clean close. */
  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // closing anyway
    }
    closeQuietly(s);
  }

  private static void closeQuietly(@Nullable AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // nothing more to do
      }
    }
  }
}
