package io.modelrouter.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slow client: writes bytes to a socket one at a time at a fixed interval, as an attacker that
 * holds a connection with a trickling request head does, so a test can check that a server cuts
 * it off (a head timeout, a minimum rate) long before the bytes would all have arrived.
 *
 * <pre>{@code
 * try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
 *     TricklingClient slow = TricklingClient.start(s, head, Duration.ofMillis(100))) {
 *   // ... the server closes s; slow.sent() < head.length
 * }
 * }</pre>
 */
public final class TricklingClient implements AutoCloseable {

  private final ScheduledExecutorService writer;
  private final AtomicInteger sent = new AtomicInteger();

  private TricklingClient(Socket socket, byte[] bytes, Duration every) throws IOException {
    OutputStream out = socket.getOutputStream();
    byte[] copy = bytes.clone();
    writer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trickling-client");
      t.setDaemon(true);
      return t;
    });
    writer.scheduleAtFixedRate(() -> {
      int next = sent.get();
      if (next >= copy.length) {
        return;
      }
      try {
        out.write(copy[next]);
        out.flush();
        sent.incrementAndGet();
      } catch (IOException closed) {
        writer.shutdown(); // the server closed the connection: nothing more to send
      }
    }, 0, every.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Starts writing {@code bytes} to {@code socket}, the first at once, then one every {@code every}.
   *
   * @throws IllegalArgumentException if {@code every} is not positive
   * @throws IOException if the socket has no output stream (closed)
   */
  public static TricklingClient start(Socket socket, byte[] bytes, Duration every) throws IOException {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(bytes, "bytes");
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("every: " + every + " (expected: positive)");
    }
    return new TricklingClient(socket, bytes, every);
  }

  /** The bytes written so far. */
  public int sent() {
    return sent.get();
  }

  /** Stops writing (the socket stays open: its owner closes it). */
  @Override
  public void close() {
    writer.shutdownNow();
  }
}
