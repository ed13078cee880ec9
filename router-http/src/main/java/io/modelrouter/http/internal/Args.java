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

  /** Returns {@code n} if it is at least 1. */
  public static int atLeastOne(int n, String what) {
    if (n < 1) {
      throw new IllegalArgumentException(what + ": " + n + " (expected: >= 1)");
    }
    return n;
  }
}
