package io.modelrouter.select;

import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;

/**
 * Power of two choices: two distinct random candidates, the healthier wins, then the one with the
 * lower cost. O(1) per pick, no allocation, no lock.
 */
final class P2cStrategy implements SelectionStrategy {

  static final P2cStrategy LEAST_LOADED = new P2cStrategy(false, 0, 0);
  static final P2cStrategy PEAK_EWMA =
      new P2cStrategy(true, Strategies.DEFAULT_EWMA_DECAY.toNanos(), Strategies.DEFAULT_INITIAL_RTT.toNanos());

  private final boolean peakEwma;
  private final long decayNanos;
  private final long initialRttNanos;

  private P2cStrategy(boolean peakEwma, long decayNanos, long initialRttNanos) {
    this.peakEwma = peakEwma;
    this.decayNanos = decayNanos;
    this.initialRttNanos = initialRttNanos;
  }

  static P2cStrategy peakEwma(long decayNanos, long initialRttNanos) {
    return new P2cStrategy(true, decayNanos, initialRttNanos);
  }

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n <= 1) {
      return n == 1 ? 0 : NONE;
    }
    int a = c.random().nextInt(n);
    int b = c.random().nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    EndpointState sa = c.state(a);
    EndpointState sb = c.state(b);
    boolean degradedA = sa.status() == EndpointStatus.DEGRADED;
    boolean degradedB = sb.status() == EndpointStatus.DEGRADED;
    if (degradedA != degradedB) {
      return degradedA ? b : a;
    }
    if (!peakEwma) {
      return sa.inFlight() <= sb.inFlight() ? a : b;
    }
    long now = c.nanoTime();
    if (!sa.hasLatencySample() || !sb.hasLatencySample()) {
      return cost(sa, now) <= cost(sb, now) ? a : b;
    }
    // cost = ewma * exp(-(now - stamp) / tau) * (inFlight + 1). The ratio of two costs needs one
    // exp, of the difference of the stamps, instead of one per candidate: same choice, half the work.
    double ea = sa.latencyEwmaNanos() * (sa.inFlight() + 1);
    double eb = sb.latencyEwmaNanos() * (sb.inFlight() + 1);
    long ta = Math.min(sa.latencyStampNanos(), now);
    long tb = Math.min(sb.latencyStampNanos(), now);
    if (ta == tb) {
      return ea <= eb ? a : b;
    }
    // ea * exp((ta - tb) / tau) <= eb, the exp always of a negative number so nothing overflows
    boolean aWins = ta < tb
        ? ea * Math.exp((ta - tb) / (double) decayNanos) <= eb
        : ea <= eb * Math.exp((tb - ta) / (double) decayNanos);
    return aWins ? a : b;
  }

  private double cost(EndpointState s, long now) {
    int pending = s.inFlight();
    if (!peakEwma) {
      return pending;
    }
    double rtt = s.hasLatencySample() ? s.latencyEwmaNanos(now, decayNanos) : initialRttNanos;
    return rtt * (pending + 1);
  }

  @Override
  public double score(Candidates c, int index) {
    return cost(c.state(index), c.nanoTime());
  }

  @Override
  public String name() {
    return peakEwma ? "p2c-peak-ewma" : "p2c-least-loaded";
  }
}
