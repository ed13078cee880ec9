package io.modelrouter.benchmarks.select;

import io.modelrouter.RouteRequest;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.select.LatencyModel;
import io.modelrouter.select.PrefixCacheIndex;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pick of the combined LLM strategy ({@link Strategies#llmCombined()}) against {@link
 * Strategies#llmAware()} over the same candidates, in the same run, with fresh server metrics: the
 * metrics are scraped again at the clock reading of every iteration (and checked fresh), so neither
 * strategy takes its stale-metrics shortcut; each endpoint's last answer and prefill backlog are
 * stamped a few milliseconds before it, as on a working fleet (see {@link #scrape()}). The request
 * carries a 32-block prompt chain (2,048 tokens at 64 a block); a quarter of the endpoints hold a
 * leading part of it (partial matches of 8 to 32 blocks), the rest hold other prompts, and every
 * endpoint has a decode-speed sample, so every term is computed. The combined pick includes recording the chain on the chosen endpoint
 * (and in the global block-owner table, which is why, from the second pick on, a pool above the
 * full-scan limit finds the last chosen endpoint as its prefix holder). {@link
 * Strategies#leastLatency()}, the default for other servers, is the third peer.
 *
 * <pre>
 * java -jar router-benchmarks/target/benchmarks.jar 'select.LlmSelectBenchmark' -t 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LlmSelectBenchmark {

  /** Blocks in the request's chain. */
  static final int BLOCKS = 32;

  @Param({"16", "1000"})
  public int endpoints;

  private ModelVersion version;
  private Fleet.AllCandidates candidates;
  private SelectionStrategy llmCombined;
  private SelectionStrategy llmAware;
  private SelectionStrategy leastLatency;
  private final SplittableRandom random = new SplittableRandom(20);

  @Setup
  public void setUp() {
    Fleet fleet = new Fleet(endpoints, 1);
    version = fleet.version(0);
    long[] chain = chain(1, BLOCKS);
    RouteRequest request = RouteRequest.builder(Fleet.modelName(0)).promptTokens(2048).prefixBlocks(chain).build();
    candidates = new Fleet.AllCandidates(version, request);
    llmCombined = Strategies.llmCombined();
    llmAware = Strategies.llmAware();
    leastLatency = Strategies.leastLatency();
    long now = candidates.now;
    long tau = Strategies.DEFAULT_EWMA_DECAY.toNanos();
    for (int i = 0; i < version.endpointCount(); i++) {
      EndpointState s = version.state(i);
      s.recordTpot(8_000_000 + random.nextInt(8_000_000), now, tau);
      var table = s.prefixBlocks(PrefixCacheIndex.DEFAULT_CAPACITY_BLOCKS);
      long[] held = i % 4 == 0 ? chain : chain(1000 + i, BLOCKS);
      int n = i % 4 == 0 ? 8 + random.nextInt(BLOCKS - 7) : BLOCKS;
      for (int b = 0; b < n; b++) {
        table.add(held[b], now);
      }
    }
  }

  /**
   * Brings every endpoint's live state to this iteration's clock reading, as a working fleet has it:
   * scraped again (and checked fresh), its last answer a few milliseconds ago (else every endpoint
   * with requests in flight would look stalled for the seconds since setup, and the stall term would
   * decide the pick), and a prefill backlog of up to 64 blocks sent a few milliseconds ago, so that
   * the backlog's drain is computed (an empty backlog returns early).
   */
  @Setup(Level.Iteration)
  public void scrape() {
    long now = System.nanoTime();
    candidates.now = now;
    LatencyModel model = LatencyModel.ofDefaults();
    for (int i = 0; i < version.endpointCount(); i++) {
      EndpointState s = version.state(i);
      s.recordAnswer(now - random.nextInt(20_000_000));
      s.prefillBacklog().add(1 + random.nextInt(64), now - 2_000_000 - random.nextInt(8_000_000),
          Strategies.DEFAULT_LLM_PREFILL_BLOCKS_PER_SECOND);
      s.updateServerMetrics(random.nextInt(6), 8 + random.nextInt(40), 0.2 + random.nextDouble() * 0.6, now);
      if (!model.metricsFresh(s, candidates.now)) {
        throw new IllegalStateException("metrics of " + s.id() + " are stale: the benchmark would measure the shortcut");
      }
    }
  }

  private static long[] chain(int doc, int n) {
    long[] c = new long[n];
    long h = doc * 0x9E3779B97F4A7C15L;
    for (int i = 0; i < n; i++) {
      h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + i + 1;
      c[i] = h == 0 ? 1 : h;
    }
    return c;
  }

  @Benchmark
  public int llmCombined() {
    return llmCombined.select(candidates);
  }

  @Benchmark
  public int llmAware() {
    return llmAware.select(candidates);
  }

  @Benchmark
  public int leastLatency() {
    return leastLatency.select(candidates);
  }
}
