package io.modelrouter.benchmarks.sim;

import io.modelrouter.Router;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.select.DeadlinePolicy;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A routing policy under test: a name for the tables, the {@link SelectionStrategy} the real
 * {@link Router} runs, and whether requests tell the router their latency budget. Core strategies
 * come from {@link Strategies}; the baselines core does not ship (random, cheapest, the oracle)
 * are defined in this package.
 *
 * @param name the row label
 * @param strategy builds the strategy for one run; gets the fleet for policies that need
 *     perfect knowledge
 * @param sendsBudgets whether requests carry their latency budget to the router (a budget-blind
 *     baseline gets none, so the router's budget stage cannot help it)
 * @param deadlinePolicy what the router does when no endpoint is predicted to meet a budget
 */
record Policy(
    String name,
    Function<Map<String, VirtualServer>, SelectionStrategy> strategy,
    boolean sendsBudgets,
    DeadlinePolicy deadlinePolicy) {

  Policy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(deadlinePolicy, "deadlinePolicy");
  }

  /** A budget-blind policy running {@code strategy}. */
  static Policy of(String name, SelectionStrategy strategy) {
    return new Policy(name, fleet -> strategy, false, DeadlinePolicy.REJECT);
  }

  /** The same policy under another row label. */
  Policy renamed(String newName) {
    return new Policy(newName, strategy, sendsBudgets, deadlinePolicy);
  }

  /** The same policy with budgets sent to the router, which applies {@code policy} to unmeetable ones. */
  Policy withBudgets(DeadlinePolicy policy) {
    return new Policy(name, strategy, true, policy);
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

  /** Queue- and KV-cache-aware scoring on scraped metrics plus in-flight counts: load only, no affinity. */
  static Policy llmAware() {
    return of("queue/KV aware", Strategies.llmAware());
  }

  /** Prefix affinity: consistent hashing with bounded load on the prompt's prefix hash. */
  static Policy prefixAffinity() {
    return of("prefix affinity (bounded load)", Strategies.boundedLoadHash());
  }

  /** Uniformly random among the candidates: the baseline of the llm-d experiment. */
  static Policy random() {
    return of("random", Baselines.RANDOM);
  }

  /** Always the cheapest candidate (ties: fewest in flight), ignoring latency. */
  static Policy cheapest() {
    return of("cost only", Baselines.CHEAPEST);
  }

  /**
   * Least remaining work with perfect knowledge of every server's queue and speed (the issue's
   * oracle): the request's own service time counts at the server's mean.
   */
  static Policy oracle() {
    return new Policy("oracle", OracleStrategy::leastRemainingWork, false, DeadlinePolicy.REJECT);
  }

  /** The oracle that also knows the service time of the request being routed: a looser bound. */
  static Policy clairvoyantOracle() {
    return new Policy("clairvoyant oracle", OracleStrategy::clairvoyant, false, DeadlinePolicy.REJECT);
  }
}
