package io.modelrouter.http.metrics;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The load signals routing reads, taken from one scrape of a model server's {@code /metrics}
 * under the server's own metric names:
 *
 * <table>
 *   <caption>Metric names per server</caption>
 *   <tr><th>server</th><th>waiting</th><th>running</th><th>KV cache (0..1)</th><th>adapters</th></tr>
 *   <tr><td>vLLM</td><td>{@code vllm:num_requests_waiting}</td><td>{@code vllm:num_requests_running}</td>
 *       <td>{@code vllm:kv_cache_usage_perc}, older {@code vllm:gpu_cache_usage_perc}</td>
 *       <td>{@code vllm:lora_requests_info} (newest series: running and waiting adapters)</td></tr>
 *   <tr><td>SGLang</td><td>{@code sglang:num_queue_reqs}</td><td>{@code sglang:num_running_reqs}</td>
 *       <td>{@code sglang:token_usage}</td><td>-</td></tr>
 *   <tr><td>TGI</td><td>{@code tgi_queue_size}</td><td>{@code tgi_batch_current_size}</td><td>-</td><td>-</td></tr>
 *   <tr><td>Triton</td><td>{@code nv_trt_llm_request_metrics{request_type="waiting"}}, else
 *       {@code nv_inference_pending_request_count}</td>
 *       <td>{@code nv_trt_llm_request_metrics{request_type="scheduled"}}</td>
 *       <td>{@code nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="fraction"}}, else used / max</td>
 *       <td>-</td></tr>
 * </table>
 *
 * <p>Series of one metric (several engines or models on one server) are summed for counts and
 * the highest is taken for cache use. A signal the server does not report is -1 (counts) or NaN
 * (cache use); adapters are null when not reported.
 *
 * @param waiting requests queued on the server, or -1
 * @param running requests being processed, or -1
 * @param kvCacheUsage KV-cache use between 0 and 1, or NaN
 * @param adapters LoRA adapters running or waiting on the server, or null when not reported
 */
public record ServerMetrics(int waiting, int running, double kvCacheUsage, @Nullable Set<String> adapters) {

  /** Whether any load signal was found. */
  public boolean isEmpty() {
    return waiting < 0 && running < 0 && Double.isNaN(kvCacheUsage) && adapters == null;
  }

  /**
   * Reads the signals of a server of the given kind ({@code vllm}, {@code sglang}, {@code tgi},
   * {@code triton}); for {@code generic} or anything else, whichever names are present.
   */
  public static ServerMetrics from(String server, List<Sample> samples) {
    switch (server.toLowerCase(Locale.ROOT)) {
      case "vllm":
        return vllm(samples);
      case "sglang":
        return sglang(samples);
      case "tgi":
        return tgi(samples);
      case "triton":
        return triton(samples);
      default:
        for (Sample s : samples) {
          String n = s.name();
          if (n.startsWith("vllm:")) {
            return vllm(samples);
          }
          if (n.startsWith("sglang:")) {
            return sglang(samples);
          }
          if (n.startsWith("tgi_")) {
            return tgi(samples);
          }
          if (n.startsWith("nv_")) {
            return triton(samples);
          }
        }
        return new ServerMetrics(-1, -1, Double.NaN, null);
    }
  }

  static ServerMetrics vllm(List<Sample> samples) {
    double kv = max(samples, "vllm:kv_cache_usage_perc", null, null);
    if (Double.isNaN(kv)) {
      kv = max(samples, "vllm:gpu_cache_usage_perc", null, null);
    }
    Set<String> adapters = null;
    double newest = Double.NEGATIVE_INFINITY;
    for (Sample s : samples) {
      if (s.name().equals("vllm:lora_requests_info") && s.value() >= newest) {
        newest = s.value();
        Set<String> a = new LinkedHashSet<>();
        split(s.label("running_lora_adapters"), a);
        split(s.label("waiting_lora_adapters"), a);
        adapters = a;
      }
    }
    return new ServerMetrics(
        count(samples, "vllm:num_requests_waiting", null, null),
        count(samples, "vllm:num_requests_running", null, null),
        fraction(kv), adapters);
  }

  static ServerMetrics sglang(List<Sample> samples) {
    return new ServerMetrics(
        count(samples, "sglang:num_queue_reqs", null, null),
        count(samples, "sglang:num_running_reqs", null, null),
        fraction(max(samples, "sglang:token_usage", null, null)), null);
  }

  static ServerMetrics tgi(List<Sample> samples) {
    return new ServerMetrics(
        count(samples, "tgi_queue_size", null, null),
        count(samples, "tgi_batch_current_size", null, null),
        Double.NaN, null);
  }

  static ServerMetrics triton(List<Sample> samples) {
    String req = "nv_trt_llm_request_metrics";
    int waiting = count(samples, req, "request_type", "waiting");
    if (waiting < 0) {
      waiting = count(samples, "nv_inference_pending_request_count", null, null);
    }
    int running = count(samples, req, "request_type", "scheduled");
    String kvm = "nv_trt_llm_kv_cache_block_metrics";
    double kv = max(samples, kvm, "kv_cache_block_type", "fraction");
    if (Double.isNaN(kv)) {
      double used = sum(samples, kvm, "kv_cache_block_type", "used");
      double max = sum(samples, kvm, "kv_cache_block_type", "max");
      kv = max > 0 ? used / max : Double.NaN;
    }
    return new ServerMetrics(waiting, running, fraction(kv), null);
  }

  private static void split(@Nullable String csv, Set<String> into) {
    if (csv == null) {
      return;
    }
    for (String a : csv.split(",")) {
      String t = a.trim();
      if (!t.isEmpty()) {
        into.add(t);
      }
    }
  }

  private static boolean matches(Sample s, String name, @Nullable String label, @Nullable String value) {
    return s.name().equals(name) && (label == null || value.equals(s.label(label)));
  }

  private static double sum(List<Sample> samples, String name, @Nullable String label, @Nullable String value) {
    double total = Double.NaN;
    for (Sample s : samples) {
      if (matches(s, name, label, value) && Double.isFinite(s.value())) {
        total = Double.isNaN(total) ? s.value() : total + s.value();
      }
    }
    return total;
  }

  private static int count(List<Sample> samples, String name, @Nullable String label, @Nullable String value) {
    double total = sum(samples, name, label, value);
    return Double.isNaN(total) || total < 0 ? -1 : (int) Math.min(Math.round(total), Integer.MAX_VALUE);
  }

  private static double max(List<Sample> samples, String name, @Nullable String label, @Nullable String value) {
    double best = Double.NaN;
    for (Sample s : samples) {
      if (matches(s, name, label, value) && Double.isFinite(s.value())) {
        best = Double.isNaN(best) ? s.value() : Math.max(best, s.value());
      }
    }
    return best;
  }

  /** Cache use as a fraction; a server reporting percent (above 1) is scaled down. */
  private static double fraction(double v) {
    if (Double.isNaN(v) || v < 0) {
      return Double.NaN;
    }
    return v > 1 ? Math.min(v / 100, 1) : v;
  }
}
