package io.modelrouter;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;

/**
 * Hears about every completed lease, after the endpoint's signals were updated: the hook for
 * outlier ejection, metrics and logs. Called on the completing thread; must be quick and must not
 * throw.
 */
@FunctionalInterface
public interface OutcomeListener {

  /**
   * @param latencyNanos the latency recorded: the outcome's own, or the lease's measurement
   */
  void onOutcome(Endpoint endpoint, EndpointState state, Outcome outcome, long latencyNanos);
}
