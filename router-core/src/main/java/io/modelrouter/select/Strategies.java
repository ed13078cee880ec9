package io.modelrouter.select;

import java.time.Duration;
import java.util.Objects;

/**
 * Factories for the built-in {@link SelectionStrategy}s. Each is thread-safe, lock-free and
 * allocation-free per pick (the weighted ones build a small weight table once per registry
 * snapshot and model version, on first use). Strategies are stateless apart from such caches and
 * may be shared by routers.
 */
public final class Strategies {

  /**
   * Peak-EWMA time constant: 10 s, as in Finagle and tower. Long enough that one slow answer does
   * not swing traffic, short enough that an endpoint that recovered is trusted again within
   * seconds.
   */
  public static final Duration DEFAULT_EWMA_DECAY = Duration.ofSeconds(10);

  /**
   * The latency assumed for an endpoint with no sample yet: 30 ms, as in tower. Low enough that a
   * new endpoint is tried, high enough that it is not flooded before its first answers.
   */
  public static final Duration DEFAULT_INITIAL_RTT = Duration.ofMillis(30);

  /**
   * How far over the mean in-flight load an endpoint may go before {@link #boundedLoadHash()}
   * passes a key on: 1.25, the balance factor of HAProxy's {@code hash-balance-factor 125} and
   * the paper's sweet spot, where cache hits stay high and no endpoint carries more than 25% over
   * the mean.
   */
  public static final double DEFAULT_HASH_LOAD_FACTOR = 1.25;

  /**
   * How long {@link #slowStart(SelectionStrategy)} ramps an endpoint that joined or recovered: 30 s,
   * enough for a model server to warm its caches and for the router's EWMA to hold real samples.
   */
  public static final Duration DEFAULT_SLOW_START_WINDOW = Duration.ofSeconds(30);

  /**
   * The share of its normal traffic a ramping endpoint gets at first: 0.1, as Envoy's slow start
   * {@code min_weight_percent}, so it is tried at once but not flooded.
   */
  public static final double DEFAULT_SLOW_START_MIN_WEIGHT = 0.1;

  /**
   * Up to how many candidates {@link #leastLatency()} scans them all: 16. Below it a full scan
   * costs a few dozen nanoseconds per candidate and never pairs two slow endpoints; above it the
   * pick is power of two choices, O(1) however large the pool.
   */
  public static final int DEFAULT_FULL_SCAN_LIMIT = 16;

  /** The latency/cost trade-off of {@link #costAware()}: 0.5, both count the same within their ranges. */
  public static final double DEFAULT_COST_TRADE_OFF = 0.5;

  /**
   * Weight of the prefix term of {@link #llmCombined()} (uncached prompt blocks): 3, the largest, so
   * that a long cached prefix outweighs a short queue. Tuned with the others in the simulator's
   * scenario 7 ({@code docs/routing-quality.md}).
   */
  public static final double DEFAULT_LLM_PREFIX_WEIGHT = 3;

  /** Weight of the queue term of {@link #llmCombined()} (the server's waiting requests): 2. */
  public static final double DEFAULT_LLM_QUEUE_WEIGHT = 2;

  /**
   * Weight of the running term of {@link #llmCombined()} (the server's running sequences): 0. Tuned
   * out: in the simulator any weight made TTFT worse, as the queue, KV-cache and in-flight terms
   * already say what a full batch means; set it for servers whose batch slowdown matters more.
   */
  public static final double DEFAULT_LLM_RUNNING_WEIGHT = 0;

  /** Weight of the KV-cache term of {@link #llmCombined()} (the server's KV-cache use): 0.5. */
  public static final double DEFAULT_LLM_KV_CACHE_WEIGHT = 0.5;

  /** Weight of the in-flight term of {@link #llmCombined()} (this router's requests in flight): 1. */
  public static final double DEFAULT_LLM_IN_FLIGHT_WEIGHT = 1;

  /** Weight of the latency term of {@link #llmCombined()} (decode speed against the candidates' mean): 1. */
  public static final double DEFAULT_LLM_LATENCY_WEIGHT = 1;

  /**
   * Weight of the prefill-backlog term of {@link #llmCombined()} (prompt blocks this router sent the
   * endpoint to prefill that it has probably not prefilled yet): 1, the in-flight term's.
   */
  public static final double DEFAULT_LLM_BACKLOG_WEIGHT = 1;

  /**
   * How fast {@link #llmCombined()} assumes an endpoint works off its prefill backlog, in blocks per
   * second: 200, which is 12,800 prompt tokens a second at 64 tokens a block, between an A100 and an
   * H100 prefilling for an 8B model (about 10k and 25k tokens a second). In the simulator the
   * targets held at 200, 400 and 800 blocks a second, not at 100 ({@code docs/routing-quality.md}).
   */
  public static final double DEFAULT_LLM_PREFILL_BLOCKS_PER_SECOND = 200;

  /**
   * The load bound of {@link #llmCombined()}: an endpoint with at least {@code ceil(3 * (total in
   * flight + 1) * weight / total weight)} requests in flight is passed over, so a hot prefix spills
   * to other servers instead of piling onto the one that holds it. Looser than {@link
   * #DEFAULT_HASH_LOAD_FACTOR} because the load terms already spread load: in the simulator a bound of
   * 1.25 moved conversations away from their cache and cost more prefill than it saved in queueing.
   */
  public static final double DEFAULT_LLM_LOAD_FACTOR = 3;

  private Strategies() {}

  /**
   * The router's default: {@link #llmCombined()} for model versions served by LLM servers (endpoints
   * declared with {@code server} {@code vllm}, {@code sglang} or {@code tgi}), {@link
   * #leastLatency()} for the rest. The protocol alone does not make an LLM server: the OpenAI
   * protocol also carries embeddings and is spoken by generic proxies. To choose per model, wrap it:
   * {@code perModel(Map.of("bert", leastLatency()), defaultStrategy())}.
   */
  public static SelectionStrategy defaultStrategy() {
    return ServerKindStrategy.DEFAULT;
  }

  /**
   * {@code llm} for model versions whose endpoints are declared as LLM servers ({@code vllm},
   * {@code sglang}, {@code tgi}), {@code other} for the rest; decided by the version's first
   * endpoint. The filters of both apply.
   */
  public static SelectionStrategy byServerKind(SelectionStrategy llm, SelectionStrategy other) {
    Objects.requireNonNull(llm, "llm");
    Objects.requireNonNull(other, "other");
    return new ServerKindStrategy(llm, other);
  }

  /**
   * A strategy per model or route name, {@code otherwise} for the rest: how one model overrides the
   * default. A request to a route takes the route's strategy if the map has one, else that of the
   * model chosen for it ({@link io.modelrouter.registry.ModelSpec#name()}). At most two map
   * lookups per pick; each strategy's filters apply to the requests it picks for.
   */
  public static SelectionStrategy perModel(java.util.Map<String, SelectionStrategy> byModel, SelectionStrategy otherwise) {
    Objects.requireNonNull(byModel, "byModel");
    Objects.requireNonNull(otherwise, "otherwise");
    return byModel.isEmpty() ? otherwise : new PerModelStrategy(byModel, otherwise);
  }

  /**
   * For LLM servers (vLLM, SGLang, TGI): the lowest weighted sum of seven terms, each {@code 0}
   * (ideal) to {@code 1} ({@link Scorers}), over the candidates under a load bound (all of them up
   * to {@link #DEFAULT_FULL_SCAN_LIMIT}, a bounded sample above):
   *
   * <ul>
   *   <li>prefix, weight {@value #DEFAULT_LLM_PREFIX_WEIGHT}: the prompt blocks the endpoint would
   *       have to prefill, {@code m / (m + 16)} for {@code m} blocks of the request's block-hash
   *       chain not in its prefix cache as the {@link PrefixCacheIndex} sees it (by default {@link
   *       PrefixCacheIndex#estimated()}: the blocks this router sent there, partial matches
   *       included, so each turn of a conversation finds the previous one's cache);
   *   <li>prefill backlog, {@value #DEFAULT_LLM_BACKLOG_WEIGHT}: the prompt blocks this router sent
   *       the endpoint to prefill, by the same estimate (a miss adds the whole chain, a hit its new
   *       blocks), drained at {@value #DEFAULT_LLM_PREFILL_BLOCKS_PER_SECOND} blocks a second,
   *       {@code b / (b + 128)} ({@link io.modelrouter.health.EndpointState#prefillBacklog()}): a
   *       server just sent several cold prompts has seconds of prefill ahead that its in-flight
   *       count and its scraped queue do not show yet, so the next cold prompts go elsewhere;
   *   <li>queue, {@value #DEFAULT_LLM_QUEUE_WEIGHT}: requests waiting on the server, {@code q / (q +
   *       4)}, with {@code q} times the endpoint's slowness (below);
   *   <li>running, {@value #DEFAULT_LLM_RUNNING_WEIGHT} (tuned out, see there): sequences running
   *       on the server, {@code r / (r + 32)};
   *   <li>KV cache, {@value #DEFAULT_LLM_KV_CACHE_WEIGHT}: the server's KV-cache use;
   *   <li>in flight, {@value #DEFAULT_LLM_IN_FLIGHT_WEIGHT}: this router's requests in flight there,
   *       {@code k / (k + 4)}, with {@code k} times the slowness, which moves at once while scraped
   *       metrics lag;
   *   <li>latency, {@value #DEFAULT_LLM_LATENCY_WEIGHT}: the endpoint's slowness {@code s / (1 +
   *       s)}, where {@code s} is its time-per-output-token EWMA over the candidates' mean ({@link
   *       io.modelrouter.health.EndpointState#tpotEwmaNanos()}, learnt from answers that report
   *       their tokens): it tells a slow GPU from a fast one, and a request queued on a GPU twice as
   *       slow counts twice. Decode time per token, not the time to first token, which a cache miss
   *       inflates and would send a prefix's requests away from the server that holds it. When no
   *       candidate's answers report tokens, the latency estimate of {@link #leastLatency()}
   *       ({@link LatencyModel#rttNanos}: the initial RTT for a new endpoint, so it is tried;
   *       decaying while idle, so a slow one is probed again) takes its place. Plus the stall: an
   *       endpoint that has answered nothing for more than twice its peak latency EWMA (or the
   *       candidates' mean of it, if larger) while requests are pending ({@link
   *       io.modelrouter.health.EndpointState#pendingAgeNanos}) adds 1 per such latency, unbounded,
   *       so a frozen server soon loses to any that answers, its prefix cache notwithstanding.
   * </ul>
   *
   * <p>Stale or missing server metrics score the queue, running and KV-cache terms {@code 1}:
   * unknown is not idle. The load bound ({@link #DEFAULT_LLM_LOAD_FACTOR}) passes over an endpoint
   * with more than 3 times its {@linkplain io.modelrouter.registry.Endpoint#weight() weight}'s share
   * of the requests in flight, so a hot prefix cannot overload the server that holds it.
   * After the pick the index learns where the request went. The weights were tuned in the
   * simulator ({@code docs/routing-quality.md}); {@link LlmCombinedStrategy#builder()} changes
   * them. Up to {@link #DEFAULT_FULL_SCAN_LIMIT} candidates, O(n) per pick plus {@code O(log
   * blocks)} prefix lookups per candidate that holds the first block; above it, O(1) in the pool's
   * size: two random candidates (power of two choices) and the index's likely holders of the
   * longest prefix and of the first block ({@link PrefixCacheIndex#longestHolder}, {@link
   * PrefixCacheIndex#firstBlockHolder}: a global block-to-endpoint table in the estimate), with
   * the load bound's share estimated from the two random ones. Allocation-free and lock-free.
   */
  public static SelectionStrategy llmCombined() {
    return LlmCombinedStrategy.DEFAULT;
  }

  /** Each candidate in turn, ignoring load and weight. O(1), lock-free. */
  public static SelectionStrategy roundRobin() {
    return RoundRobinStrategy.INSTANCE;
  }

  /**
   * Smooth weighted round robin: each candidate in turn as often as its
   * {@linkplain io.modelrouter.registry.Endpoint#weight() weight}, honoured exactly over each
   * cycle, with the picks of different endpoints interleaved rather than in runs (stride
   * scheduling). Lock-free; expected O(1) steps when weights are within a small ratio, at most O(n).
   */
  public static SelectionStrategy weightedRoundRobin() {
    return new WeightedRoundRobinStrategy();
  }

  /** A random candidate with probability proportional to its weight. O(log n) over a whole version. */
  public static SelectionStrategy weightedRandom() {
    return new WeightedRandomStrategy();
  }

  /** The candidate with the fewest requests in flight (a full scan; ties broken at random). */
  public static SelectionStrategy leastRequest() {
    return LeastRequestStrategy.INSTANCE;
  }

  /** Power of two choices on requests in flight: two random candidates, the less loaded wins. */
  public static SelectionStrategy p2cLeastLoaded() {
    return P2cStrategy.LEAST_LOADED;
  }

  /**
   * Power of two choices on peak EWMA latency, {@code cost = ewma * (inFlight + 1)}, with the
   * default decay ({@link #DEFAULT_EWMA_DECAY}) and initial RTT ({@link #DEFAULT_INITIAL_RTT}).
   * The default of earlier versions, now {@link #leastLatency()}.
   */
  public static SelectionStrategy p2cPeakEwma() {
    return P2cStrategy.PEAK_EWMA;
  }

  /**
   * The default strategy for general pools: the lowest predicted latency, {@code max(rtt,
   * pendingAge) * max(1, (inFlight + 1) / slots) * (consecutiveFailures + 1)}, over every candidate
   * when there are at most {@link #DEFAULT_FULL_SCAN_LIMIT}, else over two random ones (power of two
   * choices).
   *
   * <p>{@code slots} is how many requests the endpoint works on at once: its declared {@link
   * io.modelrouter.registry.Endpoint#slots()}, else 1 (neither a concurrency limit nor a scraped
   * running count says what a server can run at once). A request costs one latency while a slot is
   * free and one more for each round of {@code slots} requests ahead of it; with one slot the load
   * term is {@code inFlight + 1}, as in {@link #p2cPeakEwma()}.
   *
   * <p>{@code rtt} comes from the endpoint's latency EWMAs over {@link #DEFAULT_EWMA_DECAY} (the
   * {@link #DEFAULT_INITIAL_RTT} before any sample): the plain EWMA plus {@code 1 / slots} of the
   * peak EWMA's excess over it, so the peak EWMA on one slot, where a slow answer means the requests
   * behind it waited, and close to the plain EWMA on many, where it held one slot of many. It
   * decays toward zero while the endpoint is idle, so an endpoint not heard from for a while is
   * probed again, one request at a time. {@code pendingAge} is how long the endpoint has had
   * requests in flight without answering any ({@link
   * io.modelrouter.health.EndpointState#pendingAgeNanos}): an endpoint that stalls looks at least
   * that slow at once, instead of only when its first slow answer comes back, so it stops winning
   * after about one normal latency. The full scan over small pools avoids the pairs of two slow
   * endpoints that power of two choices draws in a fleet of mixed speeds. Each consecutive failure
   * counts one more expected attempt, so an endpoint that fails fast (and so looks idle) stops
   * winning after a short run of failures; one success resets it. A degraded endpoint loses to a
   * healthy one. Lock-free and allocation-free.
   *
   * <p>Declare {@code slots} for servers that batch or run several model instances: without it
   * every request in flight counts as a full latency of queueing, which sends traffic away from
   * fast endpoints that still have free slots (see {@code docs/routing-quality.md}, scenario 2).
   */
  public static SelectionStrategy leastLatency() {
    return LeastLatencyStrategy.DEFAULT;
  }

  /**
   * {@link #leastLatency()} with the given peak-EWMA decay time constant, the RTT assumed for
   * endpoints without a sample, and the pool size up to which it scans every candidate.
   *
   * @param fullScanLimit 0 or 1 for power of two choices always
   */
  public static SelectionStrategy leastLatency(Duration decay, Duration initialRtt, int fullScanLimit) {
    Objects.requireNonNull(decay, "decay");
    Objects.requireNonNull(initialRtt, "initialRtt");
    if (decay.isNegative() || decay.isZero()) {
      throw new IllegalArgumentException("decay: " + decay + " (expected: > 0)");
    }
    if (initialRtt.isNegative()) {
      throw new IllegalArgumentException("initialRtt: " + initialRtt + " (expected: >= 0)");
    }
    if (fullScanLimit < 0) {
      throw new IllegalArgumentException("fullScanLimit: " + fullScanLimit + " (expected: >= 0)");
    }
    return new LeastLatencyStrategy(decay.toNanos(), initialRtt.toNanos(), fullScanLimit);
  }

  /**
   * Power of two choices on peak EWMA latency with the given decay time constant and the RTT
   * assumed for endpoints without a sample.
   */
  public static SelectionStrategy p2cPeakEwma(Duration decay, Duration initialRtt) {
    Objects.requireNonNull(decay, "decay");
    Objects.requireNonNull(initialRtt, "initialRtt");
    if (decay.isNegative() || decay.isZero()) {
      throw new IllegalArgumentException("decay: " + decay + " (expected: > 0)");
    }
    if (initialRtt.isNegative()) {
      throw new IllegalArgumentException("initialRtt: " + initialRtt + " (expected: >= 0)");
    }
    return P2cStrategy.peakEwma(decay.toNanos(), initialRtt.toNanos());
  }

  /**
   * For LLM servers: the lowest sum of queue depth, KV-cache use (both from scraped server metrics;
   * stale metrics count as bad, never as idle) and this router's requests in flight (which covers
   * the time between two scrapes), each scored {@code 0..1} by {@link Scorers}, over a full scan.
   * The same scores as a {@link CompositeStrategy} of those three scorers with
   * {@link Pickers#lowestScore()}, fused into one pass.
   */
  public static SelectionStrategy llmAware() {
    return llmAware(LatencyModel.ofDefaults());
  }

  /** {@link #llmAware()} with the metrics freshness of {@code model}. */
  public static SelectionStrategy llmAware(LatencyModel model) {
    Objects.requireNonNull(model, "model");
    return new LlmAwareStrategy(model);
  }

  /**
   * Session and prompt-prefix affinity: consistent hashing with bounded load
   * ({@link #DEFAULT_HASH_LOAD_FACTOR}) on the request's affinity key, else its prefix hash;
   * requests with neither use {@link #p2cPeakEwma()}.
   */
  public static SelectionStrategy boundedLoadHash() {
    return boundedLoadHash(DEFAULT_HASH_LOAD_FACTOR, p2cPeakEwma());
  }

  /**
   * Consistent hashing with bounded load: a key goes to its highest-ranked candidate (rendezvous
   * hashing) unless that one has at least {@code ceil(loadFactor * (total + 1) / n)} requests in
   * flight, then to the next rank; only the overflow moves. O(n) per pick.
   *
   * @param loadFactor how far over the mean load an endpoint may go, at least 1
   * @param fallback the strategy for requests without an affinity key or prefix hash
   */
  public static SelectionStrategy boundedLoadHash(double loadFactor, SelectionStrategy fallback) {
    Objects.requireNonNull(fallback, "fallback");
    if (!(loadFactor >= 1) || Double.isInfinite(loadFactor)) {
      throw new IllegalArgumentException("loadFactor: " + loadFactor + " (expected: a finite number >= 1)");
    }
    return new BoundedLoadHashStrategy(loadFactor, fallback);
  }

  /**
   * Slow start over {@link #DEFAULT_SLOW_START_WINDOW} from {@link #DEFAULT_SLOW_START_MIN_WEIGHT}:
   * an endpoint that joined or became healthy again gets a share of its normal traffic that grows
   * linearly over the window.
   */
  public static SelectionStrategy slowStart(SelectionStrategy delegate) {
    return slowStart(delegate, DEFAULT_SLOW_START_WINDOW, DEFAULT_SLOW_START_MIN_WEIGHT);
  }

  /**
   * Slow start: a pick of an endpoint healthy for {@code t < window} is kept with probability
   * {@code max(minWeight, t / window)}, otherwise the delegate picks again (a few times at most).
   * For randomised or rotating delegates.
   */
  public static SelectionStrategy slowStart(SelectionStrategy delegate, Duration window, double minWeight) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window: " + window + " (expected: > 0)");
    }
    if (!(minWeight > 0 && minWeight <= 1)) {
      throw new IllegalArgumentException("minWeight: " + minWeight + " (expected: > 0 and <= 1)");
    }
    return new SlowStartStrategy(delegate, window.toNanos(), minWeight);
  }

  /** {@link #costAware(double, LatencyModel)} with {@link #DEFAULT_COST_TRADE_OFF} and the default model. */
  public static SelectionStrategy costAware() {
    return costAware(DEFAULT_COST_TRADE_OFF, LatencyModel.ofDefaults());
  }

  /**
   * Cost among feasible endpoints: of the candidates predicted to meet the request's latency
   * budgets, the lowest {@code (1 - tradeOff) * latency + tradeOff * cost} (each scaled between the
   * feasible candidates' minimum and maximum) wins; when none is feasible, the fastest. The
   * request's cost is the endpoint's price, or the model's when the endpoint sets none. O(n).
   *
   * @param tradeOff 0 for latency only, 1 for the cheapest feasible endpoint
   */
  public static SelectionStrategy costAware(double tradeOff, LatencyModel model) {
    Objects.requireNonNull(model, "model");
    if (!(tradeOff >= 0 && tradeOff <= 1)) {
      throw new IllegalArgumentException("tradeOff: " + tradeOff + " (expected: >= 0 and <= 1)");
    }
    return new CostAwareStrategy(tradeOff, model);
  }

  /** Starts a filters -> weighted scorers -> picker strategy; same as {@link CompositeStrategy#builder()}. */
  public static CompositeStrategy.Builder composite() {
    return CompositeStrategy.builder();
  }
}
