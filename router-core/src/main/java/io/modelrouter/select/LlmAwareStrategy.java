package io.modelrouter.select;

import io.modelrouter.health.EndpointState;

/**
 * The lowest sum of {@link Scorers#queueDepth}, {@link Scorers#kvCacheUsage} and
 * {@link Scorers#inFlight} over a full scan from a random start: the same scores as the
 * equivalent {@link CompositeStrategy}, fused into one pass that reads each candidate's state
 * once and checks metric freshness once, without a call per scorer.
 */
final class LlmAwareStrategy implements SelectionStrategy {

  private final LatencyModel model;

  LlmAwareStrategy(LatencyModel model) {
    this.model = model;
  }

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n <= 1) {
      return n == 1 ? 0 : NONE;
    }
    int start = c.random().nextInt(n);
    int best = start;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      int i = start + k < n ? start + k : start + k - n;
      double s = score(c, i);
      if (s < bestScore) {
        best = i;
        bestScore = s;
      }
    }
    return best;
  }

  @Override
  public double score(Candidates c, int index) {
    EndpointState s = c.state(index);
    double score = Scorers.inFlightTerm(s.inFlight());
    if (!model.metricsFresh(s, c.nanoTime())) {
      return score + 2; // queue and KV cache unknown: each scores 1
    }
    return score + Scorers.queueTerm(s.queueDepth()) + Scorers.kvCacheTerm(s.kvCacheUsage());
  }

  @Override
  public String name() {
    return "llm-aware";
  }
}
