package io.modelrouter.benchmarks.select;

import io.modelrouter.Decision;
import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.Router;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The full {@link Router#route} path with the default strategy ({@code leastLatency}, and the
 * previous default, P2C peak EWMA, as the baseline in the same run): registry snapshot
 * lookup, version resolution, built-in checks over the version's endpoints, pick and lease; the
 * lease is closed (cancelled, no feedback) or completed (success, EWMA update) right away so
 * in-flight counts stay put. 1,000 endpoints, a random model per call, with {@code candidates}
 * endpoints per model: 16 reaches the default's full scan (at most {@link
 * io.modelrouter.select.Strategies#DEFAULT_FULL_SCAN_LIMIT} candidates: 63 models of 15 or 16), 20
 * its power-of-two-choices branch (50 models of 20).
 *
 * <pre>
 * java -jar router-benchmarks/target/benchmarks.jar 'select.RouteBenchmark' -t 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteBenchmark {

  @Param({"1000"})
  public int endpoints;

  /** Endpoints per model: 16 for the default's full scan, 20 for its two random choices. */
  @Param({"16", "20"})
  public int candidates;

  /** {@code default} for the router's default strategy, or {@code p2cPeakEwma}. */
  @Param({"default", "p2cPeakEwma"})
  public String strategy;

  private Router router;
  private RouteRequest[] requests;
  private static final Outcome SUCCESS = Outcome.success().withLatencyNanos(50_000_000L);

  @Setup
  public void setUp() {
    int models = (endpoints + candidates - 1) / candidates;
    Fleet fleet = new Fleet(endpoints, models);
    Router.Builder builder = Router.builder(fleet.registry);
    if (strategy.equals("p2cPeakEwma")) {
      builder.strategy(io.modelrouter.select.Strategies.p2cPeakEwma());
    }
    router = builder.build();
    requests = new RouteRequest[models];
    for (int m = 0; m < models; m++) {
      requests[m] = RouteRequest.of(Fleet.modelName(m));
    }
  }

  private RouteRequest next() {
    return requests[ThreadLocalRandom.current().nextInt(requests.length)];
  }

  @Benchmark
  public Decision routeAndClose() {
    RouteResult r = router.route(next());
    Decision d = (Decision) r;
    d.lease().close();
    return d;
  }

  @Benchmark
  public Decision routeAndComplete() {
    Decision d = (Decision) router.route(next());
    d.lease().complete(SUCCESS);
    return d;
  }
}
