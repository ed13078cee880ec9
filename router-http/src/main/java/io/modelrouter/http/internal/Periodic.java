package io.modelrouter.http.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs a round of work again and again: the next round starts {@code interval} (with random
 * jitter) after the previous round finished, so rounds never overlap and a slow fleet is never
 * probed faster than it answers. One daemon thread.
 */
public final class Periodic implements AutoCloseable {

  private final String name;
  private final Supplier<java.util.concurrent.CompletableFuture<?>> round;
  private final long intervalNanos;
  private final double jitter;
  private final Object lock = new Object();
  private @Nullable ScheduledExecutorService timer;

  /**
   * @param jitter the share of the interval added or removed at random, between 0 and 1
   */
  public Periodic(String name, Duration interval, double jitter, Supplier<java.util.concurrent.CompletableFuture<?>> round) {
    this.name = name;
    this.round = round;
    this.intervalNanos = interval.toNanos();
    this.jitter = jitter;
  }

  /** Starts the rounds, the first one at once; does nothing when started already. */
  public void start() {
    synchronized (lock) {
      if (timer != null) {
        return;
      }
      ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon(name));
      t.setRemoveOnCancelPolicy(true);
      timer = t;
      t.execute(this::runRound);
    }
  }

  private void runRound() {
    java.util.concurrent.CompletableFuture<?> f;
    try {
      f = round.get();
    } catch (RuntimeException e) {
      f = java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    f.whenComplete((r, e) -> scheduleNext());
  }

  private void scheduleNext() {
    synchronized (lock) {
      if (timer == null || timer.isShutdown()) {
        return;
      }
      double spread = jitter == 0 ? 0 : (java.util.concurrent.ThreadLocalRandom.current().nextDouble() * 2 - 1) * jitter;
      long delay = Math.max(1, (long) (intervalNanos * (1 + spread)));
      timer.schedule(this::runRound, delay, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (timer != null) {
        timer.shutdownNow();
        timer = null;
      }
    }
  }

  /** A factory of named daemon threads. */
  public static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = Executors.defaultThreadFactory().newThread(r);
      t.setName(prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
