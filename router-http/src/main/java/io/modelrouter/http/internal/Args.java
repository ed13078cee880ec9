package io.modelrouter.http.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the router-http builders, with messages that say what was expected. */
public final class Args {

  private Args() {}

  /** Returns {@code d} if it is longer than zero. */
  public static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
    }
    return d;
  }

  /** Returns {@code x} if it is at least 0 and below 1, such as a share of an interval. */
  public static double fraction(double x, String what) {
    if (!(x >= 0 && x < 1)) {
      throw new IllegalArgumentException(what + ": " + x + " (expected: 0 <= " + what + " < 1)");
    }
    return x;
  }

  /** Returns {@code n} if it is at least 1. */
  public static int atLeastOne(int n, String what) {
    if (n < 1) {
      throw new IllegalArgumentException(what + ": " + n + " (expected: >= 1)");
    }
    return n;
  }
}
