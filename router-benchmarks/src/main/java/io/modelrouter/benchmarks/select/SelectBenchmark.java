package io.modelrouter.benchmarks.select;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import io.modelrouter.RouteRequest;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pick over all endpoints of a version, for each strategy, with Armeria's round robin and
 * weighted round robin over the same endpoints and a naive baseline in the same run.
 *
 * <pre>
 * java -jar router-benchmarks/target/benchmarks.jar 'select.SelectBenchmark' -t 1 -prof gc
 * java -jar router-benchmarks/target/benchmarks.jar 'select.SelectBenchmark' -t 2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectBenchmark {

  @Param({"10", "100", "1000", "10000"})
  public int endpoints;

  private Fleet.AllCandidates candidates;
  private SelectionStrategy leastLatency;
  private SelectionStrategy p2cPeakEwma;
  private SelectionStrategy p2cLeastLoaded;
  private SelectionStrategy roundRobin;
  private SelectionStrategy weightedRoundRobin;
  private SelectionStrategy leastRequest;
  private SelectionStrategy llmAware;
  /** The version whose endpoints are the candidates; its server metrics are re-stamped each iteration. */
  private ModelVersion version;
  private SelectionStrategy boundedLoadHash;
  private RouteRequest keyed;
  private Fleet.AllCandidates keyedCandidates;

  private EndpointGroup armeriaRoundRobin;
  private EndpointGroup armeriaWeightedRoundRobin;
  private ClientRequestContext armeriaContext;

  private List<Endpoint> naiveEndpoints;
  private Map<String, AtomicInteger> naiveLoad;

  @Setup
  public void setUp() {
    Fleet fleet = new Fleet(endpoints, 1);
    version = fleet.version(0);
    candidates = new Fleet.AllCandidates(version, RouteRequest.of(Fleet.modelName(0)));
    keyed = RouteRequest.builder(Fleet.modelName(0)).affinityKey("session-42").build();
    keyedCandidates = new Fleet.AllCandidates(version, keyed);
    leastLatency = Strategies.leastLatency();
    p2cPeakEwma = Strategies.p2cPeakEwma();
    p2cLeastLoaded = Strategies.p2cLeastLoaded();
    roundRobin = Strategies.roundRobin();
    weightedRoundRobin = Strategies.weightedRoundRobin();
    leastRequest = Strategies.leastRequest();
    llmAware = Strategies.llmAware();
    boundedLoadHash = Strategies.boundedLoadHash();

    List<com.linecorp.armeria.client.Endpoint> peers = new ArrayList<>();
    for (int i = 0; i < version.endpointCount(); i++) {
      Endpoint e = version.endpoint(i);
      peers.add(com.linecorp.armeria.client.Endpoint.of(e.baseUrl().getHost(), e.baseUrl().getPort()).withWeight(e.weight()));
    }
    armeriaRoundRobin = EndpointGroup.of(EndpointSelectionStrategy.roundRobin(), peers);
    armeriaWeightedRoundRobin = EndpointGroup.of(EndpointSelectionStrategy.weightedRoundRobin(), peers);
    armeriaContext = ClientRequestContext.of(HttpRequest.of(HttpMethod.POST, "/v1/chat/completions"));

    naiveEndpoints = new ArrayList<>(version.endpoints());
    naiveLoad = new ConcurrentHashMap<>();
    for (int i = 0; i < version.endpointCount(); i++) {
      EndpointState s = version.state(i);
      naiveLoad.put(s.id(), new AtomicInteger(s.inFlight()));
    }
  }

  /**
   * Reads the clock for the iteration and re-stamps every endpoint's scraped metrics with it, as a
   * scraper would: {@code llmAware} then takes its full scoring path, not the shortcut it takes
   * for stale metrics (which it reached after warm-up when the fixture was stamped only at setup).
   * Fresh for {@code LatencyModel}'s default 2 s, so iterations of up to 2 s measure fresh metrics.
   */
  @Setup(Level.Iteration)
  public void tick() {
    candidates.now = System.nanoTime();
    keyedCandidates.now = candidates.now;
    for (int i = 0; i < version.endpointCount(); i++) {
      EndpointState s = version.state(i);
      s.updateServerMetrics(s.queueDepth(), s.running(), s.kvCacheUsage(), candidates.now);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    armeriaRoundRobin.close();
    armeriaWeightedRoundRobin.close();
  }

  /** The router's default: a full scan up to 16 candidates, power of two choices above. */
  @Benchmark
  public int leastLatency() {
    return leastLatency.select(candidates);
  }

  @Benchmark
  public int p2cPeakEwma() {
    return p2cPeakEwma.select(candidates);
  }

  @Benchmark
  public int p2cLeastLoaded() {
    return p2cLeastLoaded.select(candidates);
  }

  @Benchmark
  public int roundRobin() {
    return roundRobin.select(candidates);
  }

  @Benchmark
  public int weightedRoundRobin() {
    return weightedRoundRobin.select(candidates);
  }

  @Benchmark
  public int leastRequest() {
    return leastRequest.select(candidates);
  }

  @Benchmark
  public int llmAware() {
    return llmAware.select(candidates);
  }

  @Benchmark
  public int boundedLoadHash() {
    return boundedLoadHash.select(keyedCandidates);
  }

  @Benchmark
  public com.linecorp.armeria.client.Endpoint armeriaRoundRobin() {
    return armeriaRoundRobin.selectNow(armeriaContext);
  }

  @Benchmark
  public com.linecorp.armeria.client.Endpoint armeriaWeightedRoundRobin() {
    return armeriaWeightedRoundRobin.selectNow(armeriaContext);
  }

  /**
   * The baseline a first version would write: scan a list of endpoints and look each one's load
   * up in a concurrent map by id, keep the least loaded.
   */
  @Benchmark
  public Endpoint naiveLeastLoaded() {
    Endpoint best = null;
    int bestLoad = Integer.MAX_VALUE;
    for (Endpoint e : naiveEndpoints) {
      int load = naiveLoad.get(e.id()).get();
      if (load < bestLoad) {
        best = e;
        bestLoad = load;
      }
    }
    return best;
  }
}
