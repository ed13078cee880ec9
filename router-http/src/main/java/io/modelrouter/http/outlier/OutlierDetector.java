package io.modelrouter.http.outlier;

import static io.modelrouter.http.internal.Args.positive;
import static io.modelrouter.http.internal.Args.atLeastOne;

import io.modelrouter.Outcome;
import io.modelrouter.OutcomeListener;
import io.modelrouter.RejectionReason;
import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.http.health.ProbeListener;
import io.modelrouter.http.internal.Periodic;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelEntry;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.registry.RegistrySnapshot;
import io.modelrouter.select.Candidates;
import io.modelrouter.select.EndpointFilter;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Passive outlier ejection, fed by the outcome of every routed request (Envoy's outlier
 * detection, adapted): an endpoint whose requests fail is taken out of rotation
 * ({@link EndpointStatus#EJECTED}) when
 *
 * <ul>
 *   <li>{@code consecutiveFailures} requests in a row failed (5xx, connection failures, timeouts;
 *       429/503 overload answers and cancellations do not count), or
 *   <li>at least {@code failureRateMinRequests} requests ended in the current window and at least
 *       {@code failureRateThreshold} of them failed.
 * </ul>
 *
 * <p>The n-th ejection lasts {@code n * baseEjectionTime}, at most {@code maxEjectionTime}; the
 * count (the ejection multiplier) decays by one for every {@code baseEjectionTime} the endpoint
 * stays healthy, as Envoy's does. At most {@code maxEjectedShare} of a model version's endpoints
 * are ejected at once (always at least one may be). When its time is up, or as soon as an active
 * health check passes (wire it to the {@code HealthChecker} as a {@link ProbeListener}: a
 * restarted server is back at its first passed probe, as with Envoy's
 * {@code successful_active_health_check_uneject_host}), an endpoint comes back half-open: routable
 * ({@link EndpointStatus#HEALTHY}, from when a slow-start strategy, {@code Strategies.slowStart},
 * ramps its share up; not {@link EndpointStatus#DEGRADED}, which the default strategy passes over
 * while any healthy endpoint is left, so that a returning endpoint would never get its trial), with
 * the {@link #halfOpenFilter()} letting only {@code halfOpenConcurrency} requests at a time reach
 * it (unless no other endpoint is left) until {@code halfOpenSuccesses} successes end the trial;
 * one failure ejects it again for longer. Its run of consecutive failures is forgotten when it
 * returns, so that a strategy weighing them (least latency does) tries it.
 *
 * <p>Wire it into the router as a listener and a filter, and start its sweep:
 *
 * <pre>{@code
 * OutlierDetector outliers = OutlierDetector.builder(registry).build();
 * Router router = Router.builder(registry)
 *     .addOutcomeListener(outliers)
 *     .addFilter(outliers.halfOpenFilter())
 *     .build();
 * HealthChecker health = HealthChecker.builder(registry).addListener(outliers).build();
 * outliers.start();
 * }</pre>
 *
 * <p>Thread-safe. {@link #onOutcome} runs on the completing thread and locks only the endpoint's
 * own record; the filter takes no lock and allocates nothing.
 */
public final class OutlierDetector implements OutcomeListener, ProbeListener, AutoCloseable {

  /** Failures in a row that eject: 5, as in Envoy. */
  public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
  /** Share of failed requests in a window that ejects: 0.5; an endpoint failing half its requests hurts more than it serves. */
  public static final double DEFAULT_FAILURE_RATE_THRESHOLD = 0.5;
  /** Requests a window needs before its failure rate counts: 20, so that two failures out of three do not eject. */
  public static final int DEFAULT_FAILURE_RATE_MIN_REQUESTS = 20;
  /** Length of the failure-rate window: 10 s, as Envoy's interval. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
  /** First ejection time: 30 s, as in Envoy. */
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
  /** Longest ejection: 300 s, as in Envoy. */
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
  /**
   * Most of a pool ejected at once: 0.5. Passive signals can blame endpoints for a fault they share
   * (a bad input, a dependency); half the pool keeps serving whatever the detector believes.
   */
  public static final double DEFAULT_MAX_EJECTED_SHARE = 0.5;
  /** Requests at once to a half-open endpoint: 1. */
  public static final int DEFAULT_HALF_OPEN_CONCURRENCY = 1;
  /** Successes a half-open endpoint needs to take full traffic again: 3. */
  public static final int DEFAULT_HALF_OPEN_SUCCESSES = 3;
  /** How often ejections are checked for expiry by {@link #start()}: 100 ms. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMillis(100);

  /** What the detector knows of one endpoint; guarded by itself. */
  private static final class Record {
    int consecutive;
    long windowStart;
    int windowRequests;
    int windowFailures;
    int ejections;
    long ejectedUntil;
    /** Since when healthy time counts toward the decay of {@link #ejections}. */
    long decayFrom;
    volatile boolean halfOpen;
    int trialSuccesses;
  }

  private final ModelRegistry registry;
  private final int consecutiveFailures;
  private final double failureRateThreshold;
  private final int failureRateMinRequests;
  private final long windowNanos;
  private final long baseEjectionNanos;
  private final long maxEjectionNanos;
  private final double maxEjectedShare;
  private final int halfOpenConcurrency;
  private final int halfOpenSuccesses;
  private final Duration sweepInterval;
  private final Ticker ticker;
  private final Map<String, Record> records = new ConcurrentHashMap<>();
  private final Object ejectLock = new Object();
  private final EndpointFilter filter = new HalfOpenFilter();
  private final java.util.concurrent.atomic.AtomicLong ejectionsTotal = new java.util.concurrent.atomic.AtomicLong();
  /** Endpoints on trial now: while none is, the filter looks nothing up. */
  private final java.util.concurrent.atomic.AtomicInteger halfOpenCount = new java.util.concurrent.atomic.AtomicInteger();
  private @Nullable ScheduledExecutorService sweeper;

  private OutlierDetector(Builder b) {
    this.registry = b.registry;
    this.consecutiveFailures = b.consecutiveFailures;
    this.failureRateThreshold = b.failureRateThreshold;
    this.failureRateMinRequests = b.failureRateMinRequests;
    this.windowNanos = b.window.toNanos();
    this.baseEjectionNanos = b.baseEjectionTime.toNanos();
    this.maxEjectionNanos = Math.max(b.maxEjectionTime.toNanos(), baseEjectionNanos);
    this.maxEjectedShare = b.maxEjectedShare;
    this.halfOpenConcurrency = b.halfOpenConcurrency;
    this.halfOpenSuccesses = b.halfOpenSuccesses;
    this.sweepInterval = b.sweepInterval;
    this.ticker = b.ticker;
  }

  /** Starts a detector for the endpoints of {@code registry}. */
  public static Builder builder(ModelRegistry registry) {
    return new Builder(registry);
  }

  /**
   * The filter that keeps traffic to half-open endpoints at {@code halfOpenConcurrency} requests
   * at a time; add it to the router. Lock-free and allocation-free.
   */
  public EndpointFilter halfOpenFilter() {
    return filter;
  }

  private final class HalfOpenFilter implements EndpointFilter {
    @Override
    public boolean accept(Candidates candidates, int index) {
      if (halfOpenCount.get() == 0) {
        return true;
      }
      EndpointState state = candidates.state(index);
      Record r = records.get(state.id());
      return r == null || !r.halfOpen || state.inFlight() < halfOpenConcurrency || onlyOneLeft(candidates, index);
    }

    /**
     * Whether no other candidate could take the request: a trial cap that would turn requests
     * away while a half-open endpoint is all there is would make an outage of a recovery (the
     * other endpoints down meanwhile). A scan, only for a half-open endpoint at its cap.
     */
    private boolean onlyOneLeft(Candidates candidates, int index) {
      for (int i = 0, n = candidates.size(); i < n; i++) {
        if (i != index && candidates.state(i).status().routable()) {
          Record other = records.get(candidates.state(i).id());
          if (other == null || !other.halfOpen) {
            return false;
          }
        }
      }
      return true;
    }

    @Override
    public RejectionReason reasonWhenEmpty() {
      return RejectionReason.NO_HEALTHY_ENDPOINT;
    }

    @Override
    public String name() {
      return "half-open";
    }
  }

  @Override
  public void onOutcome(Endpoint endpoint, EndpointState state, Outcome outcome, long latencyNanos) {
    boolean failure;
    switch (outcome.kind()) {
      case FAILURE:
      case TIMEOUT:
        failure = true;
        break;
      case SUCCESS:
      case CLIENT_ERROR:
        failure = false;
        break;
      default:
        return; // overload answers and cancellations say nothing about the endpoint's health
    }
    Record r = records.get(endpoint.id());
    if (r == null) {
      r = records.computeIfAbsent(endpoint.id(), id -> new Record());
    }
    long now = ticker.nanoTime();
    boolean eject = false;
    synchronized (r) {
      if (now - r.windowStart > windowNanos) {
        r.windowStart = now;
        r.windowRequests = 0;
        r.windowFailures = 0;
      }
      r.windowRequests++;
      if (failure) {
        r.windowFailures++;
        r.consecutive++;
        eject = r.halfOpen
            || r.consecutive >= consecutiveFailures
            || (r.windowRequests >= failureRateMinRequests
                && r.windowFailures >= failureRateThreshold * r.windowRequests);
      } else {
        r.consecutive = 0;
        if (r.halfOpen && ++r.trialSuccesses >= halfOpenSuccesses) {
          setHalfOpen(r, false);
          r.decayFrom = now;
        }
      }
    }
    if (eject && state.status() != EndpointStatus.EJECTED) {
      tryEject(endpoint, state, r, now);
    }
  }

  private void tryEject(Endpoint endpoint, EndpointState state, Record r, long now) {
    synchronized (ejectLock) {
      if (state.status() == EndpointStatus.EJECTED || state.status() == EndpointStatus.DRAINING
          || !withinShare(endpoint)) {
        return;
      }
      synchronized (r) {
        r.ejections++;
        long duration = Math.min(baseEjectionNanos * r.ejections, maxEjectionNanos);
        r.ejectedUntil = now + duration;
        r.decayFrom = now;
        setHalfOpen(r, false);
        r.trialSuccesses = 0;
        r.consecutive = 0;
        r.windowStart = now;
        r.windowRequests = 0;
        r.windowFailures = 0;
      }
      state.setStatus(EndpointStatus.EJECTED, now);
      ejectionsTotal.incrementAndGet();
    }
  }

  /** Whether ejecting this endpoint keeps every version it serves within the ejected share. */
  private boolean withinShare(Endpoint endpoint) {
    RegistrySnapshot snapshot = registry.snapshot();
    for (ModelEntry entry : snapshot.models()) {
      for (ModelVersion v : entry.versions()) {
        int n = v.endpointCount();
        boolean serves = false;
        int ejected = 0;
        for (int i = 0; i < n; i++) {
          serves |= v.endpoint(i).id().equals(endpoint.id());
          if (v.state(i).status() == EndpointStatus.EJECTED) {
            ejected++;
          }
        }
        if (serves && ejected + 1 > Math.max(1, (int) Math.floor(maxEjectedShare * n))) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Returns endpoints whose ejection time is up, half-open, and forgets the ejection count of
   * endpoints healthy for the longest ejection time. {@link #start()} calls it on a timer; tests
   * call it with their own ticker.
   */
  public void sweep() {
    long now = ticker.nanoTime();
    RegistrySnapshot snapshot = registry.snapshot();
    for (Map.Entry<String, Record> e : records.entrySet()) {
      EndpointState state = snapshot.state(e.getKey());
      if (state == null) {
        Record gone = records.remove(e.getKey());
        if (gone != null) {
          synchronized (gone) {
            setHalfOpen(gone, false);
          }
        }
        continue;
      }
      Record r = e.getValue();
      synchronized (r) {
        if (state.status() == EndpointStatus.EJECTED && now - r.ejectedUntil >= 0) {
          returnHalfOpen(r, state, now);
        } else if (r.ejections > 0) {
          if (state.status() != EndpointStatus.HEALTHY || r.halfOpen) {
            r.decayFrom = now; // only healthy time off trial counts
          } else if (now - r.decayFrom >= baseEjectionNanos) {
            r.ejections--;
            r.decayFrom = now;
          }
        }
      }
    }
  }

  /**
   * Hears the health checker: an endpoint ejected (or, once ejected, found unhealthy) whose active
   * health check passes comes back half-open at once, without waiting for its ejection time.
   */
  @Override
  public void onProbe(Endpoint endpoint, EndpointState state, boolean passed) {
    Record r = records.get(endpoint.id());
    if (!passed || r == null) {
      return;
    }
    synchronized (r) {
      EndpointStatus status = state.status();
      if (r.ejections > 0 && (status == EndpointStatus.EJECTED || status == EndpointStatus.UNHEALTHY)) {
        returnHalfOpen(r, state, ticker.nanoTime());
      }
    }
  }

  /**
   * Puts an endpoint on trial: routable again ({@link EndpointStatus#HEALTHY}, so that a strategy
   * that passes over degraded endpoints still sends it its trial requests), a few requests at a
   * time until enough succeed. Holds r's lock.
   */
  private void returnHalfOpen(Record r, EndpointState state, long now) {
    setHalfOpen(r, true);
    r.trialSuccesses = 0;
    r.consecutive = 0;
    r.decayFrom = now;
    state.clearConsecutiveFailures(); // the outage's failures would keep a cost-based strategy from trying it
    state.setStatus(EndpointStatus.HEALTHY, now);
  }

  /** Holds r's lock. */
  private void setHalfOpen(Record r, boolean halfOpen) {
    if (r.halfOpen != halfOpen) {
      r.halfOpen = halfOpen;
      halfOpenCount.addAndGet(halfOpen ? 1 : -1);
    }
  }

  /** The endpoint's ejection multiplier: its ejections, less one per healthy {@code baseEjectionTime}. */
  public int ejections(String endpointId) {
    Record r = records.get(endpointId);
    if (r == null) {
      return 0;
    }
    synchronized (r) {
      return r.ejections;
    }
  }

  /** Ejections since this detector was built, for a gateway's metrics. */
  public long ejectionsTotal() {
    return ejectionsTotal.get();
  }

  /** Whether the endpoint is back from an ejection and still on trial. */
  public boolean isHalfOpen(String endpointId) {
    Record r = records.get(endpointId);
    return r != null && r.halfOpen;
  }

  /** Starts sweeping every {@code sweepInterval} on a daemon thread; does nothing when started already. */
  public synchronized OutlierDetector start() {
    if (sweeper == null) {
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, Periodic.daemon("modelrouter-outliers"));
      long period = sweepInterval.toNanos();
      s.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.NANOSECONDS);
      sweeper = s;
    }
    return this;
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      Thread t = Thread.currentThread();
      t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }
  }

  /** Stops the sweep. */
  @Override
  public synchronized void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
      sweeper = null;
    }
  }

  @Override
  public String toString() {
    return "OutlierDetector{consecutive=" + consecutiveFailures + ", rate=" + failureRateThreshold
        + ", base=" + Duration.ofNanos(baseEjectionNanos) + ", maxShare=" + maxEjectedShare + '}';
  }

  /** Builds an {@link OutlierDetector}; every setter checks its argument. */
  public static final class Builder {
    private final ModelRegistry registry;
    private int consecutiveFailures = DEFAULT_CONSECUTIVE_FAILURES;
    private double failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
    private int failureRateMinRequests = DEFAULT_FAILURE_RATE_MIN_REQUESTS;
    private Duration window = DEFAULT_WINDOW;
    private Duration baseEjectionTime = DEFAULT_BASE_EJECTION_TIME;
    private Duration maxEjectionTime = DEFAULT_MAX_EJECTION_TIME;
    private double maxEjectedShare = DEFAULT_MAX_EJECTED_SHARE;
    private int halfOpenConcurrency = DEFAULT_HALF_OPEN_CONCURRENCY;
    private int halfOpenSuccesses = DEFAULT_HALF_OPEN_SUCCESSES;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    private Ticker ticker = Ticker.system();

    private Builder(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Failures in a row that eject; {@value #DEFAULT_CONSECUTIVE_FAILURES} by default. */
    public Builder consecutiveFailures(int n) {
      this.consecutiveFailures = atLeastOne(n, "consecutiveFailures");
      return this;
    }

    /** Share of failures in a window that ejects, in (0, 1]; {@value #DEFAULT_FAILURE_RATE_THRESHOLD} by default. */
    public Builder failureRateThreshold(double share) {
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("failureRateThreshold: " + share + " (expected: 0 < share <= 1)");
      }
      this.failureRateThreshold = share;
      return this;
    }

    /** Requests a window needs before its rate counts; {@value #DEFAULT_FAILURE_RATE_MIN_REQUESTS} by default. */
    public Builder failureRateMinRequests(int n) {
      this.failureRateMinRequests = atLeastOne(n, "failureRateMinRequests");
      return this;
    }

    /** Length of the failure-rate window; {@link #DEFAULT_WINDOW} by default. */
    public Builder window(Duration window) {
      this.window = positive(window, "window");
      return this;
    }

    /** First ejection time; {@link #DEFAULT_BASE_EJECTION_TIME} by default. */
    public Builder baseEjectionTime(Duration time) {
      this.baseEjectionTime = positive(time, "baseEjectionTime");
      return this;
    }

    /** Longest ejection time; {@link #DEFAULT_MAX_EJECTION_TIME} by default. */
    public Builder maxEjectionTime(Duration time) {
      this.maxEjectionTime = positive(time, "maxEjectionTime");
      return this;
    }

    /** Most of a pool ejected at once, in (0, 1]; {@value #DEFAULT_MAX_EJECTED_SHARE} by default. */
    public Builder maxEjectedShare(double share) {
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("maxEjectedShare: " + share + " (expected: 0 < share <= 1)");
      }
      this.maxEjectedShare = share;
      return this;
    }

    /** Requests at once to a half-open endpoint; {@value #DEFAULT_HALF_OPEN_CONCURRENCY} by default. */
    public Builder halfOpenConcurrency(int n) {
      this.halfOpenConcurrency = atLeastOne(n, "halfOpenConcurrency");
      return this;
    }

    /** Successes that end the half-open trial; {@value #DEFAULT_HALF_OPEN_SUCCESSES} by default. */
    public Builder halfOpenSuccesses(int n) {
      this.halfOpenSuccesses = atLeastOne(n, "halfOpenSuccesses");
      return this;
    }

    /** How often {@link #start()} sweeps; {@link #DEFAULT_SWEEP_INTERVAL} by default. */
    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = positive(interval, "sweepInterval");
      return this;
    }

    /** The clock; use the router's. The system ticker by default. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** A detector; add it to the router as listener and filter, then {@link OutlierDetector#start()} it. */
    public OutlierDetector build() {
      return new OutlierDetector(this);
    }


  }
}
