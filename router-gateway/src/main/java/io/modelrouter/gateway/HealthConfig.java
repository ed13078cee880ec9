package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;
import static io.modelrouter.gateway.ConfigChecks.fraction;

import io.modelrouter.http.health.HealthChecker;

/**
 * The {@code health:} section: active health checks of every endpoint (see {@link HealthChecker}).
 * A missing key takes the library's default.
 *
 * <pre>{@code
 * health:
 *   enabled: true            # false: no active checks (passive outlier ejection still runs)
 *   intervalMs: 5000         # time between two probes of one endpoint
 *   timeoutMs: 1000          # deadline of one probe
 *   unhealthyThreshold: 3    # failed probes in a row before an endpoint is taken out
 *   healthyThreshold: 2      # passed probes in a row before it is back
 *   jitter: 0.1              # share of the interval added or removed at random
 * }</pre>
 */
public record HealthConfig(
    Boolean enabled, Long intervalMs, Long timeoutMs, Integer unhealthyThreshold, Integer healthyThreshold, Double jitter) {

  /** Every key at its default. */
  public static final HealthConfig DEFAULTS = new HealthConfig(null, null, null, null, null, null);

  public HealthConfig {
    enabled = enabled == null || enabled;
    intervalMs = positive(intervalMs, HealthChecker.DEFAULT_INTERVAL.toMillis(), "intervalMs");
    timeoutMs = positive(timeoutMs, HealthChecker.DEFAULT_TIMEOUT.toMillis(), "timeoutMs");
    unhealthyThreshold = atLeast(unhealthyThreshold, HealthChecker.DEFAULT_UNHEALTHY_THRESHOLD, 1, "unhealthyThreshold");
    healthyThreshold = atLeast(healthyThreshold, HealthChecker.DEFAULT_HEALTHY_THRESHOLD, 1, "healthyThreshold");
    jitter = fraction(jitter, HealthChecker.DEFAULT_JITTER, "jitter");
  }

  /** This section with another probe interval. */
  public HealthConfig withIntervalMs(long interval) {
    return new HealthConfig(enabled, interval, timeoutMs, unhealthyThreshold, healthyThreshold, jitter);
  }

  HealthChecker.Builder applyTo(HealthChecker.Builder b) {
    return b.interval(ms(intervalMs))
        .timeout(ms(timeoutMs))
        .unhealthyThreshold(unhealthyThreshold)
        .healthyThreshold(healthyThreshold)
        .jitter(jitter);
  }
}
