package io.modelrouter.select;

import io.modelrouter.Priority;
import io.modelrouter.RejectionReason;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When to shed requests by {@link Priority}. An endpoint is <em>saturated</em> when its fresh
 * server metrics show at least {@code queueDepth} waiting requests or a KV cache at least
 * {@code kvCacheUsage} full, or, without fresh metrics, when it has a concurrency limit and at
 * least {@code concurrency} of it is in flight. An endpoint whose metrics went stale counts as
 * saturated: unknown is not idle. An endpoint that never reported metrics and has no concurrency
 * limit gives no saturation signal and never counts as saturated.
 *
 * <p>Requests of a shed priority (by default only {@link Priority#SHEDDABLE}) go only to
 * endpoints that are not saturated; when every candidate is saturated they are rejected with
 * {@link RejectionReason#OVERLOADED} and a retry-after hint. Other priorities still get the best
 * endpoint. {@link Priority#CRITICAL} is never shed.
 *
 * <p>Immutable.
 */
public final class LoadShedding {

  /** Waiting requests that saturate a server: 5, as the Gateway API inference extension's saturation detector. */
  public static final int DEFAULT_QUEUE_DEPTH = 5;

  /** KV-cache use that saturates a server: 0.8, as the Gateway API inference extension's saturation detector. */
  public static final double DEFAULT_KV_CACHE_USAGE = 0.8;

  /** Share of an endpoint's concurrency limit in flight that saturates it: 0.8, leaving room for critical requests. */
  public static final double DEFAULT_CONCURRENCY = 0.8;

  private static final LoadShedding DEFAULTS = builder().build();
  private static final LoadShedding DISABLED = builder().shed(EnumSet.noneOf(Priority.class)).build();

  private final int queueDepth;
  private final double kvCacheUsage;
  private final double concurrency;
  private final boolean[] shed;
  private final Set<Priority> shedSet;

  private LoadShedding(Builder b) {
    this.queueDepth = b.queueDepth;
    this.kvCacheUsage = b.kvCacheUsage;
    this.concurrency = b.concurrency;
    this.shed = new boolean[Priority.values().length];
    for (Priority p : b.shed) {
      shed[p.ordinal()] = true;
    }
    this.shedSet = Set.copyOf(b.shed);
  }

  /** Sheds {@link Priority#SHEDDABLE} requests at the default thresholds. */
  public static LoadShedding ofDefaults() {
    return DEFAULTS;
  }

  /** Never sheds. */
  public static LoadShedding disabled() {
    return DISABLED;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether requests of this priority are shed when every candidate is saturated. */
  public boolean sheds(Priority priority) {
    return shed[priority.ordinal()];
  }

  /** The priorities that are shed. */
  public Set<Priority> shedPriorities() {
    return shedSet;
  }

  /** Whether the endpoint is saturated now; {@code model} says when metrics are fresh. */
  public boolean saturated(Endpoint endpoint, EndpointState state, long nowNanos, LatencyModel model) {
    if (state.hasServerMetrics()) {
      if (!model.metricsFresh(state, nowNanos)) {
        return true;
      }
      int q = state.queueDepth();
      double kv = state.kvCacheUsage();
      if ((q >= 0 && q >= queueDepth) || (kv >= 0 && kv >= kvCacheUsage)) {
        return true;
      }
      if (q >= 0 || kv >= 0) {
        return false;
      }
    }
    int limit = endpoint.maxConcurrency();
    return limit > 0 && state.inFlight() >= concurrency * limit;
  }

  @Override
  public String toString() {
    return "LoadShedding{queueDepth=" + queueDepth + ", kvCacheUsage=" + kvCacheUsage
        + ", concurrency=" + concurrency + ", shed=" + shedSet + '}';
  }

  /** Builds {@link LoadShedding}; every setter checks its argument. */
  public static final class Builder {
    private int queueDepth = DEFAULT_QUEUE_DEPTH;
    private double kvCacheUsage = DEFAULT_KV_CACHE_USAGE;
    private double concurrency = DEFAULT_CONCURRENCY;
    private Set<Priority> shed = EnumSet.of(Priority.SHEDDABLE);

    private Builder() {}

    /** Waiting requests at which a server is saturated; {@value #DEFAULT_QUEUE_DEPTH} by default. */
    public Builder queueDepth(int queueDepth) {
      if (queueDepth < 1) {
        throw new IllegalArgumentException("queueDepth: " + queueDepth + " (expected: > 0)");
      }
      this.queueDepth = queueDepth;
      return this;
    }

    /** KV-cache use at which a server is saturated, in (0, 1]; {@value #DEFAULT_KV_CACHE_USAGE} by default. */
    public Builder kvCacheUsage(double kvCacheUsage) {
      if (!(kvCacheUsage > 0 && kvCacheUsage <= 1)) {
        throw new IllegalArgumentException("kvCacheUsage: " + kvCacheUsage + " (expected: > 0 and <= 1)");
      }
      this.kvCacheUsage = kvCacheUsage;
      return this;
    }

    /** Share of the concurrency limit in flight at which an endpoint is saturated, in (0, 1]; {@value #DEFAULT_CONCURRENCY} by default. */
    public Builder concurrency(double concurrency) {
      if (!(concurrency > 0 && concurrency <= 1)) {
        throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: > 0 and <= 1)");
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * The priorities shed when the pool is saturated; {@link Priority#SHEDDABLE} by default. Add
     * {@link Priority#STANDARD} to keep saturated capacity for critical requests only.
     */
    public Builder shed(Set<Priority> priorities) {
      Objects.requireNonNull(priorities, "priorities");
      if (priorities.contains(Priority.CRITICAL)) {
        throw new IllegalArgumentException("shed: " + priorities + " (expected: no CRITICAL, critical requests are never shed)");
      }
      this.shed = priorities.isEmpty() ? EnumSet.noneOf(Priority.class) : EnumSet.copyOf(priorities);
      return this;
    }

    public LoadShedding build() {
      return new LoadShedding(this);
    }
  }
}
