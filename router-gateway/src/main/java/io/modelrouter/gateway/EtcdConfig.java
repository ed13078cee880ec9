package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;

import io.modelrouter.registry.etcd.EndpointRegistration;
import io.modelrouter.registry.etcd.EtcdClient;
import io.modelrouter.registry.etcd.EtcdRegistry;
import java.util.List;

/**
 * {@code registry.etcd}: the registry shared by every gateway replica through etcd (see {@link
 * EtcdRegistry}: a watch of the prefix, resumed from the last revision after a disconnection),
 * and the replicas' own membership, by which they split each tenant's quota.
 *
 * <pre>{@code
 * etcd:
 *   endpoints: [http://127.0.0.1:2379]   # etcd client URLs (required)
 *   prefix: /modelrouter/                # key prefix of the registry
 *   watchIdleTimeoutMs: 60000            # a watch silent this long is re-opened
 *   minBackoffMs: 100                    # first reconnect delay
 *   maxBackoffMs: 3000                   # longest reconnect delay
 *   replicaTtlSeconds: 10                # lease TTL of this replica's membership key
 *   shareQuotas: true                    # split each tenant's quota between the live replicas
 * }</pre>
 */
public record EtcdConfig(
    List<String> endpoints,
    String prefix,
    Long watchIdleTimeoutMs,
    Long minBackoffMs,
    Long maxBackoffMs,
    Long replicaTtlSeconds,
    Boolean shareQuotas) {

  public EtcdConfig {
    check(endpoints != null && !endpoints.isEmpty(), "endpoints", "missing", "etcd client URLs, such as [http://127.0.0.1:2379]");
    endpoints = List.copyOf(endpoints);
    for (String url : endpoints) {
      check(url.startsWith("http://") || url.startsWith("https://"), "endpoints", url, "an http:// or https:// URL");
    }
    prefix = prefix == null ? EtcdRegistry.DEFAULT_PREFIX : prefix;
    check(prefix.startsWith("/"), "prefix", prefix, "a key prefix starting with /");
    watchIdleTimeoutMs = positive(watchIdleTimeoutMs, EtcdRegistry.DEFAULT_WATCH_IDLE_TIMEOUT_MILLIS, "watchIdleTimeoutMs");
    minBackoffMs = positive(minBackoffMs, EtcdRegistry.DEFAULT_MIN_BACKOFF_MILLIS, "minBackoffMs");
    maxBackoffMs = atLeast(maxBackoffMs, Math.max(minBackoffMs, EtcdRegistry.DEFAULT_MAX_BACKOFF_MILLIS), minBackoffMs, "maxBackoffMs");
    replicaTtlSeconds = atLeast(replicaTtlSeconds, EndpointRegistration.DEFAULT_TTL_SECONDS, 1, "replicaTtlSeconds");
    shareQuotas = shareQuotas == null || shareQuotas;
  }

  /** Where the replicas' membership keys live: beside the registry, not under it ({@code /modelrouter/} gives {@code /modelrouter-replicas/}). */
  String replicaPrefix() {
    String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return p + "-replicas/";
  }

  EtcdClient client() {
    return EtcdClient.builder(endpoints).build();
  }

  EtcdRegistry registry(EtcdClient client) {
    return EtcdRegistry.builder(client)
        .prefix(prefix)
        .watchIdleTimeout(ms(watchIdleTimeoutMs))
        .backoff(ms(minBackoffMs), ms(maxBackoffMs))
        .build();
  }
}
