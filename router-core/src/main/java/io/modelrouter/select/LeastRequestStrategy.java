package io.modelrouter.select;

/** The candidate with the fewest requests in flight; ties broken by a random starting point. */
final class LeastRequestStrategy implements SelectionStrategy {
  static final LeastRequestStrategy INSTANCE = new LeastRequestStrategy();

  private LeastRequestStrategy() {}

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n == 0) {
      return NONE;
    }
    int start = n == 1 ? 0 : c.random().nextInt(n);
    int best = start;
    int bestLoad = c.state(start).inFlight();
    for (int k = 1; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      int load = c.state(i).inFlight();
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    return best;
  }

  @Override
  public double score(Candidates c, int index) {
    return c.state(index).inFlight();
  }

  @Override
  public String name() {
    return "least-request";
  }
}
