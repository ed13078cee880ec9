package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;

import io.modelrouter.Router;
import io.modelrouter.select.DeadlinePolicy;
import io.modelrouter.select.LatencyModel;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code routing:} section: how the router picks an endpoint of a model, what it does with a
 * budget it cannot meet, and when it sheds load.
 *
 * <pre>{@code
 * routing:
 *   strategy: default               # llmCombined on LLM servers, leastLatency elsewhere; or any
 *                                   # strategy by name, {name: ..., parameters}: see StrategyConfig
 *   models:                         # per-model or per-route overrides, by name
 *     demo-embed: roundRobin
 *     demo-chat: {name: boundedLoadHash, loadFactor: 1.5}
 *   deadlinePolicy: REJECT          # or BEST_EFFORT: route a request whose budget no endpoint meets anyway
 *   loadShedding: {shed: [SHEDDABLE], queueDepth: 5, kvCacheUsage: 0.8, concurrency: 0.8}
 *   ewmaDecayMs: 10000              # time constant of the latency EWMAs behind budgets and strategies
 *   initialRttMs: 30                # latency assumed for an endpoint before its first answer
 *   metricsMaxAgeMs: 2000           # scraped metrics older than this count as unknown
 *   retryAfterMs: 1000              # retry-after hint of capacity and quota refusals
 *   quotaBurst: 1                   # requests an endpoint's per-second quota lets through at once
 * }</pre>
 */
public record RoutingConfig(
    StrategyConfig strategy,
    Map<String, StrategyConfig> models,
    DeadlinePolicy deadlinePolicy,
    LoadSheddingConfig loadShedding,
    Long ewmaDecayMs,
    Long initialRttMs,
    Long metricsMaxAgeMs,
    Long retryAfterMs,
    Integer quotaBurst) {

  /** Every key at its default. */
  public static final RoutingConfig DEFAULTS = new RoutingConfig(null, null, null, null, null, null, null, null, null);

  public RoutingConfig {
    strategy = strategy == null ? StrategyConfig.DEFAULT : strategy;
    models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    deadlinePolicy = deadlinePolicy == null ? DeadlinePolicy.REJECT : deadlinePolicy;
    loadShedding = loadShedding == null ? LoadSheddingConfig.DEFAULTS : loadShedding;
    ewmaDecayMs = positive(ewmaDecayMs, Strategies.DEFAULT_EWMA_DECAY.toMillis(), "ewmaDecayMs");
    initialRttMs = atLeast(initialRttMs, Strategies.DEFAULT_INITIAL_RTT.toMillis(), 0, "initialRttMs");
    metricsMaxAgeMs = atLeast(metricsMaxAgeMs, LatencyModel.DEFAULT_METRICS_MAX_AGE.toMillis(), 0, "metricsMaxAgeMs");
    retryAfterMs = atLeast(retryAfterMs, Router.DEFAULT_RETRY_AFTER.toMillis(), 0, "retryAfterMs");
    quotaBurst = atLeast(quotaBurst, Router.DEFAULT_QUOTA_BURST, 1, "quotaBurst");
  }

  /** This section with another default strategy. */
  public RoutingConfig withStrategy(StrategyConfig s) {
    return new RoutingConfig(s, models, deadlinePolicy, loadShedding, ewmaDecayMs, initialRttMs, metricsMaxAgeMs,
        retryAfterMs, quotaBurst);
  }

  LatencyModel latencyModel() {
    return LatencyModel.of(ms(ewmaDecayMs), ms(initialRttMs), ms(metricsMaxAgeMs));
  }

  /** Sets the strategy, latency model, deadline policy, load shedding and hints on a router builder. */
  Router.Builder applyTo(Router.Builder b) {
    LatencyModel model = latencyModel();
    Map<String, SelectionStrategy> overrides = new LinkedHashMap<>();
    models.forEach((name, s) -> overrides.put(name, s.build(model)));
    return b.strategy(Strategies.perModel(overrides, strategy.build(model)))
        .latencyModel(model)
        .deadlinePolicy(deadlinePolicy)
        .loadShedding(loadShedding.build())
        .retryAfter(ms(retryAfterMs))
        .quotaBurst(quotaBurst);
  }
}
