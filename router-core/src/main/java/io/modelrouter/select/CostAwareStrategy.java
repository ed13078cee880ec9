package io.modelrouter.select;

import io.modelrouter.RouteRequest;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;

/**
 * Cheapest among the endpoints that meet the budget, traded off against latency: every candidate
 * whose predicted latency ({@link LatencyModel}) fits the request's budgets is feasible, and among
 * the feasible ones the lowest {@code (1 - t) * latency + t * cost} wins, each term scaled to
 * {@code [0, 1]} between the feasible candidates' minimum and maximum. With {@code t = 0} it is
 * latency only, with {@code t = 1} the cheapest feasible endpoint. When none is feasible cost is
 * ignored and the fastest predicted endpoint wins (the router's deadline policy decides before
 * whether such a request is routed at all). Two passes over the candidates: O(n).
 */
final class CostAwareStrategy implements SelectionStrategy {

  private final double tradeOff;
  private final LatencyModel model;

  CostAwareStrategy(double tradeOff, LatencyModel model) {
    this.tradeOff = tradeOff;
    this.model = model;
  }

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n <= 1) {
      return n == 1 ? 0 : NONE;
    }
    long now = c.nanoTime();
    RouteRequest r = c.request();
    double minLat = Double.POSITIVE_INFINITY;
    double maxLat = 0;
    double minCost = Double.POSITIVE_INFINITY;
    double maxCost = 0;
    int feasible = 0;
    for (int i = 0; i < n; i++) {
      Endpoint e = c.endpoint(i);
      EndpointState s = c.state(i);
      if (!model.fitsBudget(r, e, s, now)) {
        continue;
      }
      feasible++;
      double lat = model.predictLatencyNanos(e, s, now);
      double cost = LatencyModel.requestCost(r, c.model(), e);
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
      minCost = Math.min(minCost, cost);
      maxCost = Math.max(maxCost, cost);
    }
    int start = c.random().nextInt(n);
    if (feasible == 0) {
      return fastest(c, start, now);
    }
    int best = NONE;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      Endpoint e = c.endpoint(i);
      EndpointState s = c.state(i);
      if (!model.fitsBudget(r, e, s, now)) {
        continue;
      }
      double lat = model.predictLatencyNanos(e, s, now);
      double cost = LatencyModel.requestCost(r, c.model(), e);
      double score = (1 - tradeOff) * scaled(lat, minLat, maxLat) + tradeOff * scaled(cost, minCost, maxCost);
      if (score < bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  private int fastest(Candidates c, int start, long now) {
    int n = c.size();
    int best = NONE;
    double bestLat = Double.POSITIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      int i = start + k < n ? start + k : start + k - n;
      double lat = model.predictLatencyNanos(c.endpoint(i), c.state(i), now);
      if (best == NONE || lat < bestLat) {
        best = i;
        bestLat = lat;
      }
    }
    return best;
  }

  private static double scaled(double x, double min, double max) {
    return max > min ? (x - min) / (max - min) : 0;
  }

  /** The candidate's predicted latency in milliseconds (for explanations). */
  @Override
  public double score(Candidates c, int index) {
    return model.predictLatencyNanos(c.endpoint(index), c.state(index), c.nanoTime()) / 1e6;
  }

  @Override
  public String name() {
    return "cost-aware(" + tradeOff + ')';
  }
}
