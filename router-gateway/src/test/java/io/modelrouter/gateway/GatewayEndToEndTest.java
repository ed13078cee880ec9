package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static io.modelrouter.gateway.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.registry.InMemoryRegistry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The gateway as users run it ({@link GatewayApp}: Jetty, the handler, the routing client) in front
 * of the simulated demo fleet, every server on 127.0.0.1, called over HTTP.
 */
class GatewayEndToEndTest {

  private static final String CHAT =
      "{\"model\":\"demo-chat\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
  private static final String CLASSIFY =
      "{\"inputs\":[{\"name\":\"input__0\",\"datatype\":\"FP32\",\"shape\":[2,4],\"data\":[1,2,3,4,5,6,7,8]}]}";

  private static DemoFleet fleet;
  private static GatewayApp app;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    fleet = DemoFleet.start(0.1);
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(fleet.registry());
    app = GatewayApp.start(registry, DemoFleet.authenticator(), GatewayApp.Settings.demo(0), fleet);
    http = new Http(app.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void healthzAndReadyz_answerWithoutCredentials() throws Exception {
    assertThat(http.get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = http.get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).get("status").asString()).isEqualTo("ready");
  }

  @Test
  void chatCompletion_isRoutedToADemoChatEndpointAndAnswered() throws Exception {
    HttpResponse<String> r = http.post("/v1/chat/completions", CHAT, bearer("sk-demo"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-modelrouter-endpoint")).get().asString().startsWith("chat-");
    assertThat(r.headers().firstValue("x-request-id")).isPresent();
    JsonNode body = json(r);
    assertThat(body.get("choices").get(0).get("message").get("content").asString()).isNotBlank();
    assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(8);
  }

  @Test
  void chatCompletion_streamed_passesServerSentEventsThrough() throws Exception {
    String streamed = CHAT.replace("\"max_tokens\":8", "\"max_tokens\":8,\"stream\":true");
    HttpResponse<String> r = http.post("/v1/chat/completions", streamed, bearer("sk-demo"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
    List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
    assertThat(events.size()).isGreaterThanOrEqualTo(9);
    assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
    assertThat(events.get(0)).contains("chat.completion.chunk");
  }

  @Test
  void canaryPinnedByHeader_goesToVersionTwo() throws Exception {
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = http.post("/v1/chat/completions", CHAT, bearer("sk-demo", "x-modelrouter-model-version", "@canary"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-modelrouter-endpoint")).hasValue("chat-v2");
    }
  }

  @Test
  void embeddings_areAnswered() throws Exception {
    HttpResponse<String> r = http.post("/v1/embeddings", "{\"model\":\"demo-embed\",\"input\":\"hi\"}", bearer("sk-demo"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-modelrouter-endpoint")).get().asString().startsWith("embed-");
    assertThat(json(r).get("data").get(0).get("embedding").size()).isPositive();
  }

  @Test
  void oipInfer_returnsTheSumOfEachRow() throws Exception {
    HttpResponse<String> r = http.post("/v2/models/demo-classifier/infer", CLASSIFY, bearer("sk-demo"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode out = json(r).get("outputs").get(0);
    assertThat(out.get("name").asString()).isEqualTo("output__0");
    assertThat(out.get("data").get(0).asDouble()).isEqualTo(10.0);
    assertThat(out.get("data").get(1).asDouble()).isEqualTo(26.0);
    HttpResponse<String> versioned = http.post("/v2/models/demo-classifier/versions/1/infer", CLASSIFY, bearer("sk-demo"));
    assertThat(versioned.statusCode()).isEqualTo(200);
  }

  @Test
  void listModels_showsOnlyWhatTheTenantMayUse() throws Exception {
    HttpResponse<String> all = http.get("/v1/models", bearer("sk-demo"));
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(json(all).get("object").asString()).isEqualTo("list");
    assertThat(json(all).get("data").findValuesAsString("id")).containsExactly(
        "demo-chat", "demo-chat-mini", "demo-classifier", "demo-embed", "demo-assistant");
    HttpResponse<String> embedOnly = http.get("/v1/models", bearer("sk-demo-embed"));
    assertThat(json(embedOnly).get("data").findValuesAsString("id")).containsExactly("demo-embed");
  }

  @Test
  void modelMetadata_hasTheInputSignature() throws Exception {
    HttpResponse<String> r = http.get("/v2/models/demo-classifier", bearer("sk-demo"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode m = json(r);
    assertThat(m.get("name").asString()).isEqualTo("demo-classifier");
    assertThat(m.get("versions").get(0).asString()).isEqualTo("1");
    JsonNode in = m.get("inputs").get(0);
    assertThat(in.get("name").asString()).isEqualTo("input__0");
    assertThat(in.get("datatype").asString()).isEqualTo("FP32");
    assertThat(in.get("shape").toString()).isEqualTo("[-1,4]");
    assertThat(http.get("/v2/models/demo-classifier/versions/1", bearer("sk-demo")).statusCode()).isEqualTo(200);
    assertThat(http.get("/v2/models/demo-classifier/versions/9", bearer("sk-demo")).statusCode()).isEqualTo(404);
    assertThat(http.get("/v2/models/demo-classifier/ready", bearer("sk-demo")).statusCode()).isEqualTo(200);
  }

  @Test
  void missingOrBadCredentials_get401InTheProtocolsShape() throws Exception {
    HttpResponse<String> none = http.post("/v1/chat/completions", CHAT);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer");
    assertThat(json(none).get("error").get("type").asString()).isEqualTo("authentication_error");
    assertThat(json(none).get("error").get("code").asString()).isEqualTo("unauthorized");

    HttpResponse<String> wrong = http.post("/v1/chat/completions", CHAT, bearer("sk-wrong"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong).get("error").get("message").asString()).isEqualTo("invalid API key");

    HttpResponse<String> oip = http.post("/v2/models/demo-classifier/infer", CLASSIFY, "x-api-key", "nope");
    assertThat(oip.statusCode()).isEqualTo(401);
    assertThat(json(oip).get("error").isString()).isTrue();

    assertThat(http.get("/v1/models").statusCode()).isEqualTo(401);
    assertThat(http.get("/v2/models/demo-classifier").statusCode()).isEqualTo(401);
  }

  @Test
  void aModelTheTenantMayNotUse_looksExactlyLikeAnUnknownModel() throws Exception {
    HttpResponse<String> forbidden = http.post("/v1/chat/completions", CHAT, bearer("sk-demo-embed"));
    HttpResponse<String> unknown = http.post("/v1/chat/completions", CHAT.replace("demo-chat", "nope"), bearer("sk-demo-embed"));
    assertThat(forbidden.statusCode()).isEqualTo(404).isEqualTo(unknown.statusCode());
    assertThat(forbidden.body()).isEqualTo(unknown.body().replace("nope", "demo-chat"));
    assertThat(json(forbidden).get("error").get("code").asString()).isEqualTo("unknown_model");

    HttpResponse<String> metaForbidden = http.get("/v2/models/demo-classifier", bearer("sk-demo-embed"));
    HttpResponse<String> metaUnknown = http.get("/v2/models/nope", bearer("sk-demo-embed"));
    assertThat(metaForbidden.statusCode()).isEqualTo(404).isEqualTo(metaUnknown.statusCode());
    assertThat(metaForbidden.body()).isEqualTo(metaUnknown.body().replace("nope", "demo-classifier"));
    HttpResponse<String> inferForbidden = http.post("/v2/models/demo-classifier/infer", CLASSIFY, bearer("sk-demo-embed"));
    assertThat(inferForbidden.statusCode()).isEqualTo(404);
    assertThat(json(inferForbidden).get("error").asString()).isEqualTo("model 'demo-classifier' does not exist");
  }

  @Test
  void unknownModel_is404InEachProtocolsShape() throws Exception {
    HttpResponse<String> openai = http.post("/v1/chat/completions", CHAT.replace("demo-chat", "gpt-none"), bearer("sk-demo"));
    assertThat(openai.statusCode()).isEqualTo(404);
    assertThat(json(openai).get("error").get("code").asString()).isEqualTo("unknown_model");
    HttpResponse<String> oip = http.post("/v2/models/none/infer", CLASSIFY, bearer("sk-demo"));
    assertThat(oip.statusCode()).isEqualTo(404);
    assertThat(json(oip).get("error").asString()).contains("'none'");
  }

  @Test
  void schemaAndTensorErrors_are400WithTheViolation() throws Exception {
    HttpResponse<String> chat = http.post("/v1/chat/completions", "{\"model\":\"demo-chat\",\"messages\":[]}", bearer("sk-demo"));
    assertThat(chat.statusCode()).isEqualTo(400);
    assertThat(json(chat).get("error").get("code").asString()).isEqualTo("invalid_input");
    assertThat(json(chat).get("error").get("param").asString()).startsWith("/messages");

    HttpResponse<String> tensor = http.post("/v2/models/demo-classifier/infer",
        "{\"inputs\":[{\"name\":\"input__0\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}", bearer("sk-demo"));
    assertThat(tensor.statusCode()).isEqualTo(400);
    assertThat(json(tensor).get("error").asString()).contains("input__0");

    HttpResponse<String> garbage = http.post("/v1/chat/completions", "{\"model\": \"demo-chat\", ", bearer("sk-demo"));
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(json(garbage).get("error").get("code").asString()).isEqualTo("invalid_input");
    assertThat(garbage.body()).doesNotContain("Exception").doesNotContain("at io.");
  }

  @Test
  void wrongMethodAndUnknownRoute_areProtocolShapedErrors() throws Exception {
    HttpResponse<String> get = http.get("/v1/chat/completions", bearer("sk-demo"));
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    HttpResponse<String> nowhere = http.get("/v1/nowhere", bearer("sk-demo"));
    assertThat(nowhere.statusCode()).isEqualTo(404);
    assertThat(json(nowhere).get("error").get("message").asString()).contains("/v1/nowhere");
  }

  @Test
  void bodyOverTheLimit_is413() throws Exception {
    String huge = "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}]}";
    HttpResponse<String> r = http.post("/v1/chat/completions", huge, bearer("sk-demo"));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).get("error").get("code").asString()).isEqualTo("payload_too_large");
  }

  @Test
  void tenantOverItsQuota_gets429WithRetryAfter() throws Exception {
    int limited = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 12 && limited == 0; i++) {
      last = http.post("/v1/chat/completions", CHAT, bearer("sk-demo-limited"));
      if (last.statusCode() == 429) {
        limited++;
      }
    }
    assertThat(limited).isOne();
    assertThat(last.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
    assertThat(json(last).get("error").get("type").asString()).isEqualTo("rate_limit_error");
    assertThat(json(last).get("error").get("code").asString()).isEqualTo("quota_exceeded");
    assertThat(json(last).get("error").get("message").asString()).contains("tenant 'limited'");
  }

  @Test
  void explainHeader_returnsTheDecisionsCandidatesAndScores() throws Exception {
    HttpResponse<String> r = http.post("/v1/chat/completions", CHAT, bearer("sk-demo", "x-modelrouter-explain", "true",
        "x-modelrouter-model-version", "1"));
    assertThat(r.statusCode()).isEqualTo(200);
    String why = r.headers().firstValue("x-modelrouter-explain").orElseThrow();
    assertThat(why).contains("model=demo-chat:1").contains("chosen=" + r.headers().firstValue("x-modelrouter-endpoint").orElseThrow())
        .contains("chat-fast:").contains("chat-mid:").contains("chat-slow:").contains("score=");
    HttpResponse<String> plain = http.post("/v1/chat/completions", CHAT, bearer("sk-demo"));
    assertThat(plain.headers().firstValue("x-modelrouter-explain")).isEmpty();
  }

  @Test
  void metrics_countRequestsByModelEndpointAndOutcomeAndRejectionsByReason() throws Exception {
    http.post("/v1/chat/completions", CHAT, bearer("sk-demo"));
    http.post("/v1/chat/completions", CHAT.replace("demo-chat", "nope"), bearer("sk-demo"));
    assertThat(http.get("/metrics").statusCode()).isEqualTo(404); // not on the gateway's port
    HttpResponse<String> r = new Http(app.adminUrl()).get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/plain; version=0.0.4");
    assertThat(r.body())
        .containsPattern("modelrouter_requests_total\\{model=\"demo-chat\",endpoint=\"chat-[a-z0-9]+\",outcome=\"success\"} [1-9]")
        .contains("modelrouter_request_duration_seconds_bucket{model=\"demo-chat\",le=\"+Inf\"}")
        .containsPattern("modelrouter_rejections_total\\{reason=\"unknown_model\"} [1-9]")
        .contains("modelrouter_in_flight ")
        .contains("modelrouter_endpoint_in_flight{endpoint=\"chat-fast\"}")
        .contains("# TYPE modelrouter_ejections_total counter");
  }

  @Test
  void concurrentMixedTraffic_isAllAnswered() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        int k = i;
        results.add(pool.submit(() -> k % 3 == 0
            ? http.post("/v2/models/demo-classifier/infer", CLASSIFY, bearer("sk-demo")).statusCode()
            : k % 3 == 1
                ? http.post("/v1/embeddings", "{\"model\":\"demo-embed\",\"input\":\"x\"}", bearer("sk-demo")).statusCode()
                : http.post("/v1/chat/completions", CHAT, bearer("sk-demo")).statusCode()));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
