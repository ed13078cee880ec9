package io.modelrouter.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * Limits what a client can hold before it has sent a request head (slow-header, "slowloris"
 * clients): a request head must arrive whole within the head timeout of its first byte, however
 * steadily its bytes trickle in (the idle timeout restarts on every byte, so it cannot see this);
 * and one client address may hold at most so many connections at once, so that a few slow clients
 * cannot take every connection the gateway allows. A connection over either limit is closed.
 *
 * <p>Watches connections with a periodic sweep on the server's scheduler: a head's deadline is kept
 * to within a quarter of the timeout. A keep-alive connection waiting silently for its next request
 * is left to the idle timeout.
 */
final class ConnectionGuard extends AbstractLifeCycle implements Connection.Listener {

  private final Scheduler scheduler;
  private final long headTimeoutNanos;
  private final int maxPerAddress;
  private final long periodMillis;
  private final Map<Connection, Watch> watched = new ConcurrentHashMap<>();
  private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private volatile Scheduler.@Nullable Task task;

  /**
   * @param headTimeout the longest a request head may take from its first byte; zero for none
   * @param maxPerAddress the most connections from one address; 0 for no limit
   */
  ConnectionGuard(Scheduler scheduler, Duration headTimeout, int maxPerAddress) {
    this.scheduler = scheduler;
    this.headTimeoutNanos = headTimeout.toNanos();
    this.maxPerAddress = maxPerAddress;
    this.periodMillis = Math.max(50, Math.min(1000, headTimeout.toMillis() / 4));
  }

  /** One connection's progress as last seen. */
  private static final class Watch {
    final @Nullable InetAddress address;
    long lastMessagesIn;
    long bytesWhenIdle;
    long headStartedAt;
    boolean headStarted;

    Watch(@Nullable InetAddress address) {
      this.address = address;
    }
  }

  @Override
  public void onOpened(Connection connection) {
    InetAddress address = addressOf(connection.getEndPoint().getRemoteSocketAddress());
    watched.put(connection, new Watch(address));
    if (address != null && maxPerAddress > 0
        && perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet() > maxPerAddress) {
      connection.close();
    }
  }

  @Override
  public void onClosed(Connection connection) {
    Watch w = watched.remove(connection);
    if (w != null && w.address != null && maxPerAddress > 0) {
      perAddress.computeIfPresent(w.address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  private static @Nullable InetAddress addressOf(@Nullable SocketAddress remote) {
    return remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getAddress() : null;
  }

  @Override
  protected void doStart() {
    if (headTimeoutNanos > 0) {
      schedule();
    }
  }

  @Override
  protected void doStop() {
    Scheduler.Task t = task;
    if (t != null) {
      t.cancel();
    }
  }

  private void schedule() {
    task = scheduler.schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<Connection, Watch> e : watched.entrySet()) {
      check(e.getKey(), e.getValue(), now);
    }
    if (isRunning()) {
      schedule();
    }
  }

  private void check(Connection c, Watch w, long now) {
    long in = c.getMessagesIn();
    long bytes = c.getBytesIn();
    if (in != c.getMessagesOut() || in != w.lastMessagesIn) {
      // A request is being served, or one was since the last look: the next head starts from here.
      w.lastMessagesIn = in;
      w.bytesWhenIdle = bytes;
      w.headStarted = false;
      return;
    }
    if (bytes <= w.bytesWhenIdle) {
      return; // silent between requests: the idle timeout's business
    }
    if (!w.headStarted) {
      w.headStarted = true;
      w.headStartedAt = now;
    } else if (now - w.headStartedAt >= headTimeoutNanos) {
      c.close();
    }
  }
}
