package io.modelrouter.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Waits on a condition with a deadline, polling; never a fixed sleep. A condition that does not
 * hold by the deadline fails the test with an {@link AssertionError} naming what was awaited.
 *
 * <p>{@link #until} polls a {@link BooleanSupplier}; {@link #untilAsserted} polls assertions (and
 * code that may throw, such as a request), retrying while they fail, so the failure at the
 * deadline says what was last seen; {@link #holdsWithin} tells whether a condition came to hold
 * within a window, for a test that checks that something does <em>not</em> happen.
 */
public final class Await {

  /** The deadline the kit's waits use unless told otherwise: 10 s, generous for a loaded CI machine. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final long POLL_NANOS = 2_000_000;

  /** Assertions to poll: returns when the awaited state is reached, throws an {@link AssertionError} while it is not. */
  @FunctionalInterface
  public interface Assertion {
    /**
     * Checks the awaited state once.
     *
     * @throws AssertionError while the state is not reached (the wait tries again)
     * @throws Exception on any other failure, which ends the wait at once
     */
    void check() throws Exception;
  }

  /** A condition that may throw, such as one that sends a request. */
  @FunctionalInterface
  public interface Condition {
    /**
     * Whether the condition holds now.
     *
     * @throws Exception on a failure, which ends the wait at once
     */
    boolean holds() throws Exception;
  }

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
    Objects.requireNonNull(condition, "condition");
    if (!poll(what, timeout, condition::getAsBoolean)) {
      throw timedOut(what, timeout, null);
    }
  }

  /** Waits until {@code assertion} passes, at most {@link #DEFAULT_TIMEOUT}. */
  public static void untilAsserted(String what, Assertion assertion) throws Exception {
    untilAsserted(what, DEFAULT_TIMEOUT, assertion);
  }

  /**
   * Waits until {@code assertion} returns without an {@link AssertionError}, at most {@code timeout}:
   * {@code Await.untilAsserted("key b accepted", () -> assertThat(status("sk-b")).isEqualTo(200))}.
   *
   * @param what what is awaited, for the failure message
   * @throws AssertionError if it still fails at the deadline (its last failure as the cause), or
   *     the thread is interrupted
   * @throws Exception what the assertion threw other than an {@link AssertionError}, at once
   */
  public static void untilAsserted(String what, Duration timeout, Assertion assertion) throws Exception {
    Objects.requireNonNull(assertion, "assertion");
    @Nullable AssertionError[] last = {null};
    boolean passed = poll(what, timeout, () -> {
      try {
        assertion.check();
        return true;
      } catch (AssertionError e) {
        last[0] = e;
        return false;
      }
    });
    if (!passed) {
      throw timedOut(what, timeout, last[0]);
    }
  }

  /**
   * Whether {@code condition} holds at some poll before {@code within} passes; polls until it does
   * or the window ends. For a test that checks that something does not happen within a window
   * (it then waits the whole window); to wait for something, use {@link #until} or {@link
   * #untilAsserted}, whose failure names what was awaited.
   *
   * @throws AssertionError if the thread is interrupted
   * @throws Exception what the condition threw, at once
   */
  public static boolean holdsWithin(Duration within, Condition condition) throws Exception {
    Objects.requireNonNull(condition, "condition");
    return poll("a condition within " + within.toMillis() + " ms", within, condition::holds);
  }

  /** A condition whose checked exception is inferred: none for a {@link BooleanSupplier}. */
  private interface Poll<E extends Exception> {
    boolean holds() throws E;
  }

  /** Polls until {@code condition} holds (true) or the deadline passes (false). */
  private static <E extends Exception> boolean poll(String what, Duration timeout, Poll<E> condition) throws E {
    Objects.requireNonNull(what, "what");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: positive)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(POLL_NANOS / 1_000_000, (int) (POLL_NANOS % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
    return true;
  }

  private static AssertionError timedOut(String what, Duration timeout, @Nullable AssertionError last) {
    String message = "timed out after " + timeout.toMillis() + " ms waiting for: " + what;
    return last == null ? new AssertionError(message) : new AssertionError(message + " (last: " + last.getMessage() + ")", last);
  }
}
