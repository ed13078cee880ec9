package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;

import io.modelrouter.http.RetryPolicy;

/**
 * {@code forwarding.attemptTimeout}: when an attempt that has sent nothing back yet is abandoned
 * for another endpoint (see {@link RetryPolicy}): after {@code multiple} times the endpoint's own
 * {@code percentile} time to the answer's headers, never sooner than {@code floorMs}. With hedging
 * on, the hedge takes this role.
 *
 * <pre>{@code
 * attemptTimeout:
 *   enabled: true        # false: an attempt waits until the request's deadline
 *   multiple: 3
 *   percentile: 0.99
 *   floorMs: 1000
 * }</pre>
 */
public record AttemptTimeoutConfig(Boolean enabled, Double multiple, Double percentile, Long floorMs) {

  /** Every key at its default. */
  public static final AttemptTimeoutConfig DEFAULTS = new AttemptTimeoutConfig(null, null, null, null);

  public AttemptTimeoutConfig {
    enabled = enabled == null || enabled;
    multiple = multiple == null ? RetryPolicy.DEFAULT_TIMEOUT_MULTIPLE : multiple;
    check(multiple >= 1 && !Double.isInfinite(multiple), "multiple", multiple, "a finite number >= 1");
    percentile = percentile == null ? RetryPolicy.DEFAULT_TIMEOUT_PERCENTILE : percentile;
    check(percentile > 0 && percentile < 1, "percentile", percentile, "> 0 and < 1");
    floorMs = positive(floorMs, RetryPolicy.DEFAULT_TIMEOUT_FLOOR.toMillis(), "floorMs");
  }

  RetryPolicy.Builder applyTo(RetryPolicy.Builder b) {
    return enabled ? b.attemptTimeout(multiple, percentile, ms(floorMs)) : b.noAttemptTimeout();
  }
}
