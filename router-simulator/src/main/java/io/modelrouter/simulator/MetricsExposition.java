package io.modelrouter.simulator;

/**
 * A simulated server's {@code /metrics} in the Prometheus text format, under the real names: vLLM's
 * for the OpenAI server ({@code vllm:num_requests_running}, {@code vllm:num_requests_waiting},
 * {@code vllm:kv_cache_usage_perc} and its older name {@code vllm:gpu_cache_usage_perc},
 * {@code vllm:lora_requests_info}, counters and a latency histogram), Triton's and TensorRT-LLM's
 * for the OIP server ({@code nv_inference_pending_request_count}, {@code nv_inference_request_*},
 * {@code nv_trt_llm_request_metrics}, {@code nv_trt_llm_kv_cache_block_metrics}). The values
 * follow the server's real slots and counts.
 */
final class MetricsExposition {

  /** The content type of the text format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Tokens per KV-cache block in TensorRT-LLM's block metrics. */
  private static final int TOKENS_PER_BLOCK = 64;

  private final SimServer.Protocol protocol;
  private final String model;
  private final String version;
  private final int maxLoras;
  private final Slots slots;
  private final ServerStats stats;

  MetricsExposition(SimServer.Protocol protocol, String model, String version, int maxLoras, Slots slots,
      ServerStats stats) {
    this.protocol = protocol;
    this.model = model;
    this.version = version;
    this.maxLoras = maxLoras;
    this.slots = slots;
    this.stats = stats;
  }

  /** The metrics as they are now. */
  String text() {
    StringBuilder sb = new StringBuilder(2048);
    if (protocol == SimServer.Protocol.OPENAI) {
      vllm(sb);
    } else {
      triton(sb);
    }
    return sb.toString();
  }

  private void vllm(StringBuilder sb) {
    double kv = slots.kvCacheUsage();
    String labels = "{engine=\"0\",model_name=" + Json.quote(model) + "}";
    gauge(sb, "vllm:num_requests_running", "Number of requests in model execution batches.", labels, slots.running());
    gauge(sb, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", labels, slots.waiting());
    gauge(sb, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", labels, kv);
    gauge(sb, "vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.", labels, kv);
    sb.append("# HELP vllm:lora_requests_info Running stats on lora requests.\n")
        .append("# TYPE vllm:lora_requests_info gauge\n")
        .append("vllm:lora_requests_info{max_lora=\"").append(maxLoras)
        .append("\",running_lora_adapters=\"").append(slots.runningAdapters())
        .append("\",waiting_lora_adapters=\"").append(slots.waitingAdapters()).append("\"} ")
        .append(System.currentTimeMillis() / 1000.0).append('\n');
    counter(sb, "vllm:request_success_total", "Count of successfully processed requests.",
        "{engine=\"0\",finished_reason=\"length\",model_name=" + Json.quote(model) + "}", stats.successCount());
    counter(sb, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", labels, stats.promptTokens());
    counter(sb, "vllm:generation_tokens_total", "Number of generation tokens processed.", labels,
        stats.generationTokens());
    histogram(sb, "vllm:e2e_request_latency_seconds", "Histogram of end to end request latency in seconds.",
        "engine=\"0\",model_name=" + Json.quote(model));
  }

  private void triton(StringBuilder sb) {
    int run = slots.running();
    int wait = slots.waiting();
    double kv = slots.kvCacheUsage();
    String labels = "{model=" + Json.quote(model) + ",version=" + Json.quote(version) + "}";
    gauge(sb, "nv_inference_pending_request_count", "Instantaneous number of pending requests awaiting execution per-model.",
        labels, wait);
    counter(sb, "nv_inference_request_success", "Number of successful inference requests, all batch sizes", labels,
        stats.successCount());
    counter(sb, "nv_inference_request_failure", "Number of failed inference requests, all batch sizes", labels,
        stats.failureCount());
    sb.append("# HELP nv_trt_llm_request_metrics TRT LLM request metrics\n")
        .append("# TYPE nv_trt_llm_request_metrics gauge\n");
    String ml = ",model=" + Json.quote(model) + ",version=" + Json.quote(version) + "}";
    sample(sb, "nv_trt_llm_request_metrics{request_type=\"waiting\"" + ml, wait);
    sample(sb, "nv_trt_llm_request_metrics{request_type=\"scheduled\"" + ml, run);
    sample(sb, "nv_trt_llm_request_metrics{request_type=\"active\"" + ml, run + wait);
    sample(sb, "nv_trt_llm_request_metrics{request_type=\"max\"" + ml, slots.capacity());
    int maxBlocks = Math.max(1, slots.kvCacheTokens() / TOKENS_PER_BLOCK);
    int used = (int) Math.round(kv * maxBlocks);
    sb.append("# HELP nv_trt_llm_kv_cache_block_metrics TRT LLM KV cache block metrics\n")
        .append("# TYPE nv_trt_llm_kv_cache_block_metrics gauge\n");
    sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"tokens_per\"" + ml, TOKENS_PER_BLOCK);
    sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"used\"" + ml, used);
    sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"free\"" + ml, maxBlocks - used);
    sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"max\"" + ml, maxBlocks);
    sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"fraction\"" + ml, kv);
  }

  private static void gauge(StringBuilder sb, String metric, String help, String labels, double value) {
    sb.append("# HELP ").append(metric).append(' ').append(help).append('\n')
        .append("# TYPE ").append(metric).append(" gauge\n");
    sample(sb, metric + labels, value);
  }

  private static void counter(StringBuilder sb, String metric, String help, String labels, double value) {
    sb.append("# HELP ").append(metric).append(' ').append(help).append('\n')
        .append("# TYPE ").append(metric).append(" counter\n");
    sample(sb, metric + labels, value);
  }

  private static void sample(StringBuilder sb, String series, double value) {
    sb.append(series).append(' ').append(value).append('\n');
  }

  private void histogram(StringBuilder sb, String metric, String help, String labels) {
    sb.append("# HELP ").append(metric).append(' ').append(help).append('\n')
        .append("# TYPE ").append(metric).append(" histogram\n");
    double[] bounds = ServerStats.LATENCY_BUCKETS;
    long cumulative = 0;
    for (int k = 0; k < bounds.length; k++) {
      cumulative += stats.latencyBucket(k);
      sample(sb, metric + "_bucket{" + labels + ",le=\"" + bounds[k] + "\"}", cumulative);
    }
    cumulative += stats.latencyBucket(bounds.length);
    sample(sb, metric + "_bucket{" + labels + ",le=\"+Inf\"}", cumulative);
    sample(sb, metric + "_sum{" + labels + "}", stats.latencySumSeconds());
    sample(sb, metric + "_count{" + labels + "}", cumulative);
  }
}
