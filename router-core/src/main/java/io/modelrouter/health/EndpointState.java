package io.modelrouter.health;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The live signals of one endpoint, updated concurrently by leases, health checks and metric
 * scrapers, and read by strategies without locks. One instance exists per endpoint id and is
 * shared by every registry snapshot that contains the endpoint, so signals survive registry
 * updates.
 *
 * <p>Reads are single volatile loads. Writes that must change two fields together (the latency
 * EWMA and its timestamp) are serialised on this object; they happen on the feedback path, never
 * on the selection path.
 *
 * <p>Latency is tracked as a <em>peak EWMA</em> (Finagle, tower): a sample above the stored
 * value replaces it at once, a lower one is blended in with weight {@code 1 - exp(-gap / tau)}
 * where {@code gap} is the real time since the previous sample. Reads with
 * {@link #latencyEwmaNanos(long, long)} see the value decayed toward zero by the time since the
 * last sample, so an idle endpoint is tried again.
 */
public final class EndpointState {

  private static final VarHandle IN_FLIGHT;
  private static final VarHandle QUOTA_TAT;
  private static final VarHandle REQUESTS;
  private static final VarHandle FAILURES;
  private static final VarHandle CONSECUTIVE_FAILURES;
  private static final VarHandle PREFIX_BLOCKS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      IN_FLIGHT = l.findVarHandle(EndpointState.class, "inFlight", int.class);
      QUOTA_TAT = l.findVarHandle(EndpointState.class, "quotaTat", long.class);
      REQUESTS = l.findVarHandle(EndpointState.class, "requests", long.class);
      FAILURES = l.findVarHandle(EndpointState.class, "failures", long.class);
      CONSECUTIVE_FAILURES = l.findVarHandle(EndpointState.class, "consecutiveFailures", int.class);
      PREFIX_BLOCKS = l.findVarHandle(EndpointState.class, "prefixBlocks", PrefixBlockCache.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final long UNKNOWN = Long.MIN_VALUE;

  private final String id;

  private volatile int inFlight;
  private volatile int concurrencyCap;
  /** When the endpoint last answered or became busy; {@link #UNKNOWN} when it became busy untimed. */
  private volatile long progressStampNanos = UNKNOWN;
  private volatile EndpointStatus status = EndpointStatus.HEALTHY;
  private volatile long statusSinceNanos;

  private volatile double latencyEwmaNanos;
  private volatile double latencyMeanNanos;
  private volatile long latencyStampNanos;
  private volatile boolean hasLatency;
  private volatile double ttftEwmaNanos;
  private volatile long ttftStampNanos;
  private volatile double tpotEwmaNanos;
  private volatile long tpotStampNanos;
  private final PrefillRate prefill = new PrefillRate();

  private volatile long requests;
  private volatile long failures;
  private volatile int consecutiveFailures;

  private volatile int queueDepth = -1;
  private volatile int running = -1;
  private volatile double kvCacheUsage = Double.NaN;
  private volatile long metricsStampNanos;
  private volatile boolean hasMetrics;
  private volatile Set<String> loadedAdapters = Set.of();
  private volatile @Nullable PrefixBlockCache prefixBlocks;
  private final PrefillBacklog prefillBacklog = new PrefillBacklog();

  /** Theoretical arrival time of the generic cell rate algorithm behind the per-endpoint quota. */
  private volatile long quotaTat = Long.MIN_VALUE;

  /** Creates the state of a new endpoint, healthy since {@code nowNanos}. */
  public EndpointState(String id, long nowNanos) {
    this.id = Objects.requireNonNull(id, "id");
    this.statusSinceNanos = nowNanos;
  }

  public String id() {
    return id;
  }

  // ---------------------------------------------------------------- in flight

  /** Requests handed to this endpoint whose lease is not yet complete. */
  public int inFlight() {
    return inFlight;
  }

  /**
   * Counts one more request in flight without a clock reading: {@link #pendingAgeNanos} knows
   * nothing of the time it became busy and reports 0 until its next answer.
   */
  public void acquire() {
    if ((int) IN_FLIGHT.getAndAdd(this, 1) == 0) {
      progressStampNanos = UNKNOWN;
    }
  }

  /**
   * Counts one more request in flight; called when a lease is handed out at {@code nowNanos}. When
   * the endpoint was idle, it is busy from now on, which starts the clock of {@link #pendingAgeNanos}.
   */
  public void acquire(long nowNanos) {
    if ((int) IN_FLIGHT.getAndAdd(this, 1) == 0) {
      progressStampNanos = nowNanos;
    }
  }

  /**
   * Notes that the endpoint answered a request (any answer, even an error) at {@code nowNanos}:
   * it is making progress, so {@link #pendingAgeNanos} starts again from zero.
   */
  public void recordAnswer(long nowNanos) {
    progressStampNanos = nowNanos;
  }

  /**
   * How long the endpoint has had requests in flight without answering any: the time since the
   * later of its last answer and the moment it went from idle to busy; 0 when it is idle or that
   * moment is unknown. A lock-free lower bound on the age of its oldest pending request, so an
   * endpoint that stalls looks slow long before its first slow answer comes back.
   */
  public long pendingAgeNanos(long nowNanos) {
    long stamp = progressStampNanos;
    if (inFlight <= 0 || stamp == UNKNOWN) {
      return 0;
    }
    return Math.max(nowNanos - stamp, 0);
  }

  /**
   * Counts one more request in flight unless {@code limit} are already, as one atomic step: the
   * conditional form of {@link #acquire(long)}, so that a burst of routing threads cannot all pass
   * a check of {@link #inFlight()} and then all take a slot.
   *
   * @param limit the most requests in flight; 0 or less for no limit
   * @return whether the slot was taken
   */
  public boolean tryAcquire(int limit, long nowNanos) {
    if (limit <= 0) {
      acquire(nowNanos);
      return true;
    }
    for (;;) {
      int n = inFlight;
      if (n >= limit) {
        return false;
      }
      if (IN_FLIGHT.compareAndSet(this, n, n + 1)) {
        if (n == 0) {
          progressStampNanos = nowNanos;
        }
        return true;
      }
    }
  }

  /**
   * A temporary limit on requests in flight, over the endpoint's own {@code maxConcurrency}, that
   * the router enforces atomically when it takes a slot (such as a few trial requests to an endpoint
   * coming back). 0 removes it.
   */
  public void capConcurrency(int cap) {
    if (cap < 0) {
      throw new IllegalArgumentException("cap: " + cap + " (expected: >= 0)");
    }
    concurrencyCap = cap;
  }

  /** The temporary limit on requests in flight, 0 when there is none. */
  public int concurrencyCap() {
    return concurrencyCap;
  }

  /** Counts one request fewer in flight; called once when a lease completes. */
  public void release() {
    IN_FLIGHT.getAndAdd(this, -1);
  }

  // ---------------------------------------------------------------- status

  public EndpointStatus status() {
    return status;
  }

  /** When the current status began, in ticker nanoseconds (for slow start and ejection timing). */
  public long statusSinceNanos() {
    return statusSinceNanos;
  }

  /**
   * Moves to a status; the time it began changes only when the status does. Going into or out of
   * {@link EndpointStatus#UNHEALTHY} forgets the {@linkplain #prefixBlocks() prefix estimate}: a
   * server that fails its health checks has often restarted, with an empty prefix cache.
   */
  public void setStatus(EndpointStatus newStatus, long nowNanos) {
    Objects.requireNonNull(newStatus, "newStatus");
    synchronized (this) {
      if (status != newStatus) {
        if (status == EndpointStatus.UNHEALTHY || newStatus == EndpointStatus.UNHEALTHY) {
          forgetPrefixBlocks();
        }
        statusSinceNanos = nowNanos;
        status = newStatus;
      }
    }
  }

  // ---------------------------------------------------------------- latency

  /** Whether at least one latency sample was recorded. */
  public boolean hasLatencySample() {
    return hasLatency;
  }

  /** The peak-EWMA latency as last recorded, in nanoseconds, without idle decay; 0 before any sample. */
  public double latencyEwmaNanos() {
    return latencyEwmaNanos;
  }

  /**
   * The plain EWMA of latency (every sample weighted by the same time decay as the peak EWMA, no
   * peak taken at once) as last recorded, in nanoseconds, without idle decay; 0 before any sample.
   * Never above {@link #latencyEwmaNanos()}.
   */
  public double latencyMeanNanos() {
    return latencyMeanNanos;
  }

  /** When the peak-EWMA latency was last recorded, in ticker nanoseconds (its idle decay starts there). */
  public long latencyStampNanos() {
    return latencyStampNanos;
  }

  /**
   * The peak-EWMA latency decayed to {@code nowNanos} with time constant {@code tauNanos}: it
   * falls toward zero while the endpoint receives no new samples.
   */
  public double latencyEwmaNanos(long nowNanos, long tauNanos) {
    double ewma = latencyEwmaNanos;
    long gap = nowNanos - latencyStampNanos;
    if (gap <= 0 || ewma == 0) {
      return ewma;
    }
    return ewma * Math.exp(-(double) gap / tauNanos);
  }

  /**
   * Records one latency sample as peak EWMA with time constant {@code tauNanos}.
   *
   * @param latencyNanos the observed latency; negative values are ignored
   */
  public void recordLatency(long latencyNanos, long nowNanos, long tauNanos) {
    if (latencyNanos < 0) {
      return;
    }
    synchronized (this) {
      double stored = latencyEwmaNanos;
      double next;
      double mean;
      if (!hasLatency) {
        next = latencyNanos;
        mean = latencyNanos;
      } else {
        long gap = Math.max(nowNanos - latencyStampNanos, 0);
        double w = Math.exp(-(double) gap / tauNanos);
        mean = latencyMeanNanos * w + latencyNanos * (1 - w);
        // a new peak is taken at once
        next = latencyNanos > stored ? latencyNanos : stored * w + latencyNanos * (1 - w);
      }
      latencyEwmaNanos = next;
      latencyMeanNanos = Math.min(mean, next);
      latencyStampNanos = nowNanos;
      hasLatency = true;
    }
  }

  /** The EWMA of time to first byte or token, in nanoseconds; 0 before any sample. */
  public double ttftEwmaNanos() {
    return ttftEwmaNanos;
  }

  /** Records a time-to-first-token sample (plain EWMA with time constant {@code tauNanos}). */
  public void recordTtft(long ttftNanos, long nowNanos, long tauNanos) {
    if (ttftNanos < 0) {
      return;
    }
    synchronized (this) {
      if (ttftStampNanos == 0 && ttftEwmaNanos == 0) {
        ttftEwmaNanos = ttftNanos;
      } else {
        long gap = Math.max(nowNanos - ttftStampNanos, 0);
        double w = Math.exp(-(double) gap / tauNanos);
        ttftEwmaNanos = ttftEwmaNanos * w + ttftNanos * (1 - w);
      }
      ttftStampNanos = nowNanos == 0 ? 1 : nowNanos;
    }
  }

  /**
   * The EWMA of the time per output token after the first (decode speed: the engine step time at
   * the endpoint's batch size), in nanoseconds; 0 before any sample. It tells a slow GPU from a fast
   * one whatever the answers' lengths and the prefix-cache hits.
   */
  public double tpotEwmaNanos() {
    return tpotEwmaNanos;
  }

  /** Records a time-per-output-token sample (plain EWMA with time constant {@code tauNanos}). */
  public void recordTpot(double tpotNanos, long nowNanos, long tauNanos) {
    if (!(tpotNanos > 0)) {
      return;
    }
    synchronized (this) {
      if (tpotEwmaNanos == 0) {
        tpotEwmaNanos = tpotNanos;
      } else {
        long gap = Math.max(nowNanos - tpotStampNanos, 0);
        double w = Math.exp(-(double) gap / tauNanos);
        tpotEwmaNanos = tpotEwmaNanos * w + tpotNanos * (1 - w);
      }
      tpotStampNanos = nowNanos;
    }
  }

  /**
   * The time this endpoint takes per prompt token before its first output token (its prefill rate),
   * in nanoseconds, learnt from answers that report their prompt tokens and TTFT; 0 while unknown
   * (before two answers with prompts of different lengths). Prompt tokens count as the server
   * reports them, prefix-cache hits included, so the rate is an average over the endpoint's hits
   * and misses. See {@link #recordPrefill}.
   */
  public double prefillNanosPerToken() {
    return prefill.nanosPerToken();
  }

  /**
   * The mean prompt length, in tokens, of the answers {@link #prefillNanosPerToken()} was learnt
   * from (decayed as the TTFT EWMA is); 0 before any. A request's predicted TTFT is the TTFT EWMA
   * plus the rate times its prompt's difference from this mean.
   */
  public double prefillMeanTokens() {
    return prefill.meanTokens();
  }

  /**
   * Records one answer's prompt length and time to first token for {@link #prefillNanosPerToken()}:
   * a least-squares line through these samples, weighted by time decay with constant {@code
   * tauNanos}, whose slope is kept between 0 and the mean TTFT per mean prompt token. Samples
   * without a prompt or a TTFT are ignored.
   */
  public void recordPrefill(int promptTokens, long ttftNanos, long nowNanos, long tauNanos) {
    if (promptTokens <= 0 || ttftNanos < 0) {
      return;
    }
    prefill.record(promptTokens, ttftNanos, nowNanos, tauNanos);
  }

  // ---------------------------------------------------------------- errors

  /** Completed requests, successful or not. */
  public long requests() {
    return requests;
  }

  /** Completed requests that failed. */
  public long failures() {
    return failures;
  }

  /** Failures since the last success. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Counts a successful request and resets the run of consecutive failures. */
  public void recordSuccess() {
    REQUESTS.getAndAdd(this, 1L);
    consecutiveFailures = 0;
  }

  /**
   * Forgets the run of consecutive failures without counting a request: an endpoint back from an
   * outage (a passed health check after its ejection) is judged on what it does next, not on the
   * failures of the outage, which strategies multiply its cost by.
   */
  public void clearConsecutiveFailures() {
    consecutiveFailures = 0;
  }

  /** Counts a failed request and returns the run of consecutive failures it extends. */
  public int recordFailure() {
    REQUESTS.getAndAdd(this, 1L);
    FAILURES.getAndAdd(this, 1L);
    return (int) CONSECUTIVE_FAILURES.getAndAdd(this, 1) + 1;
  }

  // ---------------------------------------------------------------- server metrics

  /**
   * Stores what the model server itself reports (scraped metrics). Pass {@code -1} or NaN for a
   * signal the server does not report.
   *
   * @param waiting requests queued on the server
   * @param runningRequests requests being processed on the server
   * @param kvUsage KV-cache use between 0 and 1
   */
  public void updateServerMetrics(int waiting, int runningRequests, double kvUsage, long nowNanos) {
    this.queueDepth = waiting;
    this.running = runningRequests;
    this.kvCacheUsage = kvUsage;
    this.metricsStampNanos = nowNanos;
    this.hasMetrics = true;
  }

  /** Requests waiting in the server's queue as last scraped; -1 when unknown. */
  public int queueDepth() {
    return queueDepth;
  }

  /** Requests running on the server as last scraped; -1 when unknown. */
  public int running() {
    return running;
  }

  /** KV-cache use between 0 and 1 as last scraped; NaN when unknown. */
  public double kvCacheUsage() {
    return kvCacheUsage;
  }

  /** Whether server metrics were ever stored. */
  public boolean hasServerMetrics() {
    return hasMetrics;
  }

  /** When the server metrics were last stored, in ticker nanoseconds. */
  public long serverMetricsStampNanos() {
    return metricsStampNanos;
  }

  /**
   * Whether server metrics exist and are younger than {@code maxAgeNanos}; stale metrics count
   * as unknown, never as idle.
   */
  public boolean serverMetricsFresh(long nowNanos, long maxAgeNanos) {
    return hasMetrics && nowNanos - metricsStampNanos <= maxAgeNanos;
  }

  /** LoRA adapters the server reports as loaded (from scraped metrics). */
  public Set<String> loadedAdapters() {
    return loadedAdapters;
  }

  public void updateLoadedAdapters(Set<String> adapters) {
    this.loadedAdapters = Set.copyOf(adapters);
  }

  // ---------------------------------------------------------------- prefix cache estimate

  /** The prompt blocks this router sent to the endpoint recently, or null before the first. */
  public @Nullable PrefixBlockCache prefixBlocks() {
    return prefixBlocks;
  }

  /**
   * The prompt blocks this router sent to the endpoint recently, created with room for {@code
   * capacityBlocks} on first use (once per endpoint: a later call with another capacity gets the
   * existing table). Lock-free: two first uses at once may both build a table; one is kept.
   */
  public PrefixBlockCache prefixBlocks(int capacityBlocks) {
    PrefixBlockCache t = prefixBlocks;
    if (t != null) {
      return t;
    }
    PrefixBlockCache created = new PrefixBlockCache(capacityBlocks);
    PrefixBlockCache witness = (PrefixBlockCache) PREFIX_BLOCKS.compareAndExchange(this, (PrefixBlockCache) null, created);
    return witness != null ? witness : created;
  }

  /**
   * Forgets the prompt blocks sent to the endpoint, for when its server restarted (its prefix cache
   * is empty): {@link #prefixBlocks()} is null until the next request records a new table, and the
   * {@link #prefillBacklog()} is empty.
   */
  public void forgetPrefixBlocks() {
    prefixBlocks = null;
    prefillBacklog.clear();
  }

  /** The prompt blocks this router sent the endpoint to prefill that it probably has not yet. */
  public PrefillBacklog prefillBacklog() {
    return prefillBacklog;
  }

  // ---------------------------------------------------------------- quota

  /**
   * Takes one request from this endpoint's rate quota, lock-free (the generic cell rate
   * algorithm: one timestamp advanced by CAS).
   *
   * @param requestsPerSecond the quota; 0 or less means unlimited and always succeeds
   * @param burst how many requests may arrive at once after idling, at least 1
   * @return whether the request fits the quota
   */
  public boolean tryAcquireQuota(double requestsPerSecond, int burst, long nowNanos) {
    if (requestsPerSecond <= 0) {
      return true;
    }
    long interval = (long) (1_000_000_000d / requestsPerSecond);
    long tolerance = interval * Math.max(burst - 1, 0);
    while (true) {
      long tat = quotaTat;
      long start = tat == Long.MIN_VALUE ? nowNanos : Math.max(tat, nowNanos);
      if (start - nowNanos > tolerance) {
        return false;
      }
      if (QUOTA_TAT.compareAndSet(this, tat, start + interval)) {
        return true;
      }
    }
  }

  /** Whether a request would fit the quota now, without taking it. */
  public boolean quotaAvailable(double requestsPerSecond, int burst, long nowNanos) {
    if (requestsPerSecond <= 0) {
      return true;
    }
    long interval = (long) (1_000_000_000d / requestsPerSecond);
    long tat = quotaTat;
    long start = tat == Long.MIN_VALUE ? nowNanos : Math.max(tat, nowNanos);
    return start - nowNanos <= interval * Math.max(burst - 1, 0);
  }

  @Override
  public String toString() {
    return "EndpointState{" + id + ", " + status + ", inFlight=" + inFlight
        + ", ewmaMs=" + latencyEwmaNanos / 1e6 + ", failures=" + failures + '}';
  }
}
