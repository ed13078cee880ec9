package io.modelrouter.select;

import io.modelrouter.RejectionReason;

/**
 * Removes candidates that must not serve a request. Filters run in order after the router's
 * built-in checks (status, exclusions, adapter, concurrency limit, quota) and LoRA adapter
 * affinity: first those added to the router's builder, then the strategy's
 * ({@link SelectionStrategy#filters()}); the latency-budget and load-shedding stages come after
 * them. Each sees what the previous ones kept. Thread-safe, allocation-free and lock-free, like
 * strategies.
 */
@FunctionalInterface
public interface EndpointFilter {

  /**
   * Whether the candidate at {@code index} may serve the request. Look at that candidate only:
   * while a filter runs, other positions may already have been compacted.
   */
  boolean accept(Candidates candidates, int index);

  /** The rejection reason when this filter removes every remaining candidate. */
  default RejectionReason reasonWhenEmpty() {
    return RejectionReason.NO_HEALTHY_ENDPOINT;
  }

  /**
   * A soft filter is a preference: when it would remove every remaining candidate it is skipped
   * instead of rejecting the request (best effort).
   */
  default boolean soft() {
    return false;
  }

  /** A short name for explanations. */
  default String name() {
    return getClass().getSimpleName();
  }
}
