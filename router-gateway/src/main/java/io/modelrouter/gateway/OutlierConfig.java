package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;
import static io.modelrouter.gateway.ConfigChecks.share;

import io.modelrouter.http.outlier.OutlierDetector;
import io.modelrouter.registry.ModelRegistry;

/**
 * The {@code outliers:} section: passive ejection of endpoints that fail real requests (see
 * {@link OutlierDetector}). An ejected endpoint comes back half-open after its ejection time,
 * which doubles with each ejection in a row up to the maximum.
 *
 * <pre>{@code
 * outliers:
 *   consecutiveFailures: 5        # failures in a row that eject
 *   failureRateThreshold: 0.5     # share of failures in a window that ejects
 *   failureRateMinRequests: 20    # requests a window needs before its rate counts
 *   windowMs: 10000               # the failure-rate window
 *   baseEjectionTimeMs: 30000     # first ejection time
 *   maxEjectionTimeMs: 300000     # longest ejection time
 *   maxEjectedShare: 0.5          # cap on the share of a model's endpoints ejected at once
 *   halfOpenConcurrency: 1        # requests at once to an endpoint on trial
 *   halfOpenSuccesses: 3          # successes that end the trial
 *   sweepIntervalMs: 100          # how often ejections are checked for expiry
 * }</pre>
 */
public record OutlierConfig(
    Integer consecutiveFailures,
    Double failureRateThreshold,
    Integer failureRateMinRequests,
    Long windowMs,
    Long baseEjectionTimeMs,
    Long maxEjectionTimeMs,
    Double maxEjectedShare,
    Integer halfOpenConcurrency,
    Integer halfOpenSuccesses,
    Long sweepIntervalMs) {

  /** Every key at its default. */
  public static final OutlierConfig DEFAULTS = new OutlierConfig(null, null, null, null, null, null, null, null, null, null);

  public OutlierConfig {
    consecutiveFailures = atLeast(consecutiveFailures, OutlierDetector.DEFAULT_CONSECUTIVE_FAILURES, 1, "consecutiveFailures");
    failureRateThreshold = share(failureRateThreshold, OutlierDetector.DEFAULT_FAILURE_RATE_THRESHOLD, "failureRateThreshold");
    failureRateMinRequests =
        atLeast(failureRateMinRequests, OutlierDetector.DEFAULT_FAILURE_RATE_MIN_REQUESTS, 1, "failureRateMinRequests");
    windowMs = positive(windowMs, OutlierDetector.DEFAULT_WINDOW.toMillis(), "windowMs");
    baseEjectionTimeMs = positive(baseEjectionTimeMs, OutlierDetector.DEFAULT_BASE_EJECTION_TIME.toMillis(), "baseEjectionTimeMs");
    maxEjectionTimeMs = positive(maxEjectionTimeMs,
        Math.max(baseEjectionTimeMs, OutlierDetector.DEFAULT_MAX_EJECTION_TIME.toMillis()), "maxEjectionTimeMs");
    check(maxEjectionTimeMs >= baseEjectionTimeMs, "maxEjectionTimeMs", maxEjectionTimeMs,
        ">= baseEjectionTimeMs, " + baseEjectionTimeMs);
    maxEjectedShare = share(maxEjectedShare, OutlierDetector.DEFAULT_MAX_EJECTED_SHARE, "maxEjectedShare");
    halfOpenConcurrency = atLeast(halfOpenConcurrency, OutlierDetector.DEFAULT_HALF_OPEN_CONCURRENCY, 1, "halfOpenConcurrency");
    halfOpenSuccesses = atLeast(halfOpenSuccesses, OutlierDetector.DEFAULT_HALF_OPEN_SUCCESSES, 1, "halfOpenSuccesses");
    sweepIntervalMs = positive(sweepIntervalMs, OutlierDetector.DEFAULT_SWEEP_INTERVAL.toMillis(), "sweepIntervalMs");
  }

  /** This section with another first ejection time. */
  public OutlierConfig withBaseEjectionTimeMs(long time) {
    return new OutlierConfig(consecutiveFailures, failureRateThreshold, failureRateMinRequests, windowMs, time,
        Math.max(time, maxEjectionTimeMs), maxEjectedShare, halfOpenConcurrency, halfOpenSuccesses, sweepIntervalMs);
  }

  OutlierDetector build(ModelRegistry registry) {
    return OutlierDetector.builder(registry)
        .consecutiveFailures(consecutiveFailures)
        .failureRateThreshold(failureRateThreshold)
        .failureRateMinRequests(failureRateMinRequests)
        .window(ms(windowMs))
        .baseEjectionTime(ms(baseEjectionTimeMs))
        .maxEjectionTime(ms(maxEjectionTimeMs))
        .maxEjectedShare(maxEjectedShare)
        .halfOpenConcurrency(halfOpenConcurrency)
        .halfOpenSuccesses(halfOpenSuccesses)
        .sweepInterval(ms(sweepIntervalMs))
        .build();
  }
}
