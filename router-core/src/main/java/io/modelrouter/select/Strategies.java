package io.modelrouter.select;

import java.time.Duration;
import java.util.Objects;

/**
 * Factories for the built-in {@link SelectionStrategy}s. Each is thread-safe, lock-free and
 * allocation-free per pick.
 */
public final class Strategies {

  /**
   * Peak-EWMA time constant: 10 s, as in Finagle and tower. Long enough that one slow answer does
   * not swing traffic, short enough that an endpoint that recovered is trusted again within
   * seconds.
   */
  public static final Duration DEFAULT_EWMA_DECAY = Duration.ofSeconds(10);

  /**
   * The latency assumed for an endpoint with no sample yet: 30 ms, as in tower. Low enough that a
   * new endpoint is tried, high enough that it is not flooded before its first answers.
   */
  public static final Duration DEFAULT_INITIAL_RTT = Duration.ofMillis(30);

  private Strategies() {}

  /** Each candidate in turn, ignoring load. */
  public static SelectionStrategy roundRobin() {
    return RoundRobinStrategy.INSTANCE;
  }

  /** The candidate with the fewest requests in flight (a full scan; ties broken at random). */
  public static SelectionStrategy leastRequest() {
    return LeastRequestStrategy.INSTANCE;
  }

  /** Power of two choices on requests in flight: two random candidates, the less loaded wins. */
  public static SelectionStrategy p2cLeastLoaded() {
    return P2cStrategy.LEAST_LOADED;
  }

  /**
   * Power of two choices on peak EWMA latency, {@code cost = ewma * (inFlight + 1)}, with the
   * default decay ({@link #DEFAULT_EWMA_DECAY}) and initial RTT ({@link #DEFAULT_INITIAL_RTT}).
   * The default strategy for general pools.
   */
  public static SelectionStrategy p2cPeakEwma() {
    return P2cStrategy.PEAK_EWMA;
  }

  /**
   * Power of two choices on peak EWMA latency with the given decay time constant and the RTT
   * assumed for endpoints without a sample.
   */
  public static SelectionStrategy p2cPeakEwma(Duration decay, Duration initialRtt) {
    Objects.requireNonNull(decay, "decay");
    Objects.requireNonNull(initialRtt, "initialRtt");
    if (decay.isNegative() || decay.isZero()) {
      throw new IllegalArgumentException("decay: " + decay + " (expected: > 0)");
    }
    if (initialRtt.isNegative()) {
      throw new IllegalArgumentException("initialRtt: " + initialRtt + " (expected: >= 0)");
    }
    return P2cStrategy.peakEwma(decay.toNanos(), initialRtt.toNanos());
  }
}
