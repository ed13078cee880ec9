package io.modelrouter.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * Starts the {@link ClientWatch} of a forwarded request only once it has waited on its endpoint for
 * {@link #DELAY_MILLIS}: a watch asks the selector to report the client's connection readable,
 * which costs a selector wake-up and a thread hand-off, and most requests are answered before it
 * could ever fire. A client that goes away while its request waits is still noticed, at most
 * about twice the delay late, and its upstream call cancelled.
 *
 * <p>Asking is a lock-free enqueue; a periodic sweep on the server's scheduler starts the watches
 * that are due, oldest first, and drops those whose exchange has ended. An ended exchange stays
 * queued until its sweep, so the queue holds at most about two delays' worth of requests.
 */
final class DeferredWatches extends AbstractLifeCycle {

  /** How long a forwarded request waits on its endpoint before its client is watched: 50 ms. */
  static final long DELAY_MILLIS = 50;

  /** An exchange that may start its watch; {@link #startWatch} does nothing once the exchange has ended. */
  interface Watchable {
    void startWatch();
  }

  private record Pending(Watchable exchange, long since) {}

  private final Scheduler scheduler;
  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
  private volatile Scheduler.@Nullable Task task;

  DeferredWatches(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Watches {@code exchange}'s client from {@link #DELAY_MILLIS} on, should it still wait then. */
  void watchLater(Watchable exchange) {
    pending.offer(new Pending(exchange, System.nanoTime()));
  }

  @Override
  protected void doStart() {
    schedule();
  }

  @Override
  protected void doStop() {
    Scheduler.Task t = task;
    if (t != null) {
      t.cancel();
    }
    pending.clear();
  }

  private void schedule() {
    task = scheduler.schedule(this::sweep, DELAY_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Starts every watch that is due (an ended exchange ignores it), oldest first. */
  private void sweep() {
    try {
      long due = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS);
      for (Pending p = pending.peek(); p != null && p.since() - due <= 0; p = pending.peek()) {
        pending.poll();
        try {
          p.exchange().startWatch();
        } catch (RuntimeException e) {
          // The connection closed under the watch: nothing left to watch.
        }
      }
    } finally {
      if (isRunning()) {
        schedule();
      }
    }
  }
}
