package io.modelrouter.simulator;

import java.time.Duration;
import java.util.Objects;

/** The argument checks {@link SimServer} and its builder share, with the messages they give. */
final class Args {

  private Args() {}

  static long requireLatency(Duration latency, String what) {
    Objects.requireNonNull(latency, what);
    if (latency.isNegative()) {
      throw new IllegalArgumentException(what + ": " + latency + " (expected: >= 0)");
    }
    return latency.toNanos();
  }

  static double requireRate(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("failureRate: " + rate + " (expected: 0..1)");
    }
    return rate;
  }

  static double requireSlowdown(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("slowdown: " + factor + " (expected: a finite number > 0)");
    }
    return factor;
  }

  static int requirePositive(int value, String what) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  static int requireQueue(int maxQueue) {
    if (maxQueue < 0) {
      throw new IllegalArgumentException("maxQueue: " + maxQueue + " (expected: >= 0)");
    }
    return maxQueue;
  }
}
