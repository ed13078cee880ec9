package io.modelrouter.benchmarks.sim;

import io.modelrouter.Router;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.util.Map;
import java.util.function.Function;

/**
 * A routing policy under test: a name for the tables and the {@link SelectionStrategy} the real
 * {@link io.modelrouter.Router} runs. Core strategies come from {@link Strategies}; the
 * baselines that core does not ship (random, cheapest, the oracle) are defined here.
 *
 * @param name the row label
 * @param strategy builds the strategy for one run; gets the fleet for policies that need
 *     perfect knowledge
 */
record Policy(String name, Function<Map<String, SimServer>, SelectionStrategy> strategy) {

  /** The same policy under another row label. */
  Policy renamed(String newName) {
    return new Policy(newName, strategy);
  }

  static Policy of(String name, SelectionStrategy strategy) {
    return new Policy(name, fleet -> strategy);
  }

  static Policy roundRobin() {
    return of("round robin", Strategies.roundRobin());
  }

  static Policy leastRequest() {
    return of("least outstanding", Strategies.leastRequest());
  }

  static Policy p2cLeastLoaded() {
    return of("P2C least loaded", Strategies.p2cLeastLoaded());
  }

  static Policy p2cPeakEwma() {
    return of("P2C peak EWMA", Strategies.p2cPeakEwma());
  }

  /** Whatever {@code Router.builder(registry).build()} uses when no strategy is set. */
  static Policy routerDefault() {
    return of("ours (default)", Router.builder(InMemoryRegistry.create()).build().strategy());
  }

  /** Uniformly random among the candidates: the baseline of the llm-d experiment. */
  static Policy random() {
    return of("random", Baselines.RANDOM);
  }

  /** Always the cheapest candidate (ties: fewest in flight), ignoring latency. */
  static Policy cheapest() {
    return of("cost only", Baselines.CHEAPEST);
  }

  /** Least remaining work with perfect knowledge of every server's queue. */
  static Policy oracle() {
    return new Policy("oracle", OracleStrategy::new);
  }
}
