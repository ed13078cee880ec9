package io.modelrouter.select;

import io.modelrouter.RouteRequest;
import io.modelrouter.health.EndpointState;
import java.util.Locale;
import java.util.Objects;

/**
 * The default for LLM servers: prefix-cache reuse, the prefill this router sent the endpoint and
 * it has probably not done yet, the server's queue, running sequences and KV-cache use, this
 * router's requests in flight and the endpoint's speed scored together, under a load bound. See
 * {@link Strategies#llmCombined()} for the score and its weights.
 *
 * <p>Built from the parts of a {@link CompositeStrategy}, fused into one pass: the terms are those
 * of {@link Scorers#prefixCache}, {@link Scorers#queueDepth}, {@link Scorers#runningSequences},
 * {@link Scorers#kvCacheUsage} and {@link Scorers#inFlight}, with the queue and in-flight counts
 * multiplied by the endpoint's slowness against the candidates' mean, plus a slowness term; the
 * picker takes the lowest score among the candidates under the load bound. A first pass over the
 * candidates reads the in-flight counts, weights and speeds for the bound and the means; after the
 * pick the chosen endpoint's {@link EndpointState#prefillBacklog()} gains the blocks it lacks and
 * the {@link PrefixCacheIndex} learns where the request went. Above {@link
 * Builder#fullScanLimit} candidates a pick scores only two random ones and the index's likely
 * prefix holders, so its cost does not grow with the pool. (An explanation's {@link #score} takes
 * its means over all candidates, so above the limit it may differ a little from the pick's.)
 * Immutable and thread-safe; a pick allocates nothing and takes no lock.
 */
public final class LlmCombinedStrategy implements SelectionStrategy {

  static final LlmCombinedStrategy DEFAULT = builder().build();

  /** Candidates a pick over a large pool scores: two random ones and two prefix holders. */
  private static final int SAMPLED = 4;

  /** Matched prefix blocks the pick did not look up; {@link #chosen} looks them up if the backlog needs them. */
  private static final int UNMATCHED = -1;

  private final PrefixCacheIndex prefixIndex;
  private final LatencyModel model;
  private final double prefixWeight;
  private final double queueWeight;
  private final double runningWeight;
  private final double kvCacheWeight;
  private final double inFlightWeight;
  private final double latencyWeight;
  private final double backlogWeight;
  private final double prefillBlocksPerSecond;
  private final double loadFactor;
  private final int fullScanLimit;

  private LlmCombinedStrategy(Builder b) {
    this.prefixIndex = b.prefixIndex;
    this.model = b.model;
    this.prefixWeight = b.prefixWeight;
    this.queueWeight = b.queueWeight;
    this.runningWeight = b.runningWeight;
    this.kvCacheWeight = b.kvCacheWeight;
    this.inFlightWeight = b.inFlightWeight;
    this.latencyWeight = b.latencyWeight;
    this.backlogWeight = b.backlogWeight;
    this.prefillBlocksPerSecond = b.prefillBlocksPerSecond;
    this.loadFactor = b.loadFactor;
    this.fullScanLimit = b.fullScanLimit;
  }

  /** Starts a combined strategy with the documented defaults of {@link Strategies#llmCombined()}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n <= 1) {
      if (n == 1) {
        chosen(c, 0, UNMATCHED);
        return 0;
      }
      return NONE;
    }
    if (n > fullScanLimit) {
      return selectSampled(c, n);
    }
    long totalInFlight = 0;
    long totalWeight = 0;
    double tpotSum = 0;
    int tpots = 0;
    double usualSum = 0;
    int usuals = 0;
    for (int i = 0; i < n; i++) {
      EndpointState s = c.state(i);
      totalInFlight += Math.max(s.inFlight(), 0);
      totalWeight += c.endpoint(i).weight();
      double tpot = s.tpotEwmaNanos();
      if (tpot > 0) {
        tpotSum += tpot;
        tpots++;
      }
      double usual = s.latencyEwmaNanos();
      if (usual > 0) {
        usualSum += usual;
        usuals++;
      }
    }
    double meanTpot = tpots == 0 ? 0 : tpotSum / tpots;
    double meanRtt = tpots == 0 ? meanRtt(c) : 0; // only used when no candidate reports tokens
    double meanUsual = usuals == 0 ? 0 : usualSum / usuals;
    // Weighted bounded load: an endpoint may carry up to loadFactor times its weight's share.
    double perWeight = loadFactor * (totalInFlight + 1) / Math.max(totalWeight, 1);
    int start = c.random().nextInt(n);
    int best = NONE;
    int bestMatched = UNMATCHED;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      int i = start + k < n ? start + k : start + k - n;
      EndpointState s = c.state(i);
      int inFlight = s.inFlight();
      // inFlight < ceil(x) is inFlight < x for an integer inFlight
      if (inFlight < perWeight * c.endpoint(i).weight()) {
        int matched = matched(c, i);
        double score = score(c, s, inFlight, matched, meanTpot, meanRtt, meanUsual);
        if (score < bestScore) {
          best = i;
          bestMatched = matched;
          bestScore = score;
        }
      }
    }
    if (best == NONE) {
      // Only when in-flight counts moved during the scan (loadFactor >= 1 leaves one under the
      // bound): never fail a request, take the best score.
      for (int i = 0; i < n; i++) {
        EndpointState s = c.state(i);
        int matched = matched(c, i);
        double score = score(c, s, s.inFlight(), matched, meanTpot, meanRtt, meanUsual);
        if (score < bestScore) {
          best = i;
          bestMatched = matched;
          bestScore = score;
        }
      }
    }
    if (best != NONE) {
      chosen(c, best, bestMatched);
    }
    return best;
  }

  /**
   * The candidate's matched prefix blocks when the prefix term counts, else {@link #UNMATCHED}
   * (not looked up): a pick looks each candidate up once, and the chosen one's count serves its
   * backlog too.
   */
  private int matched(Candidates c, int index) {
    return prefixWeight > 0 ? prefixIndex.matchedBlocks(c, index) : UNMATCHED;
  }

  /**
   * Adds the blocks the chosen endpoint lacks to its {@linkplain EndpointState#prefillBacklog()
   * prefill backlog}, then tells the index where the request went. {@code matched} is the
   * endpoint's matched prefix blocks as the pick looked them up, or {@link #UNMATCHED}.
   */
  private void chosen(Candidates c, int index, int matched) {
    int blocks = c.request().prefixBlockCount();
    if (backlogWeight > 0 && blocks > 0) {
      int missing = blocks - (matched != UNMATCHED ? matched : prefixIndex.matchedBlocks(c, index));
      c.state(index).prefillBacklog().add(missing, c.nanoTime(), prefillBlocksPerSecond);
    }
    prefixIndex.chosen(c, index);
  }

  /**
   * The pick over a pool above the full-scan limit, O(1) in the pool's size: the same score and
   * load bound as the full scan, over two random candidates (power of two choices) and the index's
   * {@linkplain PrefixCacheIndex#longestHolder longest} and {@linkplain
   * PrefixCacheIndex#firstBlockHolder first-block} prefix holders. The means are taken over
   * these at most four; the bound's share of the pool's in-flight requests from the two random
   * ones alone (the holders are not a fair sample of the load): {@code loadFactor * (inFlight(a) +
   * inFlight(b) + 2 / n) / (weight(a) + weight(b))} per unit of weight estimates the full scan's
   * {@code loadFactor * (total in flight + 1) / total weight}.
   */
  private int selectSampled(Candidates c, int n) {
    int a = c.random().nextInt(n);
    int b = c.random().nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    int h = NONE;
    int f = NONE;
    if (prefixWeight > 0) {
      h = prefixIndex.longestHolder(c);
      f = prefixIndex.firstBlockHolder(c);
      if (h == a || h == b) {
        h = NONE;
      }
      if (f == a || f == b || f == h) {
        f = NONE;
      }
    }
    double tpotSum = 0;
    int tpots = 0;
    double rttSum = 0;
    double usualSum = 0;
    int usuals = 0;
    int sampled = 0;
    for (int k = 0; k < SAMPLED; k++) {
      int i = sampled(k, a, b, h, f);
      if (i == NONE) {
        continue;
      }
      EndpointState s = c.state(i);
      double tpot = s.tpotEwmaNanos();
      if (tpot > 0) {
        tpotSum += tpot;
        tpots++;
      }
      rttSum += tpots == 0 ? model.rttNanos(s, c.nanoTime()) : 0; // only used when none reports tokens
      double usual = s.latencyEwmaNanos();
      if (usual > 0) {
        usualSum += usual;
        usuals++;
      }
      sampled++;
    }
    double meanTpot = tpots == 0 ? 0 : tpotSum / tpots;
    double meanRtt = tpots == 0 ? rttSum / sampled : 0;
    double meanUsual = usuals == 0 ? 0 : usualSum / usuals;
    double sampleInFlight = Math.max(c.state(a).inFlight(), 0) + Math.max(c.state(b).inFlight(), 0);
    long sampleWeight = c.endpoint(a).weight() + (long) c.endpoint(b).weight();
    double perWeight = loadFactor * (sampleInFlight + 2.0 / n) / Math.max(sampleWeight, 1);
    int best = NONE;
    double bestScore = Double.POSITIVE_INFINITY;
    int fallback = NONE;
    double fallbackScore = Double.POSITIVE_INFINITY;
    for (int k = 0; k < SAMPLED; k++) {
      int i = sampled(k, a, b, h, f);
      if (i == NONE) {
        continue;
      }
      EndpointState s = c.state(i);
      int inFlight = s.inFlight();
      double score = score(c, s, inFlight, matched(c, i), meanTpot, meanRtt, meanUsual);
      if (inFlight < perWeight * c.endpoint(i).weight()) {
        if (score < bestScore) {
          best = i;
          bestScore = score;
        }
      } else if (score < fallbackScore) {
        fallback = i;
        fallbackScore = score;
      }
    }
    if (best == NONE) {
      best = fallback;
    }
    chosen(c, best, UNMATCHED);
    return best;
  }

  /** The {@code k}-th candidate of a sampled pick. */
  private static int sampled(int k, int a, int b, int h, int f) {
    return k == 0 ? a : k == 1 ? b : k == 2 ? h : f;
  }

  @Override
  public double score(Candidates c, int index) {
    double meanTpot = meanTpot(c);
    EndpointState s = c.state(index);
    return score(c, s, s.inFlight(), matched(c, index), meanTpot, meanTpot > 0 ? 0 : meanRtt(c), meanUsual(c));
  }

  /**
   * The score of a candidate whose state is {@code s}, with {@code inFlight} requests in flight as
   * the load bound read them and {@code matched} prefix blocks ({@link #matched}). Each of its
   * signals is read once, and a term whose weight is 0 is neither read nor computed: it would add
   * exactly 0.
   */
  private double score(Candidates c, EndpointState s, int inFlight, int matched,
      double meanTpot, double meanRtt, double meanUsual) {
    long now = c.nanoTime();
    double slowness = slowness(s, now, meanTpot, meanRtt);
    double score = inFlightWeight * Scorers.inFlightTerm(inFlight * slowness)
        + latencyWeight * (slowness / (1 + slowness) + (inFlight > 0 ? stall(s, now, meanUsual) : 0));
    if (prefixWeight > 0) {
      score += prefixWeight * Scorers.prefixTerm(c.request().prefixBlockCount() - matched);
    }
    if (backlogWeight > 0) {
      score += backlogWeight * Scorers.backlogTerm(s.prefillBacklog().blocks(now, prefillBlocksPerSecond));
    }
    if (!model.metricsFresh(s, now)) {
      return score + queueWeight + runningWeight + kvCacheWeight; // unknown scores as bad, not idle
    }
    int q = s.queueDepth();
    score += queueWeight * (q < 0 ? 1 : Scorers.queueTerm(q * slowness));
    if (runningWeight > 0) {
      score += runningWeight * Scorers.runningTerm(s.running());
    }
    return kvCacheWeight > 0 ? score + kvCacheWeight * Scorers.kvCacheTerm(s.kvCacheUsage()) : score;
  }

  /**
   * How much slower than the candidates' mean the endpoint is: {@code tpot / mean tpot} from the
   * time-per-output-token EWMAs ({@link EndpointState#tpotEwmaNanos()}: decode speed, which a
   * cache miss does not touch), 1 (average) for an endpoint without one yet; when no candidate has
   * a TPOT sample (answers that report no tokens), {@code rtt / mean rtt} from {@link
   * LatencyModel#rttNanos} as {@link Strategies#leastLatency()} sees it: the initial RTT before
   * any answer, so that a new endpoint is tried, and decaying while idle, so that a slow one is
   * probed again (the load bound limits how many requests a new endpoint takes before its first
   * answer). Requests queued or in flight on an endpoint twice as slow
   * as the mean count twice. (The prefill of the blocks it lacks is not scaled: decode time grows
   * with the batch, so a busy server holding a prefix would look slow and lose its own prefix's
   * requests.)
   */
  private double slowness(EndpointState s, long now, double meanTpot, double meanRtt) {
    if (meanTpot > 0) {
      double tpot = s.tpotEwmaNanos();
      return tpot > 0 ? tpot / meanTpot : 1;
    }
    return meanRtt > 0 ? model.rttNanos(s, now) / meanRtt : 1;
  }

  /**
   * How long the endpoint has gone without answering beyond twice its usual latency, in units of
   * it: {@code max(0, pending age / usual - 2)} ({@link EndpointState#pendingAgeNanos}), with
   * {@code usual} the larger of its own peak latency EWMA ({@link EndpointState#latencyEwmaNanos()},
   * near a high percentile of its answers' times) and the candidates' mean of it; 0 before the
   * endpoint's first answer. A working server answers some request at least every peak latency,
   * so this stays 0 (it never rose above 0 in the simulator's scenarios 3 and 7); a stalled one
   * (frozen, hung, cut off) gains 1 for every usual latency that passes, unbounded, so it soon
   * loses to any endpoint that answers, prefix cache or not, long before its scraped metrics go
   * stale or its requests time out. The counterpart of the pending age in {@link
   * Strategies#leastLatency()}, in units of latency because the other terms have none.
   */
  private static double stall(EndpointState s, long now, double meanUsual) {
    long pending = s.pendingAgeNanos(now);
    double own = s.latencyEwmaNanos();
    return pending == 0 || own <= 0 ? 0 : Math.max(pending / Math.max(own, meanUsual) - 2, 0);
  }

  /** The candidates' mean peak latency EWMA over those with a sample, 0 when none has one. */
  private static double meanUsual(Candidates c) {
    double sum = 0;
    int sampled = 0;
    for (int i = 0; i < c.size(); i++) {
      double usual = c.state(i).latencyEwmaNanos();
      if (usual > 0) {
        sum += usual;
        sampled++;
      }
    }
    return sampled == 0 ? 0 : sum / sampled;
  }

  /** The candidates' mean TPOT EWMA, 0 when none has a sample. */
  private static double meanTpot(Candidates c) {
    double sum = 0;
    int sampled = 0;
    for (int i = 0; i < c.size(); i++) {
      double tpot = c.state(i).tpotEwmaNanos();
      if (tpot > 0) {
        sum += tpot;
        sampled++;
      }
    }
    return sampled == 0 ? 0 : sum / sampled;
  }

  /** The candidates' mean {@link LatencyModel#rttNanos}. */
  private double meanRtt(Candidates c) {
    double sum = 0;
    for (int i = 0; i < c.size(); i++) {
      sum += model.rttNanos(c.state(i), c.nanoTime());
    }
    return c.size() == 0 ? 0 : sum / c.size();
  }

  /**
   * Every term of the score, unweighted, with its weight, the matched prefix blocks and the
   * slowness the queue and in-flight counts are multiplied by; off the hot path.
   */
  @Override
  public String explain(Candidates c, int index) {
    EndpointState s = c.state(index);
    RouteRequest r = c.request();
    int matched = prefixIndex.matchedBlocks(c, index);
    boolean fresh = model.metricsFresh(s, c.nanoTime());
    double meanTpot = meanTpot(c);
    double slowness = slowness(s, c.nanoTime(), meanTpot, meanTpot > 0 ? 0 : meanRtt(c));
    double stall = stall(s, c.nanoTime(), meanUsual(c));
    double backlog = s.prefillBacklog().blocks(c.nanoTime(), prefillBlocksPerSecond);
    int q = s.queueDepth();
    return String.format(Locale.ROOT,
        "prefix_blocks=%d/%d backlog_blocks=%.1f slowness=%.2f prefix=%.3f*%s backlog=%.3f*%s queue=%.3f*%s"
            + " running=%.3f*%s kv=%.3f*%s inflight=%.3f*%s latency=%.3f*%s%s",
        matched, r.prefixBlockCount(), backlog, slowness,
        Scorers.prefixTerm(r.prefixBlockCount() - matched), w(prefixWeight),
        Scorers.backlogTerm(backlog), w(backlogWeight),
        fresh && q >= 0 ? Scorers.queueTerm(q * slowness) : 1, w(queueWeight),
        fresh ? Scorers.runningTerm(s.running()) : 1, w(runningWeight),
        fresh ? Scorers.kvCacheTerm(s.kvCacheUsage()) : 1, w(kvCacheWeight),
        Scorers.inFlightTerm(s.inFlight() * slowness), w(inFlightWeight),
        slowness / (1 + slowness) + stall, w(latencyWeight),
        fresh ? "" : " metrics=stale");
  }

  private static String w(double weight) {
    return String.format(Locale.ROOT, "%.3g", weight);
  }

  @Override
  public String name() {
    return "llm-combined";
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "LlmCombinedStrategy{prefix=%s, backlog=%s, queue=%s, running=%s, kv=%s, inFlight=%s, latency=%s,"
            + " prefillBlocksPerSecond=%s, loadFactor=%s, fullScanLimit=%d, index=%s}",
        prefixWeight, backlogWeight, queueWeight, runningWeight, kvCacheWeight, inFlightWeight, latencyWeight,
        prefillBlocksPerSecond, loadFactor, fullScanLimit, prefixIndex.name());
  }

  /** Builds an {@link LlmCombinedStrategy}; every setter checks its argument. */
  public static final class Builder {
    private PrefixCacheIndex prefixIndex = PrefixCacheIndex.estimated();
    private LatencyModel model = LatencyModel.ofDefaults();
    private double prefixWeight = Strategies.DEFAULT_LLM_PREFIX_WEIGHT;
    private double queueWeight = Strategies.DEFAULT_LLM_QUEUE_WEIGHT;
    private double runningWeight = Strategies.DEFAULT_LLM_RUNNING_WEIGHT;
    private double kvCacheWeight = Strategies.DEFAULT_LLM_KV_CACHE_WEIGHT;
    private double inFlightWeight = Strategies.DEFAULT_LLM_IN_FLIGHT_WEIGHT;
    private double latencyWeight = Strategies.DEFAULT_LLM_LATENCY_WEIGHT;
    private double backlogWeight = Strategies.DEFAULT_LLM_BACKLOG_WEIGHT;
    private double prefillBlocksPerSecond = Strategies.DEFAULT_LLM_PREFILL_BLOCKS_PER_SECOND;
    private double loadFactor = Strategies.DEFAULT_LLM_LOAD_FACTOR;
    private int fullScanLimit = Strategies.DEFAULT_FULL_SCAN_LIMIT;

    private Builder() {}

    /** Where prefixes are cached; {@link PrefixCacheIndex#estimated()} by default. */
    public Builder prefixIndex(PrefixCacheIndex index) {
      this.prefixIndex = Objects.requireNonNull(index, "index");
      return this;
    }

    /** How old server metrics may be; {@link LatencyModel#ofDefaults()} by default. */
    public Builder latencyModel(LatencyModel model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /** Weight of the uncached part of the prompt; {@value Strategies#DEFAULT_LLM_PREFIX_WEIGHT} by default. */
    public Builder prefixWeight(double weight) {
      this.prefixWeight = check("prefixWeight", weight);
      return this;
    }

    /** Weight of the server's queue; {@value Strategies#DEFAULT_LLM_QUEUE_WEIGHT} by default. */
    public Builder queueWeight(double weight) {
      this.queueWeight = check("queueWeight", weight);
      return this;
    }

    /** Weight of the server's running sequences; {@value Strategies#DEFAULT_LLM_RUNNING_WEIGHT} by default. */
    public Builder runningWeight(double weight) {
      this.runningWeight = check("runningWeight", weight);
      return this;
    }

    /** Weight of the server's KV-cache use; {@value Strategies#DEFAULT_LLM_KV_CACHE_WEIGHT} by default. */
    public Builder kvCacheWeight(double weight) {
      this.kvCacheWeight = check("kvCacheWeight", weight);
      return this;
    }

    /** Weight of this router's requests in flight; {@value Strategies#DEFAULT_LLM_IN_FLIGHT_WEIGHT} by default. */
    public Builder inFlightWeight(double weight) {
      this.inFlightWeight = check("inFlightWeight", weight);
      return this;
    }

    /** Weight of the slowness (decode speed against the candidates' mean) and the stall; {@value Strategies#DEFAULT_LLM_LATENCY_WEIGHT} by default. */
    public Builder latencyWeight(double weight) {
      this.latencyWeight = check("latencyWeight", weight);
      return this;
    }

    /**
     * Weight of the prefill backlog (prompt blocks sent to the endpoint to prefill, not yet worked
     * off); {@value Strategies#DEFAULT_LLM_BACKLOG_WEIGHT} by default, 0 turns it off.
     */
    public Builder backlogWeight(double weight) {
      this.backlogWeight = check("backlogWeight", weight);
      return this;
    }

    /**
     * How many prompt blocks a second an endpoint is assumed to prefill, which drains its backlog;
     * {@value Strategies#DEFAULT_LLM_PREFILL_BLOCKS_PER_SECOND} by default. Set it near the servers'
     * prefill throughput (prompt tokens a second over tokens per block).
     */
    public Builder prefillBlocksPerSecond(double blocksPerSecond) {
      if (!(blocksPerSecond > 0) || Double.isInfinite(blocksPerSecond)) {
        throw new IllegalArgumentException(
            "prefillBlocksPerSecond: " + blocksPerSecond + " (expected: a finite number > 0)");
      }
      this.prefillBlocksPerSecond = blocksPerSecond;
      return this;
    }

    /**
     * How far over its weight's share of the in-flight requests an endpoint may go before it is
     * passed over, at least 1; {@value Strategies#DEFAULT_LLM_LOAD_FACTOR} by default.
     */
    public Builder loadFactor(double loadFactor) {
      if (!(loadFactor >= 1) || Double.isInfinite(loadFactor)) {
        throw new IllegalArgumentException("loadFactor: " + loadFactor + " (expected: a finite number >= 1)");
      }
      this.loadFactor = loadFactor;
      return this;
    }

    /**
     * Up to how many candidates every one is scored, at least 2; above it a pick scores two random
     * candidates and the prefix index's two likely holders, O(1) in the pool's size. {@value
     * Strategies#DEFAULT_FULL_SCAN_LIMIT} by default.
     */
    public Builder fullScanLimit(int limit) {
      if (limit < 2) {
        throw new IllegalArgumentException("fullScanLimit: " + limit + " (expected: at least 2)");
      }
      this.fullScanLimit = limit;
      return this;
    }

    private static double check(String what, double weight) {
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException(what + ": " + weight + " (expected: a finite number >= 0)");
      }
      return weight;
    }

    public LlmCombinedStrategy build() {
      return new LlmCombinedStrategy(this);
    }
  }
}
