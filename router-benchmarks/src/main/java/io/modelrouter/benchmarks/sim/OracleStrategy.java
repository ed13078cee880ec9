package io.modelrouter.benchmarks.sim;

import io.modelrouter.select.Candidates;
import io.modelrouter.select.SelectionStrategy;
import java.util.Map;

/**
 * The oracle: joins the candidate where the request would finish first, computed from every
 * server's true queue, running work and service times (the request's own cost included), which
 * no real router can see. It gives the bound the real strategies are measured against. The
 * simulated request travels in {@link io.modelrouter.RouteRequest#payload()}.
 */
final class OracleStrategy implements SelectionStrategy {

  private final Map<String, SimServer> fleet;

  OracleStrategy(Map<String, SimServer> fleet) {
    this.fleet = fleet;
  }

  @Override
  public int select(Candidates c) {
    if (!(c.request().payload() instanceof SimRequest request)) {
      throw new IllegalStateException("the oracle routes simulated requests only");
    }
    int best = NONE;
    long bestFinish = Long.MAX_VALUE;
    int n = c.size();
    int start = n == 0 ? 0 : c.random().nextInt(n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      SimServer server = fleet.get(c.endpoint(i).id());
      long finish = server == null ? Long.MAX_VALUE : server.predictedFinishNanos(request);
      if (best == NONE || finish < bestFinish) {
        best = i;
        bestFinish = finish;
      }
    }
    return best;
  }

  @Override
  public String name() {
    return "oracle";
  }
}
