package io.modelrouter.select;

import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;

/**
 * The candidate with the lowest predicted latency, {@code max(rtt, pending age) * max(1, (inFlight
 * + 1) / slots) * (consecutive failures + 1)}, with {@code rtt} from {@link
 * LatencyModel#selectionRttNanos} and {@code slots} the endpoint's declared slots (else 1): a full
 * scan over small pools, power of two choices over large ones. No allocation, no lock; O(1) above
 * the scan limit.
 */
final class LeastLatencyStrategy implements SelectionStrategy {

  static final LeastLatencyStrategy DEFAULT = new LeastLatencyStrategy(
      Strategies.DEFAULT_EWMA_DECAY.toNanos(), Strategies.DEFAULT_INITIAL_RTT.toNanos(),
      Strategies.DEFAULT_FULL_SCAN_LIMIT);

  private final LatencyModel model;
  private final int fullScanLimit;

  LeastLatencyStrategy(long decayNanos, long initialRttNanos, int fullScanLimit) {
    this.model = LatencyModel.ofNanos(decayNanos, initialRttNanos);
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
      return better(c.state(b), cost(c, b, now), c.state(a), cost(c, a, now)) ? b : a;
    }
    int start = c.random().nextInt(n); // ties go to a random one
    int best = start;
    EndpointState bestState = c.state(best);
    double bestCost = cost(c, best, now);
    for (int k = 1; k < n; k++) {
      int i = start + k < n ? start + k : start + k - n;
      EndpointState s = c.state(i);
      if (cannotBeat(c, i, now, bestState, bestCost)) {
        continue; // skips the exp of most losing candidates
      }
      double cost = cost(c, i, now);
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
   * Whether candidate {@code i} surely loses to the best so far, judged without an exp: an idle
   * endpoint's EWMA decays by {@code exp(-x)}, which is at least {@code 1 - x}, so a cost computed
   * with {@code 1 - x} (a hair lower still, for rounding) is a lower bound of its cost; a busy
   * endpoint's EWMA does not decay.
   */
  private boolean cannotBeat(Candidates c, int i, long now, EndpointState best, double bestCost) {
    EndpointState s = c.state(i);
    if (!s.hasLatencySample() || (s.status() == EndpointStatus.DEGRADED) != (best.status() == EndpointStatus.DEGRADED)) {
      return false;
    }
    int inFlight = s.inFlight();
    int slots = slots(c, i);
    double ewma = model.selectionBaseRttNanos(s, slots);
    if (inFlight == 0) {
      double x = Math.max(now - s.latencyStampNanos(), 0) / (double) model.decayNanos();
      ewma *= (1 - x) * (1 - 1e-9);
    }
    double rtt = Math.max(ewma, s.pendingAgeNanos(now));
    return rtt * LatencyModel.loadFactor(inFlight, slots) * (s.consecutiveFailures() + 1.0) >= bestCost;
  }

  /**
   * The predicted latency of one more request: the endpoint's latency ({@link
   * LatencyModel#selectionRttNanos}, but at least the time it has been busy without answering),
   * times the rounds of its slots that the requests it would then hold fill, times one more attempt
   * for each consecutive failure.
   */
  private double cost(Candidates c, int i, long now) {
    EndpointState s = c.state(i);
    int inFlight = s.inFlight();
    int slots = slots(c, i);
    double rtt = Math.max(model.selectionRttNanos(s, inFlight, slots, now), s.pendingAgeNanos(now));
    return rtt * LatencyModel.loadFactor(inFlight, slots) * (s.consecutiveFailures() + 1.0);
  }

  /**
   * The endpoint's declared {@linkplain io.modelrouter.registry.Endpoint#slots() slots}, else 1. A
   * concurrency limit is no slot count (it is often set well above what the server runs at once),
   * nor is a scraped running count: it says what the server runs now, not what it could, and taking
   * it for capacity makes a server look cheaper the busier it is (measured in {@code
   * docs/routing-quality.md}, scenario 2).
   */
  private static int slots(Candidates c, int i) {
    return Math.max(c.endpoint(i).slots(), 1);
  }

  @Override
  public double score(Candidates c, int index) {
    return cost(c, index, c.nanoTime());
  }

  @Override
  public String name() {
    return "least-latency";
  }
}
