package io.modelrouter;

import java.util.Locale;

/**
 * How much a request matters when the pool is saturated. Sheddable requests are rejected first
 * with a retry-after hint; critical ones still get the best endpoint.
 */
public enum Priority {
  CRITICAL,
  STANDARD,
  SHEDDABLE;

  /**
   * Parses {@code critical}, {@code standard} or {@code sheddable} (case-insensitive; also
   * {@code high}, {@code normal}/{@code default}, {@code low}/{@code batch}).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Priority fromName(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "critical":
      case "high":
        return CRITICAL;
      case "standard":
      case "normal":
      case "default":
        return STANDARD;
      case "sheddable":
      case "low":
      case "batch":
        return SHEDDABLE;
      default:
        throw new IllegalArgumentException(
            "priority: '" + name + "' (expected: critical, standard, sheddable)");
    }
  }
}
