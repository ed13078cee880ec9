package io.modelrouter.registry.etcd;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real etcd server for tests, from the {@code etcd} binary of Debian's {@code etcd-server}
 * package: one member on 127.0.0.1, free ports, a temporary data directory removed on {@link
 * #close()}. {@link #stop()} and {@link #start()} restart it on the same ports and data.
 *
 * <p>When no binary is found the calling test is skipped with a message saying how to install it,
 * except when {@code CI=true}: there a missing etcd fails the test, so that CI never passes by
 * skipping (.ci/run installs it through .ci/install-etcd).
 */
public final class EtcdServer implements AutoCloseable {

  private static final List<String> CANDIDATES = List.of("/usr/bin/etcd", "/usr/local/bin/etcd");

  private final String binary;
  private final Path dir;
  private final int clientPort;
  private final int peerPort;
  private @Nullable Process process;

  private EtcdServer(String binary, Path dir, int clientPort, int peerPort) {
    this.binary = binary;
    this.dir = dir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
  }

  /** Starts a fresh etcd, or skips (fails on CI) the calling test when etcd is not installed. */
  public static EtcdServer startOrSkip() throws IOException, InterruptedException {
    String binary = findBinary();
    if (binary == null) {
      String message = "etcd is not installed: these tests need a real etcd server; "
          + "install it with .ci/install-etcd (Debian package etcd-server)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message + " (CI=true: not skipping)");
      }
      Assumptions.abort(message);
    }
    EtcdServer server = new EtcdServer(binary, Files.createTempDirectory("modelrouter-etcd-"), freePort(), freePort());
    server.start();
    return server;
  }

  /** The client URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + clientPort;
  }

  /** Starts (or restarts) the member on its ports and data directory; returns once it is healthy. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    String peer = "http://127.0.0.1:" + peerPort;
    ProcessBuilder pb = new ProcessBuilder(
        binary,
        "--name", "test",
        "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", url(),
        "--advertise-client-urls", url(),
        "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "test=" + peer,
        // Progress notifications every second, so watches can show they are synced.
        "--experimental-watch-progress-notify-interval", "1s");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()));
    process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("etcd exited with " + process.exitValue() + ": " + log());
      }
      if (healthy()) {
        return;
      }
      Thread.sleep(50);
    }
    stop();
    throw new IllegalStateException("etcd did not become healthy within 20 s: " + log());
  }

  /** Stops the member (SIGTERM, then SIGKILL after 5 s); data stays for {@link #start()}. */
  public synchronized void stop() throws InterruptedException {
    Process p = process;
    process = null;
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** Stops the member and deletes its data directory. */
  @Override
  public void close() throws InterruptedException, IOException {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private boolean healthy() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/health").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(1000);
      try {
        return c.getResponseCode() == 200
            && new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("\"true\"");
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private String log() {
    try {
      String text = Files.readString(dir.resolve("etcd.log"));
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static @Nullable String findBinary() {
    for (String c : CANDIDATES) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(d, "etcd");
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
