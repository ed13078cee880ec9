package io.modelrouter.select;

/**
 * Chooses one candidate from scores: the last stage of a {@link CompositeStrategy}. Built-in
 * pickers come from {@link Pickers}. Thread-safe, allocation-free and lock-free, like strategies.
 */
@FunctionalInterface
public interface Picker {

  /**
   * Picks a candidate, using {@code scorer} (lower is better, {@link Double#POSITIVE_INFINITY}
   * for vetoed candidates) and the candidates' random source.
   *
   * @return an index in {@code [0, candidates.size())}, or {@link SelectionStrategy#NONE} when
   *     there is no candidate or every one is vetoed
   */
  int pick(Candidates candidates, EndpointScorer scorer);

  /** A short name for explanations. */
  default String name() {
    return getClass().getSimpleName();
  }
}
