package io.modelrouter.simulator;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How long a simulated server takes: a fixed part (the time to the first token when streaming), a
 * part per generated token, and a slowdown that multiplies both. Changeable while the server runs.
 */
final class Latency {

  /** The longest single park while pausing, so that a killed server stops pausing soon. */
  private static final long PARK_SLICE_NANOS = 50_000_000L;

  private final BooleanSupplier running;
  private volatile long baseNanos;
  private volatile long perTokenNanos;
  private volatile double slowdown;

  /** {@code running} says whether the server still listens: a pause ends when it stops. */
  Latency(long baseNanos, long perTokenNanos, double slowdown, BooleanSupplier running) {
    this.baseNanos = baseNanos;
    this.perTokenNanos = perTokenNanos;
    this.slowdown = slowdown;
    this.running = running;
  }

  void base(long nanos) {
    this.baseNanos = nanos;
  }

  void perToken(long nanos) {
    this.perTokenNanos = nanos;
  }

  void slowdown(double factor) {
    this.slowdown = factor;
  }

  /** The fixed part, slowed down. */
  long baseNanos() {
    return scaled(baseNanos);
  }

  /** The part per generated token, slowed down. */
  long perTokenNanos() {
    return scaled(perTokenNanos);
  }

  private long scaled(long nanos) {
    return (long) (nanos * slowdown);
  }

  /** Waits {@code nanos}, or less if the server is killed or the thread interrupted. */
  void pause(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos; left > 0 && running.getAsBoolean(); left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(Math.min(left, PARK_SLICE_NANOS));
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }
}
