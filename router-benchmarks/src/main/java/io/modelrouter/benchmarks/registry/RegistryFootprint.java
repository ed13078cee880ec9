package io.modelrouter.benchmarks.registry;

import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.RegistryContent;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Measures the heap a live registry retains: the model specs, endpoints, the indexed snapshot
 * and the endpoint states, read as used heap after full collections, minus the same reading
 * before the registry existed. It also times the first swap and a routing call to prove the
 * registry is live.
 *
 * <p>Run: {@code java -Xmx512m -cp router-benchmarks/target/benchmarks.jar
 * io.modelrouter.benchmarks.registry.RegistryFootprint [endpoints] [versions]}
 */
public final class RegistryFootprint {

  private RegistryFootprint() {}

  public static void main(String[] args) {
    int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int versions = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    long before = usedAfterGc();

    RegistryContent content = RegistryFixtures.content(endpoints, versions, 0);
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(content);
    content = null; // the snapshot holds what it needs

    long after = usedAfterGc();
    Router router = Router.builder(registry).build();
    String decision = router.route(RouteRequest.of("model-0")).decisionOrThrow().endpoint().id();

    System.out.printf(Locale.ROOT, "registry of %,d endpoints over %,d model versions (generation %d): "
            + "%.1f MB retained (%,d bytes, %,d bytes per endpoint); routed model-0 to %s%n",
        endpoints, versions, registry.snapshot().generation(), (after - before) / 1e6, after - before,
        (after - before) / endpoints, decision);
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
