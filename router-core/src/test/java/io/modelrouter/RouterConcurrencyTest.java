package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouterConcurrencyTest {

  /**
   * Four threads route while a fifth keeps replacing endpoints (each id is used once, then removed
   * for good). A decision may name an endpoint removed while the call was running, never one
   * removed before the call began; and once every lease is complete nothing is left in flight.
   */
  @Test
  void route_duringRegistryChurn_neverNamesAnEndpointRemovedBeforeTheCallBegan() throws Exception {
    InMemoryRegistry registry = InMemoryRegistry.create();
    List<ModelSpec> models = List.of(ModelSpec.builder("m", "1").build(), ModelSpec.builder("n", "1").build());
    registry.replace(models, List.of(endpoint(0), endpoint(1), endpoint(2)));
    Router router = Router.builder(registry).build();

    Map<String, Long> removedAtGeneration = new ConcurrentHashMap<>();
    Map<String, EndpointState> everyState = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong decisions = new AtomicLong();
    List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(5);
    CountDownLatch started = new CountDownLatch(5);
    try {
      List<Future<?>> routers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String model = t % 2 == 0 ? "m" : "n";
        routers.add(pool.submit(() -> {
          started.countDown();
          while (!stop.get()) {
            long generationBefore = registry.snapshot().generation();
            RouteResult r = router.route(RouteRequest.of(model));
            if (r instanceof Decision d) {
              String id = d.endpoint().id();
              Long removed = removedAtGeneration.get(id);
              if (removed != null && removed <= generationBefore) {
                violations.add(id + " removed at generation " + removed + ", call began at " + generationBefore);
              }
              EndpointState state = registry.endpointStates().find(id); // null once removed
              if (state != null) {
                everyState.putIfAbsent(id, state);
              }
              decisions.incrementAndGet();
              d.lease().complete(Outcome.success().withLatencyNanos(1_000));
            }
          }
          return null;
        }));
      }
      Future<?> churn = pool.submit(() -> {
        started.countDown();
        int next = 3;
        for (int round = 0; round < 2_000; round++) {
          // add one endpoint, then remove the oldest: the fleet rolls forward
          int added = next++;
          int removedId = added - 3;
          List<Endpoint> live = List.of(endpoint(added - 2), endpoint(added - 1), endpoint(added));
          long generation = registry.replace(models, live).generation();
          removedAtGeneration.put("e" + removedId, generation);
        }
        return null;
      });
      churn.get(60, TimeUnit.SECONDS);
      stop.set(true);
      for (Future<?> f : routers) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertThat(violations).isEmpty();
    assertThat(decisions.get()).isGreaterThan(1_000);
    assertThat(everyState.values()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
  }

  private static Endpoint endpoint(int i) {
    return Endpoint.builder("e" + i, "http://127.0.0.1:" + (10_000 + i)).serves("m", "n").build();
  }
}
