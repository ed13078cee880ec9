package io.modelrouter.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Waits on a condition with a deadline, polling; never a fixed sleep. A condition that does not
 * hold by the deadline fails the test with an {@link AssertionError} naming what was awaited.
 */
public final class Await {

  /** The deadline the kit's waits use unless told otherwise: 10 s, generous for a loaded CI machine. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final long POLL_NANOS = 2_000_000;

  private Await() {}

  /** Waits until {@code condition} holds, at most {@link #DEFAULT_TIMEOUT}. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT_TIMEOUT, condition);
  }

  /**
   * Waits until {@code condition} holds, at most {@code timeout}.
   *
   * @param what what is awaited, for the failure message ("e0 back to zero in flight")
   * @throws AssertionError if it does not hold by the deadline, or the thread is interrupted
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(condition, "condition");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: positive)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(POLL_NANOS / 1_000_000, (int) (POLL_NANOS % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }
}
