package io.modelrouter.benchmarks.select;

import io.modelrouter.Decision;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import java.util.List;
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
 * {@link Router#route} through a model route of three targets (each target's endpoints filtered
 * and predicted, the policy choosing, then the endpoint strategy), against routing to one named
 * model in the same run ({@code policy=named}). 1,000 endpoints over 48 models, 16 routes of three
 * models each: a route weighs about 60 endpoints, a named model 20. The lease is closed at once.
 *
 * <pre>
 * java -jar router-benchmarks/target/benchmarks.jar 'select.ModelRouteBenchmark' -t 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ModelRouteBenchmark {

  private static final int MODELS = 48;
  private static final int ROUTES = MODELS / 3;

  @Param({"1000"})
  public int endpoints;

  /** {@code named} routes to one model (the peer); the others are the route's policy. */
  @Param({"named", "ordered", "fastest", "cheapest"})
  public String policy;

  private Router router;
  private RouteRequest[] requests;

  @Setup
  public void setUp() {
    Fleet fleet = new Fleet(endpoints, MODELS);
    for (int r = 0; r < ROUTES; r++) {
      fleet.registry.putRoute(RouteSpec.builder("route-" + r)
          .targets(List.of(RouteTarget.of(Fleet.modelName(3 * r)), RouteTarget.of(Fleet.modelName(3 * r + 1)),
              RouteTarget.of(Fleet.modelName(3 * r + 2))))
          .policy(policy.equals("named") ? "ordered" : policy)
          .build());
    }
    router = Router.builder(fleet.registry).build();
    requests = new RouteRequest[ROUTES];
    for (int r = 0; r < ROUTES; r++) {
      String name = policy.equals("named") ? Fleet.modelName(3 * r) : "route-" + r;
      requests[r] = RouteRequest.builder(name).promptTokens(500).maxOutputTokens(200).build();
    }
  }

  @Benchmark
  public Decision routeAndClose() {
    Decision d = (Decision) router.route(requests[ThreadLocalRandom.current().nextInt(requests.length)]);
    d.lease().close();
    return d;
  }
}
