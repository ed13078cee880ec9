package io.modelrouter.gateway;

import java.time.Duration;

/** Polls a condition until it holds or a deadline passes: how the tests wait, never with a fixed sleep. */
final class Eventually {

  /** A condition that may send requests. */
  interface Condition {
    boolean holds() throws Exception;
  }

  private Eventually() {}

  /** Whether {@code condition} held before {@code within} passed (polled every 20 ms). */
  static boolean holds(Duration within, Condition condition) throws Exception {
    long end = System.nanoTime() + within.toNanos();
    do {
      if (condition.holds()) {
        return true;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < end);
    return false;
  }

  /** Fails with {@code what} unless {@code condition} holds before {@code within} passes. */
  static void within(Duration within, String what, Condition condition) throws Exception {
    if (!holds(within, condition)) {
      throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
    }
  }
}
