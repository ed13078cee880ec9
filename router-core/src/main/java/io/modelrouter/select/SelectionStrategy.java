package io.modelrouter.select;

/**
 * Picks one endpoint among the {@link Candidates}. Implementations are called concurrently from
 * many threads, must be thread-safe, and should neither allocate nor lock: this is the hot path.
 * Time and randomness come from the candidates, so tests can inject both.
 *
 * <p>A custom strategy is a few lines:
 *
 * <pre>{@code
 * SelectionStrategy cheapest = c -> {
 *   int best = -1;
 *   for (int i = 0; i < c.size(); i++) {
 *     if (best < 0 || c.endpoint(i).costPerRequest() < c.endpoint(best).costPerRequest()) best = i;
 *   }
 *   return best;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface SelectionStrategy {

  /** Returned by {@link #select} when no candidate is acceptable. */
  int NONE = -1;

  /**
   * Picks a candidate.
   *
   * @return an index in {@code [0, candidates.size())}, or {@link #NONE}
   */
  int select(Candidates candidates);

  /**
   * The score this strategy gives the candidate at {@code index}, lower is better, for the
   * decision's explanation; NaN when the strategy does not score. Never called on the hot path.
   */
  default double score(Candidates candidates, int index) {
    return Double.NaN;
  }

  /**
   * The terms of the {@linkplain #score score} of the candidate at {@code index}, such as {@code
   * prefix_blocks=12/32 prefix=0.333*2 queue=0.200*1}, for the decision's explanation; null when
   * the score has no parts worth showing. Never called on the hot path.
   */
  default @org.jspecify.annotations.Nullable String explain(Candidates candidates, int index) {
    return null;
  }

  /**
   * Filters this strategy needs run before it picks; the router runs them after its built-in
   * checks and its own filters, with the same typed rejection when one removes every candidate.
   * None by default.
   */
  default java.util.List<EndpointFilter> filters() {
    return java.util.List.of();
  }

  /** A short name for explanations and logs. */
  default String name() {
    return getClass().getSimpleName();
  }
}
