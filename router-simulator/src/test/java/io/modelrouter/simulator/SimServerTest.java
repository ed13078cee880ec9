package io.modelrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class SimServerTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void chat_answersWithContentAndUsage() throws Exception {
    try (SimServer sim = SimServer.openai("m").start()) {
      HttpResponse<String> r = post(sim, "/v1/chat/completions", chat("m", 4, false));

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"object\":\"chat.completion\"").contains("\"completion_tokens\":4")
          .contains("\"role\":\"assistant\"");
      assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port());
      assertThat(sim.successCount()).isEqualTo(1);
    }
  }

  @Test
  void chat_streamsOneChunkPerTokenThenDone_withoutUsageUnlessAsked() throws Exception {
    try (SimServer sim = SimServer.openai("m").start()) {
      HttpResponse<String> r = post(sim, "/v1/chat/completions", chat("m", 3, true));

      String[] events = r.body().split("\n\n");
      assertThat(events).hasSize(5); // 3 tokens, the finish chunk, [DONE]
      assertThat(events[3]).contains("\"finish_reason\":\"length\"");
      assertThat(r.body()).doesNotContain("\"usage\"");
      assertThat(events[4]).isEqualTo("data: [DONE]");
    }
  }

  @Test
  void chat_streamsOneChunkPerTokenThenUsageThenDone_whenAskedForUsage() throws Exception {
    try (SimServer sim = SimServer.openai("m").start()) {
      HttpResponse<String> r = post(sim, "/v1/chat/completions",
          chat("m", 3, true).replaceFirst("\\{", "{\"stream_options\":{\"include_usage\":true},"));

      assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
      String[] events = r.body().split("\n\n");
      assertThat(events).hasSize(6); // 3 tokens, the finish chunk, the usage chunk, [DONE]
      assertThat(events[0]).contains("\"role\":\"assistant\"").contains("chat.completion.chunk");
      assertThat(events[3]).contains("\"finish_reason\":\"length\"");
      assertThat(events[4]).contains("\"choices\":[]").contains("\"completion_tokens\":3");
      assertThat(events[5]).isEqualTo("data: [DONE]");
    }
  }

  @Test
  void completionsAndEmbeddings_answerInTheirOwnShape() throws Exception {
    try (SimServer sim = SimServer.openai("m").embeddingDimensions(8).start()) {
      assertThat(post(sim, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":2}").body())
          .contains("\"object\":\"text_completion\"").contains("\"completion_tokens\":2");
      String emb = post(sim, "/v1/embeddings", "{\"model\":\"m\",\"input\":[\"a\",\"b\"]}").body();
      assertThat(emb).contains("\"index\":1").contains("\"prompt_tokens\":2");
      assertThat(get(sim, "/v1/models").body()).contains("\"id\":\"m\"");
    }
  }

  @Test
  void embeddings_areAnsweredWholeEvenWhenAStreamIsAskedFor() throws Exception {
    try (SimServer sim = SimServer.openai("m").embeddingDimensions(4).start()) {
      HttpResponse<String> r = post(sim, "/v1/embeddings", "{\"model\":\"m\",\"input\":\"a\",\"stream\":true}");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(r.body()).startsWith("{\"object\":\"list\"").contains("\"embedding\":[");
    }
  }

  @Test
  void badRequests_getOpenAiShapedErrors() throws Exception {
    try (SimServer sim = SimServer.openai("m").start()) {
      HttpResponse<String> notJson = post(sim, "/v1/chat/completions", "{not json");
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(notJson.body()).startsWith("{\"error\":{\"message\":");

      HttpResponse<String> unknown = post(sim, "/v1/chat/completions", chat("other", 1, false));
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("does not exist");

      assertThat(get(sim, "/v1/chat/completions").statusCode()).isEqualTo(405);
      assertThat(get(sim, "/nope").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void infer_sumsEachRow() throws Exception {
    try (SimServer sim = SimServer.oip("cls").version("3").start()) {
      String body = "{\"id\":\"x1\",\"inputs\":[{\"name\":\"input__0\",\"shape\":[3,4],\"datatype\":\"FP32\","
          + "\"data\":[[1,2,3,4],[0.5,0.5,0,0],[-1,-1,-1,-1]]}]}";
      HttpResponse<String> r = post(sim, "/v2/models/cls/versions/3/infer", body);

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"id\":\"x1\"").contains("\"shape\":[3]").contains("\"data\":[10.0,1.0,-4.0]");
      assertThat(post(sim, "/v2/models/cls/infer", body).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void infer_rejectsWrongInputsWithOipErrors() throws Exception {
    try (SimServer sim = SimServer.oip("cls").start()) {
      HttpResponse<String> shape = post(sim, "/v2/models/cls/infer",
          "{\"inputs\":[{\"name\":\"input__0\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}");
      assertThat(shape.statusCode()).isEqualTo(400);
      assertThat(shape.body()).isEqualTo("{\"error\":\"input 'input__0' has shape [1, 3] (expected: [-1, 4])\"}");

      HttpResponse<String> count = post(sim, "/v2/models/cls/infer",
          "{\"inputs\":[{\"name\":\"input__0\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}");
      assertThat(count.statusCode()).isEqualTo(400);

      assertThat(post(sim, "/v2/models/other/infer", "{}").statusCode()).isEqualTo(404);
      assertThat(post(sim, "/v2/models/cls/versions/9/infer", "{}").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void oip_reportsHealthAndModelMetadata() throws Exception {
    try (SimServer sim = SimServer.oip("cls").start()) {
      assertThat(get(sim, "/v2/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(sim, "/v2/health/live").statusCode()).isEqualTo(200);
      assertThat(get(sim, "/v2/models/cls/ready").statusCode()).isEqualTo(200);
      assertThat(get(sim, "/v2/models/cls").body())
          .contains("\"inputs\":[{\"name\":\"input__0\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]");
      sim.healthy(false);
      assertThat(get(sim, "/v2/health/ready").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void metrics_followTheRealQueue() throws Exception {
    try (SimServer sim = SimServer.openai("m").capacity(2).kvCacheTokens(100).start()) {
      sim.hang(true);
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        calls.add(postAsync(sim, "/v1/chat/completions", chat("m", 10, false)));
      }
      await(() -> sim.runningCount() == 2 && sim.waitingCount() == 3);

      String metrics = get(sim, "/metrics").body();
      assertThat(metrics).contains("vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 2.0")
          .contains("vllm:num_requests_waiting{engine=\"0\",model_name=\"m\"} 3.0")
          .contains("vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} " + sim.kvCacheUsage())
          .contains("# TYPE vllm:gpu_cache_usage_perc gauge")
          .contains("vllm:lora_requests_info{max_lora=\"4\",running_lora_adapters=\"\",waiting_lora_adapters=\"\"}");
      assertThat(sim.kvCacheUsage()).isGreaterThan(0);

      sim.hang(false);
      for (CompletableFuture<HttpResponse<String>> c : calls) {
        assertThat(c.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(get(sim, "/metrics").body()).contains("vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 0.0");
    }
  }

  @Test
  void metrics_nameRunningLoraAdapters() throws Exception {
    try (SimServer sim = SimServer.openai("m").adapters("sql", "chat").start()) {
      sim.hang(true);
      CompletableFuture<HttpResponse<String>> c = postAsync(sim, "/v1/chat/completions", chat("sql", 1, false));
      await(() -> sim.runningCount() == 1);
      assertThat(get(sim, "/metrics").body()).contains("running_lora_adapters=\"sql\"");
      sim.hang(false);
      assertThat(c.get(10, TimeUnit.SECONDS).body()).contains("\"model\":\"sql\"");
    }
  }

  @Test
  void failureRate_answersSome500s() throws Exception {
    try (SimServer sim = SimServer.openai("m").failureRate(1.0).start()) {
      assertThat(post(sim, "/v1/chat/completions", chat("m", 1, false)).statusCode()).isEqualTo(500);
      sim.failureRate(0);
      assertThat(post(sim, "/v1/chat/completions", chat("m", 1, false)).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void maxQueue_refusesWith503WhenFull() throws Exception {
    try (SimServer sim = SimServer.openai("m").capacity(1).maxQueue(0).start()) {
      sim.hang(true);
      CompletableFuture<HttpResponse<String>> hog = postAsync(sim, "/v1/chat/completions", chat("m", 1, false));
      await(() -> sim.runningCount() == 1);
      HttpResponse<String> r = post(sim, "/v1/chat/completions", chat("m", 1, false));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("retry-after")).hasValue("1");
      sim.hang(false);
      assertThat(hog.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void capacity_changesWhileRunning() throws Exception {
    try (SimServer sim = SimServer.openai("m").capacity(1).start()) {
      sim.hang(true);
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        calls.add(postAsync(sim, "/v1/chat/completions", chat("m", 1, false)));
      }
      await(() -> sim.runningCount() == 1 && sim.waitingCount() == 2);

      sim.capacity(3);
      await(() -> sim.runningCount() == 3 && sim.waitingCount() == 0);

      sim.capacity(1).maxQueue(0);
      sim.hang(false);
      for (CompletableFuture<HttpResponse<String>> c : calls) {
        assertThat(c.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(get(sim, "/metrics").body()).contains("vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 0.0");
      assertThat(post(sim, "/v1/chat/completions", chat("m", 1, false)).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void resetConnections_dropsTheConnectionWithoutAnAnswer() throws Exception {
    try (SimServer sim = SimServer.openai("m").start()) {
      sim.resetConnections(true);
      assertThatThrownBy(() -> post(sim, "/v1/chat/completions", chat("m", 1, false))).isInstanceOf(IOException.class);
      sim.resetConnections(false);
      assertThat(post(sim, "/v1/chat/completions", chat("m", 1, false)).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void latency_andSlowdownDelayTheAnswer() throws Exception {
    try (SimServer sim = SimServer.openai("m").baseLatency(Duration.ofMillis(30)).start()) {
      long t0 = System.nanoTime();
      post(sim, "/v1/chat/completions", chat("m", 1, false));
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
      sim.slowdown(4);
      long t1 = System.nanoTime();
      post(sim, "/v1/chat/completions", chat("m", 1, false));
      assertThat(System.nanoTime() - t1).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(120));
    }
  }

  @Test
  void kill_refusesConnectionsUntilRestart() throws Exception {
    try (SimServer sim = SimServer.openai("m").start()) {
      int port = sim.port();
      sim.kill();
      assertThat(sim.isRunning()).isFalse();
      assertThatThrownBy(() -> get(sim, "/health")).isInstanceOf(ConnectException.class);
      sim.restart();
      assertThat(sim.port()).isEqualTo(port);
      assertThat(get(sim, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void builder_rejectsBadArguments() {
    assertThatThrownBy(() -> SimServer.openai("a/b")).hasMessageContaining("expected");
    assertThatThrownBy(() -> SimServer.openai("m").capacity(0)).hasMessage("capacity: 0 (expected: > 0)");
    assertThatThrownBy(() -> SimServer.openai("m").failureRate(2)).hasMessage("failureRate: 2.0 (expected: 0..1)");
    assertThatThrownBy(() -> SimServer.openai("m").port(70000)).hasMessage("port: 70000 (expected: 0..65535)");
  }

  private static String chat(String model, int maxTokens, boolean stream) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],"
        + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream + "}";
  }

  private static HttpResponse<String> post(SimServer sim, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(SimServer sim, String path, String body) {
    return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(SimServer sim, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }
}
