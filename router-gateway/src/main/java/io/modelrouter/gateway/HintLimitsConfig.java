package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.check;

import io.modelrouter.Priority;
import io.modelrouter.http.gateway.HintLimits;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code security.hintLimits:}: the most a tenant's routing hints may ask for (the {@code
 * x-modelrouter-priority} header and the latency budgets); higher hints are clamped. The top level
 * holds every tenant's limits, {@code tenants:} the exceptions by tenant name (each entry's keys
 * default as at the top level, not to the top level's values).
 *
 * <pre>{@code
 * hintLimits:
 *   highestPriority: standard        # critical, standard or sheddable
 *   longestBudgetMs: 0               # 0: the gateway's requestTimeoutMs
 *   tenants:                         # none by default
 *     batch-team: {highestPriority: critical, longestBudgetMs: 3600000}
 * }</pre>
 */
public record HintLimitsConfig(String highestPriority, Long longestBudgetMs, Map<String, HintLimitsConfig> tenants) {

  /** Every tenant at {@link HintLimits#standard()}. */
  public static final HintLimitsConfig DEFAULTS = new HintLimitsConfig(null, null, null);

  public HintLimitsConfig {
    highestPriority = highestPriority == null ? "standard" : highestPriority.toLowerCase(Locale.ROOT);
    String named = highestPriority;
    check(Arrays.stream(Priority.values()).anyMatch(p -> p.name().equalsIgnoreCase(named)),
        "highestPriority", highestPriority, "critical, standard or sheddable");
    longestBudgetMs = atLeast(longestBudgetMs, 0, 0, "longestBudgetMs");
    tenants = tenants == null ? Map.of() : new LinkedHashMap<>(tenants);
    for (Map.Entry<String, HintLimitsConfig> e : tenants.entrySet()) {
      check(e.getValue() != null && e.getValue().tenants().isEmpty(), "tenants." + e.getKey(), "nested tenants",
          "highestPriority and longestBudgetMs only");
    }
    tenants = java.util.Collections.unmodifiableMap(tenants);
  }

  /** The limits of these keys, a budget of 0 meaning {@code requestTimeout}. */
  HintLimits limits(Duration requestTimeout) {
    Priority p = Priority.valueOf(highestPriority.toUpperCase(Locale.ROOT));
    if (p == Priority.STANDARD && longestBudgetMs == 0) {
      return HintLimits.standard();
    }
    return HintLimits.of(p, longestBudgetMs == 0 ? requestTimeout : Duration.ofMillis(longestBudgetMs));
  }
}
