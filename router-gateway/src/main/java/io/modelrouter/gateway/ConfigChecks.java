package io.modelrouter.gateway;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks shared by the configuration sections: each fills a missing value with its
 * default and refuses a bad one with the key's name and what was expected. Thrown {@link
 * ConfigValueException}s reach the reader, which adds the file and the key's line and column.
 */
final class ConfigChecks {

  private ConfigChecks() {}

  static long positive(@Nullable Long value, long fallback, String key) {
    long v = value == null ? fallback : value;
    check(v > 0, key, v, "> 0");
    return v;
  }

  static long atLeast(@Nullable Long value, long fallback, long min, String key) {
    long v = value == null ? fallback : value;
    check(v >= min, key, v, ">= " + min);
    return v;
  }

  static int atLeast(@Nullable Integer value, int fallback, int min, String key) {
    int v = value == null ? fallback : value;
    check(v >= min, key, v, ">= " + min);
    return v;
  }

  /** A share in {@code (0, 1]}. */
  static double share(@Nullable Double value, double fallback, String key) {
    double v = value == null ? fallback : value;
    check(v > 0 && v <= 1, key, v, "> 0 and <= 1");
    return v;
  }

  static double within(@Nullable Double value, double fallback, double min, double max, String key) {
    double v = value == null ? fallback : value;
    check(v >= min && v <= max, key, v, ">= " + min + " and <= " + max);
    return v;
  }

  /** A share of an interval in {@code [0, 1)}, such as a jitter. */
  static double fraction(@Nullable Double value, double fallback, String key) {
    double v = value == null ? fallback : value;
    check(v >= 0 && v < 1, key, v, ">= 0 and < 1");
    return v;
  }

  static void check(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new ConfigValueException(key, key + ": " + value + " (expected: " + expected + ")");
    }
  }

  /** Milliseconds from a configuration value. */
  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
