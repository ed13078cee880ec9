package io.modelrouter.select;

/**
 * What the router does with a request whose latency budget no endpoint is predicted to meet
 * ({@link LatencyModel#fitsBudget}).
 */
public enum DeadlinePolicy {
  /**
   * Refuse it at once with {@link io.modelrouter.RejectionReason#DEADLINE_UNMEETABLE} (HTTP 504)
   * and a retry-after hint, rather than spend capacity on an answer the caller will not wait for.
   */
  REJECT,
  /** Route it anyway, to the endpoints the strategy prefers among all healthy ones. */
  BEST_EFFORT
}
