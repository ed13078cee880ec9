package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.within;

import io.modelrouter.Ticker;
import io.modelrouter.http.RetryBudget;

/**
 * {@code forwarding.retryBudget}: how many retries and hedges the gateway may add on top of the
 * requests it forwards, so that a failing fleet is not hit by a retry storm (see {@link
 * RetryBudget}).
 *
 * <pre>{@code
 * retryBudget:
 *   ratio: 0.2          # retries earned per forwarded request
 *   minPerSecond: 10    # retries allowed per second whatever the traffic
 *   windowMs: 10000     # how long earned retries stay available (1 s to 60 s, whole seconds)
 * }</pre>
 */
public record RetryBudgetConfig(Double ratio, Integer minPerSecond, Long windowMs) {

  /** Every key at its default. */
  public static final RetryBudgetConfig DEFAULTS = new RetryBudgetConfig(null, null, null);

  public RetryBudgetConfig {
    ratio = within(ratio, RetryBudget.DEFAULT_RATIO, 0, 1000, "ratio");
    minPerSecond = atLeast(minPerSecond, RetryBudget.DEFAULT_MIN_PER_SECOND, 0, "minPerSecond");
    windowMs = atLeast(windowMs, RetryBudget.DEFAULT_WINDOW.toMillis(), 1000, "windowMs");
    check(windowMs <= 60_000 && windowMs % 1000 == 0, "windowMs", windowMs, "whole seconds from 1000 to 60000");
  }

  RetryBudget build() {
    return RetryBudget.of(ratio, minPerSecond, ConfigChecks.ms(windowMs), Ticker.system());
  }
}
