package io.modelrouter.http;

import io.modelrouter.health.EndpointState;
import java.time.Duration;
import java.util.Objects;

/**
 * When to send a second copy of a request to the next-best endpoint: the first answer wins, the
 * other is cancelled. Hedging trims tail latency for tight budgets at the price of extra load,
 * which the {@link RetryBudget} caps.
 *
 * <p>Immutable.
 */
public final class HedgePolicy {

  private static final HedgePolicy NONE = new HedgePolicy(0, 0, 0);

  private final long fixedNanos;
  private final double ewmaMultiple;
  private final long minNanos;

  private HedgePolicy(long fixedNanos, double ewmaMultiple, long minNanos) {
    this.fixedNanos = fixedNanos;
    this.ewmaMultiple = ewmaMultiple;
    this.minNanos = minNanos;
  }

  /** Never hedge (the default). */
  public static HedgePolicy none() {
    return NONE;
  }

  /** Hedge when no answer has come after {@code delay}. */
  public static HedgePolicy after(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative() || delay.isZero()) {
      throw new IllegalArgumentException("delay: " + delay + " (expected: > 0)");
    }
    return new HedgePolicy(delay.toNanos(), 0, 0);
  }

  /**
   * Hedge when no answer has come after {@code multiple} times the chosen endpoint's peak-EWMA
   * latency, but never sooner than {@code minDelay}. The peak EWMA jumps to every slow answer, so
   * a multiple of 1 to 2 sits near the endpoint's high percentiles.
   */
  public static HedgePolicy afterLatencyMultiple(double multiple, Duration minDelay) {
    if (!(multiple > 0) || Double.isInfinite(multiple)) {
      throw new IllegalArgumentException("multiple: " + multiple + " (expected: a finite number > 0)");
    }
    Objects.requireNonNull(minDelay, "minDelay");
    if (minDelay.isNegative() || minDelay.isZero()) {
      throw new IllegalArgumentException("minDelay: " + minDelay + " (expected: > 0)");
    }
    return new HedgePolicy(0, multiple, minDelay.toNanos());
  }

  /** Whether this policy ever hedges. */
  public boolean enabled() {
    return fixedNanos > 0 || ewmaMultiple > 0;
  }

  /** The delay before hedging a request sent to an endpoint in this state, in nanoseconds. */
  long delayNanos(EndpointState state) {
    if (fixedNanos > 0) {
      return fixedNanos;
    }
    return Math.max(minNanos, (long) (state.latencyEwmaNanos() * ewmaMultiple));
  }

  @Override
  public String toString() {
    if (!enabled()) {
      return "HedgePolicy{none}";
    }
    return fixedNanos > 0 ? "HedgePolicy{after=" + Duration.ofNanos(fixedNanos) + '}'
        : "HedgePolicy{ewma*" + ewmaMultiple + ", min=" + Duration.ofNanos(minNanos) + '}';
  }
}
