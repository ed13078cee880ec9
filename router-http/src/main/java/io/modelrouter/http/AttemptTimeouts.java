package io.modelrouter.http;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The per-attempt timeouts of one {@link RoutingClient}: armed and disarmed by every attempt, on
 * the threads that forward, without a lock. A {@link java.util.concurrent.ScheduledThreadPoolExecutor}
 * takes one lock per schedule and per cancel; under saturation on few cores its holder is
 * preempted and the forwarding threads queue behind it (docs/benchmarks.md: parks of 10 to 67 ms
 * on that lock, the gateway's p99). Here arming is a lock-free enqueue, disarming a compare-and-set
 * that also drops the task (so a disarmed timeout holds nothing of its attempt), and one daemon
 * thread, started on first use, fires what is due every {@link #TICK_NANOS}: a timeout fires at
 * most a tick late.
 */
final class AttemptTimeouts implements AutoCloseable {

  /** How often due timeouts are fired: 5 ms, small against the 1 s floor of an attempt timeout. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  /** Cancelled timeouts are looked for once a second (every this many ticks). */
  private static final int PURGE_TICKS = 200;

  /** One armed timeout; {@link #cancel} before it fires and it never runs. */
  static final class Timeout {
    final long deadline;
    private final AtomicReference<@Nullable Runnable> task;

    Timeout(long deadline, Runnable task) {
      this.deadline = deadline;
      this.task = new AtomicReference<>(task);
    }

    /** Stops this timeout unless it has fired; whether it was still pending. */
    boolean cancel() {
      return task.getAndSet(null) != null;
    }

    boolean cancelled() {
      return task.get() == null;
    }

    @Nullable Runnable take() {
      return task.getAndSet(null);
    }
  }

  private final String name;
  private final ConcurrentLinkedQueue<Timeout> incoming = new ConcurrentLinkedQueue<>();
  /** The timer thread's own: pending timeouts by deadline. */
  private final PriorityQueue<Timeout> pending = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;
  /** Set by the timer thread before it parks with nothing pending, so that the next timeout wakes it. */
  private volatile boolean sleeping;
  private volatile @Nullable Thread thread;

  AttemptTimeouts(String name) {
    this.name = name;
  }

  /**
   * Runs {@code task} on the timer thread once {@code delayNanos} have passed, unless cancelled
   * first; null when this is closed.
   */
  @Nullable Timeout schedule(Runnable task, long delayNanos) {
    if (closed) {
      return null;
    }
    Timeout t = new Timeout(System.nanoTime() + delayNanos, task);
    incoming.add(t);
    if (!started.get() && started.compareAndSet(false, true)) {
      Thread th = new Thread(this::run, name);
      th.setDaemon(true);
      thread = th;
      th.start();
    } else if (sleeping) {
      sleeping = false;
      Thread th = thread;
      if (th != null) {
        LockSupport.unpark(th);
      }
    }
    return t;
  }

  private void run() {
    List<Runnable> due = new ArrayList<>();
    long ticks = 0;
    while (!closed) {
      for (Timeout t; (t = incoming.poll()) != null; ) {
        if (!t.cancelled()) {
          pending.add(t);
        }
      }
      long now = System.nanoTime();
      for (Timeout head; (head = pending.peek()) != null && (head.cancelled() || head.deadline - now <= 0); ) {
        pending.poll();
        Runnable task = head.take();
        if (task != null) {
          due.add(task);
        }
      }
      if (++ticks % PURGE_TICKS == 0) {
        purgeIfMostlyCancelled();
      }
      for (Runnable task : due) {
        try {
          task.run();
        } catch (RuntimeException e) {
          // a failing task must not stop the timeouts of every other attempt
        }
      }
      due.clear();
      if (pending.isEmpty()) {
        sleeping = true;
        if (incoming.isEmpty() && !closed) {
          LockSupport.park(this); // until the next timeout is armed
        }
        sleeping = false;
      } else {
        LockSupport.parkNanos(this, TICK_NANOS);
      }
    }
    incoming.clear();
    pending.clear();
  }

  /**
   * Drops cancelled timeouts when they are most of those pending: most attempts are answered long
   * before their timeout, which would otherwise wait in the queue until their deadline.
   */
  private void purgeIfMostlyCancelled() {
    int cancelled = 0;
    for (Timeout t : pending) {
      if (t.cancelled()) {
        cancelled++;
      }
    }
    if (cancelled * 2 > pending.size()) {
      pending.removeIf(Timeout::cancelled);
    }
  }

  /** Stops the timer thread; pending timeouts never fire. */
  @Override
  public void close() {
    closed = true;
    Thread th = thread;
    if (th != null) {
      LockSupport.unpark(th);
    }
  }
}
