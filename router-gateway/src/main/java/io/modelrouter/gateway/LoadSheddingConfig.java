package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.share;

import io.modelrouter.Priority;
import io.modelrouter.select.LoadShedding;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code routing.loadShedding}: when every endpoint of a model is saturated, requests of the shed
 * priorities are refused with a 503 and a retry-after hint instead of queueing (see {@link
 * LoadShedding}). Critical requests are never shed.
 *
 * <pre>{@code
 * loadShedding:
 *   shed: [SHEDDABLE]    # priorities shed; [] never sheds; add STANDARD to keep capacity for CRITICAL
 *   queueDepth: 5        # waiting requests (scraped) at which a server is saturated
 *   kvCacheUsage: 0.8    # KV-cache use (scraped) at which a server is saturated
 *   concurrency: 0.8     # share of an endpoint's concurrency limit in flight at which it is saturated
 * }</pre>
 */
public record LoadSheddingConfig(List<Priority> shed, Integer queueDepth, Double kvCacheUsage, Double concurrency) {

  /** Every key at its default. */
  public static final LoadSheddingConfig DEFAULTS = new LoadSheddingConfig(null, null, null, null);

  public LoadSheddingConfig {
    shed = shed == null ? List.of(Priority.SHEDDABLE) : List.copyOf(shed);
    check(!shed.contains(Priority.CRITICAL), "shed", shed, "no CRITICAL, critical requests are never shed");
    queueDepth = atLeast(queueDepth, LoadShedding.DEFAULT_QUEUE_DEPTH, 1, "queueDepth");
    kvCacheUsage = share(kvCacheUsage, LoadShedding.DEFAULT_KV_CACHE_USAGE, "kvCacheUsage");
    concurrency = share(concurrency, LoadShedding.DEFAULT_CONCURRENCY, "concurrency");
  }

  LoadShedding build() {
    return LoadShedding.builder()
        .shed(shed.isEmpty() ? EnumSet.noneOf(Priority.class) : EnumSet.copyOf(shed))
        .queueDepth(queueDepth)
        .kvCacheUsage(kvCacheUsage)
        .concurrency(concurrency)
        .build();
  }
}
