package io.modelrouter.select;

/**
 * Scores one candidate for a request, lower is better: the middle stage of the
 * filters -> weighted scorers -> picker pipeline of a {@link CompositeStrategy}.
 *
 * <p>Scores of different scorers are added with weights, so a scorer should return a value on a
 * fixed scale, by convention {@code 0} (ideal) to {@code 1} (as bad as it gets), without looking at
 * the other candidates: that keeps a score computable for two random candidates (power of two
 * choices) as well as in a full scan. A signal that is unknown, such as stale server metrics,
 * should score as bad, not as idle. Return {@link Double#POSITIVE_INFINITY} to veto a candidate.
 *
 * <p>Called concurrently on the selection path: thread-safe, no allocation, no lock. A custom
 * scorer is a few lines:
 *
 * <pre>{@code
 * EndpointScorer preferH100 = (c, i) -> "h100".equals(c.endpoint(i).labels().get("gpu")) ? 0 : 1;
 * SelectionStrategy s = CompositeStrategy.builder()
 *     .scorer(Scorers.inFlight(), 1)
 *     .scorer(preferH100, 0.5)
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface EndpointScorer {

  /** The score of the candidate at {@code index}, lower is better, usually in {@code [0, 1]}. */
  double score(Candidates candidates, int index);

  /** A short name for explanations. */
  default String name() {
    return getClass().getSimpleName();
  }
}
