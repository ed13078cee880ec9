package io.modelrouter.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerMetricsTest {

  @Test
  void vllm_sumsEnginesAndReadsTheNewestLoraSeries() {
    ServerMetrics m = ServerMetrics.from("vllm", PrometheusText.parse("""
        vllm:num_requests_waiting{engine="0",model_name="m"} 2.0
        vllm:num_requests_waiting{engine="1",model_name="m"} 3.0
        vllm:num_requests_running{engine="0",model_name="m"} 4.0
        vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25
        vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.5
        vllm:lora_requests_info{max_lora="2",running_lora_adapters="old",waiting_lora_adapters=""} 1.7e9
        vllm:lora_requests_info{max_lora="2",running_lora_adapters="a,b",waiting_lora_adapters="c"} 1.8e9
        """));

    assertThat(m.waiting()).isEqualTo(5);
    assertThat(m.running()).isEqualTo(4);
    assertThat(m.kvCacheUsage()).isEqualTo(0.5);
    assertThat(m.adapters()).containsExactly("a", "b", "c");
  }

  @Test
  void vllm_fallsBackToTheOlderGpuCacheName() {
    ServerMetrics m = ServerMetrics.from("vllm", PrometheusText.parse(
        "vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.75\n"));

    assertThat(m.kvCacheUsage()).isEqualTo(0.75);
    assertThat(m.waiting()).isEqualTo(-1);
    assertThat(m.adapters()).isNull();
  }

  @Test
  void sglang_readsQueueRunningAndTokenUsage() {
    ServerMetrics m = ServerMetrics.from("sglang", PrometheusText.parse("""
        sglang:num_queue_reqs{model_name="m"} 7
        sglang:num_running_reqs{model_name="m"} 9
        sglang:token_usage{model_name="m"} 0.4
        """));

    assertThat(m).isEqualTo(new ServerMetrics(7, 9, 0.4, null));
  }

  @Test
  void tgi_readsQueueAndBatchSize() {
    ServerMetrics m = ServerMetrics.from("tgi", PrometheusText.parse("tgi_queue_size 3\ntgi_batch_current_size 8\n"));

    assertThat(m.waiting()).isEqualTo(3);
    assertThat(m.running()).isEqualTo(8);
    assertThat(m.kvCacheUsage()).isNaN();
  }

  @Test
  void triton_readsTensorRtLlmRequestAndKvBlockMetrics() {
    ServerMetrics m = ServerMetrics.from("triton", PrometheusText.parse("""
        nv_trt_llm_request_metrics{model="tensorrt_llm",request_type="waiting",version="1"} 4
        nv_trt_llm_request_metrics{model="tensorrt_llm",request_type="scheduled",version="1"} 6
        nv_trt_llm_request_metrics{model="tensorrt_llm",request_type="max",version="1"} 64
        nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="used",model="tensorrt_llm",version="1"} 25
        nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="max",model="tensorrt_llm",version="1"} 100
        """));

    assertThat(m.waiting()).isEqualTo(4);
    assertThat(m.running()).isEqualTo(6);
    assertThat(m.kvCacheUsage()).isEqualTo(0.25);
  }

  @Test
  void triton_withoutTensorRtLlmReadsPendingRequests() {
    ServerMetrics m = ServerMetrics.from("triton", PrometheusText.parse(
        "nv_inference_pending_request_count{model=\"a\",version=\"1\"} 2\n"
            + "nv_inference_pending_request_count{model=\"b\",version=\"1\"} 1\n"));

    assertThat(m.waiting()).isEqualTo(3);
    assertThat(m.running()).isEqualTo(-1);
  }

  @Test
  void generic_detectsTheServerFromItsMetricNames() {
    assertThat(ServerMetrics.from("generic", PrometheusText.parse("sglang:num_queue_reqs 5\n")).waiting()).isEqualTo(5);
    assertThat(ServerMetrics.from("generic", PrometheusText.parse("process_cpu_seconds_total 5\n")).isEmpty()).isTrue();
  }

  @Test
  void cacheUsageReportedInPercentIsScaledToAFraction() {
    assertThat(ServerMetrics.from("sglang", PrometheusText.parse("sglang:token_usage 40\n")).kvCacheUsage())
        .isEqualTo(0.4);
  }
}
