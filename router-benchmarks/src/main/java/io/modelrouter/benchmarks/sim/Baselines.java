package io.modelrouter.benchmarks.sim;

import io.modelrouter.select.Candidates;
import io.modelrouter.select.SelectionStrategy;

/** Baseline strategies that router-core does not ship, written against its public SPI. */
enum Baselines implements SelectionStrategy {

  /** Uniformly random among the candidates. */
  RANDOM {
    @Override
    public int select(Candidates c) {
      return c.size() == 0 ? NONE : c.random().nextInt(c.size());
    }
  },

  /** The cheapest candidate per request; among equals, the one with fewest requests in flight. */
  CHEAPEST {
    @Override
    public int select(Candidates c) {
      int best = NONE;
      double bestCost = Double.POSITIVE_INFINITY;
      for (int i = 0; i < c.size(); i++) {
        double cost = costPerRequest(c, i);
        if (best == NONE || cost < bestCost
            || (cost == bestCost && c.state(i).inFlight() < c.state(best).inFlight())) {
          best = i;
          bestCost = cost;
        }
      }
      return best;
    }
  };

  static double costPerRequest(Candidates c, int i) {
    double cost = c.endpoint(i).costPerRequest();
    return Double.isNaN(cost) ? c.model().costPerRequest() : cost;
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
