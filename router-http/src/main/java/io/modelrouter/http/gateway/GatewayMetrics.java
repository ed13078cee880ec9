package io.modelrouter.http.gateway;

import io.modelrouter.Outcome;
import io.modelrouter.RejectionReason;
import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.registry.RegistrySnapshot;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's own metrics, written in the Prometheus text format (version 0.0.4) on
 * {@code /metrics}: requests by model, endpoint and outcome; latency and time-to-first-byte
 * histograms by model; rejections by reason; tenant requests; ejections; requests in flight in
 * the gateway and on each endpoint. Counters are {@link LongAdder}s, so recording never contends.
 */
final class GatewayMetrics {

  /** Histogram bucket bounds in seconds: 5 ms to 60 s, enough for embeddings and long generations. */
  static final double[] BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> rejections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> tenantRequests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> ejections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Histogram> latency = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Histogram> ttfb = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, EndpointStatus> lastStatus = new ConcurrentHashMap<>();

  /** Counts a forwarded request that ended with an outcome. */
  void recordRequest(String model, String endpoint, Outcome.Kind outcome, long latencyNanos, long ttfbNanos) {
    String key = "model=\"" + escape(model) + "\",endpoint=\"" + escape(endpoint) + "\",outcome=\""
        + outcome.name().toLowerCase(Locale.ROOT) + '"';
    requests.computeIfAbsent(key, k -> new LongAdder()).increment();
    if (latencyNanos >= 0) {
      latency.computeIfAbsent(model, k -> new Histogram()).observe(latencyNanos / 1e9);
    }
    if (ttfbNanos >= 0) {
      ttfb.computeIfAbsent(model, k -> new Histogram()).observe(ttfbNanos / 1e9);
    }
  }

  /** Counts a request the gateway or the router refused. */
  void recordRejection(RejectionReason reason) {
    rejections.computeIfAbsent(reason.code(), k -> new LongAdder()).increment();
  }

  /** Counts a request by tenant and the status it got. */
  void recordTenant(String tenant, int status) {
    tenantRequests.computeIfAbsent("tenant=\"" + escape(tenant) + "\",code=\"" + status + '"', k -> new LongAdder())
        .increment();
  }

  /** Counts an endpoint's ejection. */
  void recordEjection(String endpoint) {
    ejections.computeIfAbsent(endpoint, k -> new LongAdder()).increment();
  }

  long rejections(RejectionReason reason) {
    LongAdder a = rejections.get(reason.code());
    return a == null ? 0 : a.sum();
  }

  /** Writes every metric; endpoint gauges come from the registry's live states. */
  void write(StringBuilder out, RegistrySnapshot snapshot, int gatewayInFlight) {
    observeEjections(snapshot);
    counter(out, "modelrouter_requests_total", "Requests forwarded, by model, endpoint and outcome.", requests);
    histogram(out, "modelrouter_request_duration_seconds", "End-to-end latency of forwarded requests.", latency);
    histogram(out, "modelrouter_time_to_first_byte_seconds", "Time to the first response byte from the endpoint.", ttfb);
    Map<String, LongAdder> byReason = new TreeMap<>();
    rejections.forEach((k, v) -> byReason.put("reason=\"" + k + '"', v));
    counter(out, "modelrouter_rejections_total", "Requests refused by the gateway or the router, by reason.", byReason);
    counter(out, "modelrouter_tenant_requests_total", "Requests by tenant and response status.", tenantRequests);
    Map<String, LongAdder> byEndpoint = new TreeMap<>();
    ejections.forEach((k, v) -> byEndpoint.put("endpoint=\"" + escape(k) + '"', v));
    counter(out, "modelrouter_ejections_total", "Times an endpoint was ejected by outlier detection.", byEndpoint);

    out.append("# HELP modelrouter_in_flight Requests in flight in the gateway.\n");
    out.append("# TYPE modelrouter_in_flight gauge\n");
    out.append("modelrouter_in_flight ").append(gatewayInFlight).append('\n');
    out.append("# HELP modelrouter_endpoint_in_flight Requests in flight on each endpoint.\n");
    out.append("# TYPE modelrouter_endpoint_in_flight gauge\n");
    for (EndpointState s : snapshot.states()) {
      out.append("modelrouter_endpoint_in_flight{endpoint=\"").append(escape(s.id())).append("\"} ")
          .append(s.inFlight()).append('\n');
    }
    out.append("# HELP modelrouter_endpoint_up Whether each endpoint takes traffic (1) or not (0).\n");
    out.append("# TYPE modelrouter_endpoint_up gauge\n");
    for (EndpointState s : snapshot.states()) {
      out.append("modelrouter_endpoint_up{endpoint=\"").append(escape(s.id())).append("\",status=\"")
          .append(s.status().name().toLowerCase(Locale.ROOT)).append("\"} ")
          .append(s.status().routable() ? 1 : 0).append('\n');
    }
  }

  /** Counts transitions into EJECTED seen since the last scrape (for ejectors that report none). */
  private void observeEjections(RegistrySnapshot snapshot) {
    for (EndpointState s : snapshot.states()) {
      EndpointStatus now = s.status();
      EndpointStatus before = lastStatus.put(s.id(), now);
      if (now == EndpointStatus.EJECTED && before != null && before != EndpointStatus.EJECTED) {
        recordEjection(s.id());
      }
    }
  }

  private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> values) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(values).entrySet()) {
      out.append(name).append('{').append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
    }
  }

  private static void histogram(StringBuilder out, String name, String help, Map<String, Histogram> byModel) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" histogram\n");
    for (Map.Entry<String, Histogram> e : new TreeMap<>(byModel).entrySet()) {
      String model = "model=\"" + escape(e.getKey()) + '"';
      Histogram h = e.getValue();
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += h.buckets[i].sum();
        out.append(name).append("_bucket{").append(model).append(",le=\"").append(BUCKETS[i]).append("\"} ")
            .append(cumulative).append('\n');
      }
      cumulative += h.buckets[BUCKETS.length].sum();
      out.append(name).append("_bucket{").append(model).append(",le=\"+Inf\"} ").append(cumulative).append('\n');
      out.append(name).append("_sum{").append(model).append("} ").append(h.sum.sum()).append('\n');
      out.append(name).append("_count{").append(model).append("} ").append(cumulative).append('\n');
    }
  }

  /** Escapes a label value: backslash, double quote and newline. */
  static String escape(String value) {
    if (value.indexOf('\\') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
      return value;
    }
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** A fixed-bucket histogram; the last bucket is +Inf. */
  private static final class Histogram {
    final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
    final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void observe(double seconds) {
      int i = 0;
      while (i < BUCKETS.length && seconds > BUCKETS[i]) {
        i++;
      }
      buckets[i].increment();
      sum.add(seconds);
    }
  }
}
