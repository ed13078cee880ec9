package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;
import static io.modelrouter.gateway.ConfigChecks.fraction;

import io.modelrouter.http.metrics.MetricsScraper;
import io.modelrouter.registry.ModelRegistry;

/**
 * The {@code scraping:} section: reading model servers' own metrics (queue depth, KV-cache use)
 * for the LLM-aware strategies and load shedding (see {@link MetricsScraper}). Only endpoints
 * whose {@code server} is a known kind (vllm, triton, ...) are scraped.
 *
 * <pre>{@code
 * scraping:
 *   enabled: true        # false: no scraping; llmAware then sees every endpoint as unknown
 *   intervalMs: 500      # time between two scrapes of one endpoint
 *   timeoutMs: 1000      # deadline of one scrape
 *   staleAfterMs: 3000   # signals older than this are cleared to unknown (staleness)
 *   jitter: 0.1          # share of the interval added or removed at random
 *   path: /metrics       # where the servers publish Prometheus text
 * }</pre>
 */
public record ScrapingConfig(
    Boolean enabled, Long intervalMs, Long timeoutMs, Long staleAfterMs, Double jitter, String path) {

  /** The share of the interval added or removed at random by default: 0.1, as health checks. */
  public static final double DEFAULT_JITTER = 0.1;
  /** Where model servers publish their metrics by default: {@value}. */
  public static final String DEFAULT_PATH = "/metrics";

  /** Every key at its default. */
  public static final ScrapingConfig DEFAULTS = new ScrapingConfig(null, null, null, null, null, null);

  public ScrapingConfig {
    enabled = enabled == null || enabled;
    intervalMs = positive(intervalMs, MetricsScraper.DEFAULT_INTERVAL.toMillis(), "intervalMs");
    timeoutMs = positive(timeoutMs, MetricsScraper.DEFAULT_TIMEOUT.toMillis(), "timeoutMs");
    staleAfterMs = positive(staleAfterMs, MetricsScraper.DEFAULT_STALE_AFTER.toMillis(), "staleAfterMs");
    jitter = fraction(jitter, DEFAULT_JITTER, "jitter");
    path = path == null ? DEFAULT_PATH : path;
    check(path.startsWith("/"), "path", path, "a path starting with /");
  }

  MetricsScraper build(ModelRegistry registry) {
    return MetricsScraper.builder(registry)
        .interval(ms(intervalMs))
        .timeout(ms(timeoutMs))
        .staleAfter(ms(staleAfterMs))
        .jitter(jitter)
        .path(path)
        .build();
  }
}
