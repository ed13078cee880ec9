package io.modelrouter.benchmarks.sim;

import java.util.Locale;

/** Conversions between simulated nanoseconds and the units people read. */
final class Units {

  private Units() {}

  static long seconds(double s) {
    return Math.round(s * 1e9);
  }

  static long millis(double ms) {
    return Math.round(ms * 1e6);
  }

  static double toMillis(long nanos) {
    return nanos / 1e6;
  }

  static String formatSeconds(long nanos) {
    return String.format(Locale.ROOT, "%.0fs", nanos / 1e9);
  }

  /** Milliseconds with sensible precision: 0.42, 12.3, 1,710. */
  static String formatMillis(double ms) {
    if (Double.isNaN(ms)) {
      return "-";
    }
    if (ms >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", ms);
    }
    if (ms >= 10) {
      return String.format(Locale.ROOT, "%.1f", ms);
    }
    return String.format(Locale.ROOT, "%.2f", ms);
  }

  static String percent(double share) {
    return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
