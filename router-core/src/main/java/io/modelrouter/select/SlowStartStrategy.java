package io.modelrouter.select;

import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;

/**
 * Ramps up endpoints that just joined or recovered: a pick of an endpoint that has been
 * {@link EndpointStatus#HEALTHY} for {@code t} of a window {@code W} is kept with probability
 * {@code max(minWeight, t / W)}, otherwise the delegate picks again (at most
 * {@value #MAX_REPICKS} times, then the last pick stands). So the endpoint's share grows linearly
 * from {@code minWeight} of its normal share to all of it, whatever the delegate's rule, and an
 * endpoint whose EWMA decayed while it was out is not flooded when it is back. Meant for
 * randomised or rotating delegates; a deterministic one (least request) keeps its choice.
 */
final class SlowStartStrategy implements SelectionStrategy {

  static final int MAX_REPICKS = 3;

  private final SelectionStrategy delegate;
  private final long windowNanos;
  private final double minWeight;

  SlowStartStrategy(SelectionStrategy delegate, long windowNanos, double minWeight) {
    this.delegate = delegate;
    this.windowNanos = windowNanos;
    this.minWeight = minWeight;
  }

  @Override
  public int select(Candidates c) {
    int pick = delegate.select(c);
    for (int attempt = 0; attempt < MAX_REPICKS && pick >= 0; attempt++) {
      double f = factor(c.state(pick), c.nanoTime());
      if (f >= 1 || c.random().nextDouble() < f) {
        return pick;
      }
      pick = delegate.select(c);
    }
    return pick;
  }

  /** The share of its normal traffic the endpoint gets now, between {@code minWeight} and 1. */
  double factor(EndpointState s, long now) {
    if (s.status() != EndpointStatus.HEALTHY) {
      return 1;
    }
    long elapsed = now - s.statusSinceNanos();
    if (elapsed >= windowNanos) {
      return 1;
    }
    return Math.max(minWeight, Math.max(elapsed, 0) / (double) windowNanos);
  }

  /** The delegate's score divided by the ramp factor. */
  @Override
  public double score(Candidates c, int index) {
    return delegate.score(c, index) / factor(c.state(index), c.nanoTime());
  }

  @Override
  public java.util.List<EndpointFilter> filters() {
    return delegate.filters();
  }

  @Override
  public String name() {
    return "slow-start(" + delegate.name() + ')';
  }
}
