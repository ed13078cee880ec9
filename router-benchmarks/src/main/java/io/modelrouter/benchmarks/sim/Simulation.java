package io.modelrouter.benchmarks.sim;

import io.modelrouter.Ticker;
import java.util.PriorityQueue;

/**
 * The discrete-event loop: a clock that only moves when the next event runs, and a queue of
 * events ordered by time, then by the order they were scheduled (so equal times replay
 * identically). Single-threaded; the clock is the {@link Ticker} handed to the router, so leases,
 * EWMAs and metric freshness all live in simulated time.
 */
final class Simulation {

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  private record Event(long time, long sequence, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  /** The simulated clock. */
  Ticker ticker() {
    return this::now;
  }

  /** The current simulated time in nanoseconds. */
  long now() {
    return now;
  }

  /** Runs {@code action} at {@code timeNanos}; a time in the past means now. */
  void at(long timeNanos, Runnable action) {
    queue.add(new Event(Math.max(timeNanos, now), sequence++, action));
  }

  /** Runs {@code action} {@code delayNanos} from now. */
  void after(long delayNanos, Runnable action) {
    at(now + Math.max(delayNanos, 0), action);
  }

  /** Runs events up to and including {@code endNanos}, then sets the clock there. */
  void runUntil(long endNanos) {
    while (!queue.isEmpty() && queue.peek().time <= endNanos) {
      Event e = queue.poll();
      now = e.time;
      e.action.run();
    }
    now = Math.max(now, endNanos);
  }
}
