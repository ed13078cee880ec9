package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;
import static io.modelrouter.gateway.ConfigChecks.share;
import static io.modelrouter.gateway.ConfigChecks.within;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.modelrouter.select.LatencyModel;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A selection strategy by name, with its parameters: one of the factories of {@link Strategies}.
 * Written as a bare name ({@code strategy: roundRobin}) or as a map ({@code strategy: {name:
 * leastLatency, fullScanLimit: 8}}). A parameter the named strategy does not take is an error; a
 * missing one takes the library's default. {@code default} is the router's default, {@link
 * Strategies#defaultStrategy()}: {@code byServerKind} with {@code llmCombined} for versions served
 * by LLM servers (vllm, sglang, tgi) and {@code leastLatency} for the rest.
 *
 * <table>
 *   <caption>Strategies and their parameters</caption>
 *   <tr><th>name</th><th>parameters (default)</th></tr>
 *   <tr><td>default</td><td>none</td></tr>
 *   <tr><td>byServerKind</td><td>llm (llmCombined), other (leastLatency)</td></tr>
 *   <tr><td>llmCombined</td><td>none (its weights are tuned in the simulator; change them in code)</td></tr>
 *   <tr><td>leastLatency</td><td>decayMs (10000), initialRttMs (30), fullScanLimit (16)</td></tr>
 *   <tr><td>p2cPeakEwma</td><td>decayMs (10000), initialRttMs (30)</td></tr>
 *   <tr><td>llmAware</td><td>none (scraped-metrics staleness is the routing section's metricsMaxAgeMs)</td></tr>
 *   <tr><td>costAware</td><td>tradeOff (0.5)</td></tr>
 *   <tr><td>boundedLoadHash</td><td>loadFactor (1.25), fallback (p2cPeakEwma)</td></tr>
 *   <tr><td>slowStart</td><td>delegate (p2cPeakEwma), windowMs (30000), minWeight (0.1)</td></tr>
 *   <tr><td>roundRobin, weightedRoundRobin, weightedRandom, leastRequest, p2cLeastLoaded</td><td>none</td></tr>
 * </table>
 */
public record StrategyConfig(
    String name,
    @Nullable Long decayMs,
    @Nullable Long initialRttMs,
    @Nullable Integer fullScanLimit,
    @Nullable Double tradeOff,
    @Nullable Double loadFactor,
    @Nullable StrategyConfig fallback,
    @Nullable StrategyConfig delegate,
    @Nullable Long windowMs,
    @Nullable Double minWeight,
    @Nullable StrategyConfig llm,
    @Nullable StrategyConfig other) {

  /** Each strategy's parameters, by name, in the order of the table above. */
  private static final Map<String, Set<String>> PARAMETERS = parameters();

  /** The default strategy: the router's, {@link Strategies#defaultStrategy()}. */
  public static final StrategyConfig DEFAULT = named("default");

  private static Map<String, Set<String>> parameters() {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    m.put("default", Set.of());
    m.put("byServerKind", Set.of("llm", "other"));
    m.put("llmCombined", Set.of());
    m.put("leastLatency", Set.of("decayMs", "initialRttMs", "fullScanLimit"));
    m.put("p2cPeakEwma", Set.of("decayMs", "initialRttMs"));
    m.put("llmAware", Set.of());
    m.put("costAware", Set.of("tradeOff"));
    m.put("boundedLoadHash", Set.of("loadFactor", "fallback"));
    m.put("slowStart", Set.of("delegate", "windowMs", "minWeight"));
    m.put("roundRobin", Set.of());
    m.put("weightedRoundRobin", Set.of());
    m.put("weightedRandom", Set.of());
    m.put("leastRequest", Set.of());
    m.put("p2cLeastLoaded", Set.of());
    return java.util.Collections.unmodifiableMap(m);
  }

  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public StrategyConfig {
    check(name != null && PARAMETERS.containsKey(name), "name", name, "one of " + names());
    Set<String> takes = PARAMETERS.get(name);
    Map<String, @Nullable Object> given = new LinkedHashMap<>();
    given.put("decayMs", decayMs);
    given.put("initialRttMs", initialRttMs);
    given.put("fullScanLimit", fullScanLimit);
    given.put("tradeOff", tradeOff);
    given.put("loadFactor", loadFactor);
    given.put("fallback", fallback);
    given.put("delegate", delegate);
    given.put("windowMs", windowMs);
    given.put("minWeight", minWeight);
    given.put("llm", llm);
    given.put("other", other);
    for (Map.Entry<String, @Nullable Object> e : given.entrySet()) {
      if (e.getValue() != null && !takes.contains(e.getKey())) {
        throw new ConfigValueException(e.getKey(), "strategy " + name + " takes no parameter '" + e.getKey() + "' (expected: "
            + (takes.isEmpty() ? "none" : "one of " + new java.util.TreeSet<>(takes)) + ")");
      }
    }
    if (takes.contains("llm")) {
      llm = llm == null ? named("llmCombined") : llm;
      other = other == null ? named("leastLatency") : other;
    }
    if (takes.contains("decayMs")) {
      decayMs = positive(decayMs, Strategies.DEFAULT_EWMA_DECAY.toMillis(), "decayMs");
      initialRttMs = atLeast(initialRttMs, Strategies.DEFAULT_INITIAL_RTT.toMillis(), 0, "initialRttMs");
    }
    if (takes.contains("fullScanLimit")) {
      fullScanLimit = atLeast(fullScanLimit, Strategies.DEFAULT_FULL_SCAN_LIMIT, 0, "fullScanLimit");
    }
    if (takes.contains("tradeOff")) {
      tradeOff = within(tradeOff, Strategies.DEFAULT_COST_TRADE_OFF, 0, 1, "tradeOff");
    }
    if (takes.contains("loadFactor")) {
      double f = loadFactor == null ? Strategies.DEFAULT_HASH_LOAD_FACTOR : loadFactor;
      check(f >= 1 && !Double.isInfinite(f), "loadFactor", f, "a finite number >= 1");
      loadFactor = f;
      fallback = fallback == null ? named("p2cPeakEwma") : fallback;
    }
    if (takes.contains("delegate")) {
      delegate = delegate == null ? named("p2cPeakEwma") : delegate;
      windowMs = positive(windowMs, Strategies.DEFAULT_SLOW_START_WINDOW.toMillis(), "windowMs");
      minWeight = share(minWeight, Strategies.DEFAULT_SLOW_START_MIN_WEIGHT, "minWeight");
    }
  }

  /** A strategy written as its bare name, every parameter at its default. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static StrategyConfig named(String name) {
    return new StrategyConfig(name, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** The names this section accepts. */
  static List<String> names() {
    return List.copyOf(PARAMETERS.keySet());
  }

  /** The strategy, built with the library's factory; {@code model} serves the strategies that predict latency. */
  SelectionStrategy build(LatencyModel model) {
    return switch (name) {
      case "default" -> Strategies.defaultStrategy();
      case "byServerKind" -> Strategies.byServerKind(llm.build(model), other.build(model));
      case "llmCombined" -> Strategies.llmCombined();
      case "leastLatency" -> Strategies.leastLatency(ms(decayMs), ms(initialRttMs), fullScanLimit);
      case "p2cPeakEwma" -> Strategies.p2cPeakEwma(ms(decayMs), ms(initialRttMs));
      case "llmAware" -> Strategies.llmAware(model);
      case "costAware" -> Strategies.costAware(tradeOff, model);
      case "boundedLoadHash" -> Strategies.boundedLoadHash(loadFactor, fallback.build(model));
      case "slowStart" -> Strategies.slowStart(delegate.build(model), ms(windowMs), minWeight);
      case "roundRobin" -> Strategies.roundRobin();
      case "weightedRoundRobin" -> Strategies.weightedRoundRobin();
      case "weightedRandom" -> Strategies.weightedRandom();
      case "leastRequest" -> Strategies.leastRequest();
      case "p2cLeastLoaded" -> Strategies.p2cLeastLoaded();
      default -> throw new IllegalStateException("unreachable: " + name);
    };
  }
}
