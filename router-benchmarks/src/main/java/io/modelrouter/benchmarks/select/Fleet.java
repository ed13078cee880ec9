package io.modelrouter.benchmarks.select;

import io.modelrouter.RouteRequest;
import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.select.Candidates;
import io.modelrouter.select.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * A registry of {@code models} models whose endpoints carry realistic live state: latency samples
 * between 20 and 200 ms, a few requests in flight, weights between 1 and 10, and fresh server
 * metrics. Built from a fixed seed so every run sees the same fleet.
 */
final class Fleet {

  final InMemoryRegistry registry = InMemoryRegistry.create(Ticker.system());
  final List<Endpoint> endpoints = new ArrayList<>();

  Fleet(int endpointCount, int models) {
    SplittableRandom random = new SplittableRandom(2026);
    List<ModelSpec> specs = new ArrayList<>();
    for (int m = 0; m < models; m++) {
      specs.add(ModelSpec.builder(modelName(m), "1").build());
    }
    for (int i = 0; i < endpointCount; i++) {
      endpoints.add(Endpoint.builder(String.format("e%05d", i), "http://10.0." + (i / 250) + '.' + (i % 250 + 1) + ":8000")
          .serves(modelName(i % models))
          .weight(1 + random.nextInt(10))
          .build());
    }
    registry.replace(specs, endpoints);
    long now = System.nanoTime();
    for (Endpoint e : endpoints) {
      EndpointState s = registry.snapshot().state(e.id());
      s.recordLatency((20 + random.nextInt(180)) * 1_000_000L, now, Strategies.DEFAULT_EWMA_DECAY.toNanos());
      for (int k = random.nextInt(4); k > 0; k--) {
        s.acquire(now);
      }
      s.updateServerMetrics(random.nextInt(3), 4, 0.3, now);
    }
  }

  static String modelName(int m) {
    return "model-" + m;
  }

  ModelVersion version(int model) {
    return registry.snapshot().model(modelName(model)).latest();
  }

  /**
   * Every endpoint of a version as the candidates of one routing call, as the router's per-thread
   * set is. Like the router, which reads its ticker once per call, the clock reading is a field:
   * a pick must not be charged for {@code System.nanoTime()}; it is refreshed every iteration.
   */
  static final class AllCandidates implements Candidates {
    private final ModelVersion version;
    private final RouteRequest request;
    long now = System.nanoTime();

    AllCandidates(ModelVersion version, RouteRequest request) {
      this.version = version;
      this.request = request;
    }

    @Override
    public int size() {
      return version.endpointCount();
    }

    @Override
    public Endpoint endpoint(int index) {
      return version.endpoint(index);
    }

    @Override
    public EndpointState state(int index) {
      return version.state(index);
    }

    @Override
    public RouteRequest request() {
      return request;
    }

    @Override
    public ModelSpec model() {
      return version.spec();
    }

    @Override
    public ModelVersion version() {
      return version;
    }

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public RandomGenerator random() {
      return ThreadLocalRandomSource.INSTANCE;
    }

    /** Every endpoint is a candidate at its own position, answered in O(1) as the router's set does. */
    @Override
    public int versionIndex(int index) {
      return index;
    }

    @Override
    public int indexOfVersionIndex(int versionIndex) {
      return versionIndex;
    }
  }

  /** Each thread's {@link ThreadLocalRandom}, as the router's default random source. */
  enum ThreadLocalRandomSource implements RandomGenerator {
    INSTANCE;

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }
  }
}
