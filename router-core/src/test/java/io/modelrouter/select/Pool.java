package io.modelrouter.select;

import io.modelrouter.RouteRequest;
import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * A model version with endpoints, a manual clock and a seeded random source, seen as
 * {@link Candidates} (every endpoint is a candidate) for strategy tests.
 */
final class Pool implements Candidates {

  static final String MODEL = "m";

  long now = 1_000_000_000L;
  final Ticker ticker = () -> now;
  final InMemoryRegistry registry = InMemoryRegistry.create(ticker);
  final RandomGenerator random;
  RouteRequest request = RouteRequest.of(MODEL);
  private final ModelVersion version;

  private Pool(ModelSpec spec, List<Endpoint> endpoints, long seed) {
    this.random = new SplittableRandom(seed);
    registry.replace(List.of(spec), endpoints);
    this.version = registry.snapshot().model(MODEL).latest();
  }

  /** {@code n} endpoints {@code e0..e(n-1)} with default settings. */
  static Pool of(int n) {
    return of(n, (i, b) -> b);
  }

  /** {@code n} endpoints customised by {@code custom(index, builder)}. */
  static Pool of(int n, Custom custom) {
    return of(ModelSpec.builder(MODEL, "1").build(), n, custom);
  }

  static Pool of(ModelSpec spec, int n, Custom custom) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(custom.apply(i, Endpoint.builder(id(i), "http://127.0.0.1:" + (9000 + i)).serves(MODEL)).build());
    }
    return new Pool(spec, list, 42);
  }

  /** Endpoint ids sort as numbers: e000, e001, ... */
  static String id(int i) {
    return String.format("e%03d", i);
  }

  interface Custom {
    Endpoint.Builder apply(int index, Endpoint.Builder builder);
  }

  Pool request(UnaryOperator<RouteRequest.Builder> change) {
    request = change.apply(RouteRequest.builder(MODEL)).build();
    return this;
  }

  void advanceMillis(long ms) {
    now += ms * 1_000_000L;
  }

  /** Records one latency sample (10 s EWMA) on endpoint {@code i}. */
  void latency(int i, long ms) {
    state(i).recordLatency(ms * 1_000_000L, now, Strategies.DEFAULT_EWMA_DECAY.toNanos());
  }

  void inFlight(int i, int count) {
    while (state(i).inFlight() < count) {
      state(i).acquire();
    }
    while (state(i).inFlight() > count) {
      state(i).release();
    }
  }

  /** How often each endpoint is picked in {@code picks} selections. */
  int[] counts(SelectionStrategy s, int picks) {
    int[] counts = new int[size()];
    for (int k = 0; k < picks; k++) {
      counts[s.select(this)]++;
    }
    return counts;
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
    return random;
  }

  /** Every endpoint is a candidate, at its own position. */
  @Override
  public int versionIndex(int index) {
    return index;
  }

  @Override
  public int indexOfVersionIndex(int versionIndex) {
    return versionIndex;
  }
}
