package io.modelrouter.select;

import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;

/**
 * The candidate with the lowest predicted latency, {@code max(peak EWMA, pending age) * (inFlight +
 * 1) * (consecutive failures + 1)}: a full scan over small pools, power of two choices over large
 * ones. No allocation, no lock; O(1) above the scan limit.
 */
final class LeastLatencyStrategy implements SelectionStrategy {

  static final LeastLatencyStrategy DEFAULT = new LeastLatencyStrategy(
      Strategies.DEFAULT_EWMA_DECAY.toNanos(), Strategies.DEFAULT_INITIAL_RTT.toNanos(),
      Strategies.DEFAULT_FULL_SCAN_LIMIT);

  private final long decayNanos;
  private final long initialRttNanos;
  private final int fullScanLimit;

  LeastLatencyStrategy(long decayNanos, long initialRttNanos, int fullScanLimit) {
    this.decayNanos = decayNanos;
    this.initialRttNanos = initialRttNanos;
    this.fullScanLimit = fullScanLimit;
  }

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n <= 1) {
      return n == 1 ? 0 : NONE;
    }
    long now = c.nanoTime();
    if (n > fullScanLimit) {
      int a = c.random().nextInt(n);
      int b = c.random().nextInt(n - 1);
      if (b >= a) {
        b++;
      }
      return better(c.state(b), cost(c.state(b), now), c.state(a), cost(c.state(a), now)) ? b : a;
    }
    int start = c.random().nextInt(n); // ties go to a random one
    int best = start;
    EndpointState bestState = c.state(best);
    double bestCost = cost(bestState, now);
    for (int k = 1; k < n; k++) {
      int i = start + k < n ? start + k : start + k - n;
      EndpointState s = c.state(i);
      if (cannotBeat(s, now, bestState, bestCost)) {
        continue; // skips the exp of most losing candidates
      }
      double cost = cost(s, now);
      if (better(s, cost, bestState, bestCost)) {
        best = i;
        bestState = s;
        bestCost = cost;
      }
    }
    return best;
  }

  /** A healthy endpoint beats a degraded one; then the strictly lower cost wins. */
  private static boolean better(EndpointState s, double cost, EndpointState than, double thanCost) {
    boolean degraded = s.status() == EndpointStatus.DEGRADED;
    boolean thanDegraded = than.status() == EndpointStatus.DEGRADED;
    if (degraded != thanDegraded) {
      return thanDegraded;
    }
    return cost < thanCost;
  }

  /**
   * Whether {@code s} surely loses to the best so far, judged without an exp: its EWMA decays by
   * {@code exp(-x)}, which is at least {@code 1 - x}, so a cost computed with {@code 1 - x} (a
   * hair lower still, for rounding) is a lower bound of its cost.
   */
  private boolean cannotBeat(EndpointState s, long now, EndpointState best, double bestCost) {
    if (!s.hasLatencySample() || (s.status() == EndpointStatus.DEGRADED) != (best.status() == EndpointStatus.DEGRADED)) {
      return false;
    }
    double x = Math.max(now - s.latencyStampNanos(), 0) / (double) decayNanos;
    double rtt = Math.max(s.latencyEwmaNanos() * (1 - x) * (1 - 1e-9), s.pendingAgeNanos(now));
    return rtt * (s.inFlight() + 1) * (s.consecutiveFailures() + 1.0) >= bestCost;
  }

  /**
   * The predicted latency of one more request: the endpoint's latency (its decayed peak EWMA, or
   * the initial RTT before any sample, but at least the time it has been busy without answering)
   * times the requests it would then hold, times one more attempt for each consecutive failure.
   */
  private double cost(EndpointState s, long now) {
    double rtt = s.hasLatencySample() ? s.latencyEwmaNanos(now, decayNanos) : initialRttNanos;
    rtt = Math.max(rtt, s.pendingAgeNanos(now));
    return rtt * (s.inFlight() + 1) * (s.consecutiveFailures() + 1.0);
  }

  @Override
  public double score(Candidates c, int index) {
    return cost(c.state(index), c.nanoTime());
  }

  @Override
  public String name() {
    return "least-latency";
  }
}
