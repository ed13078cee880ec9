package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.modelrouter.http.gateway.AccessLog;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.testing.Await;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The gateway's metrics, access log and request ids as users see them: {@link GatewayApp} in front of
 * the simulated demo fleet on 127.0.0.1, over HTTP.
 */
class GatewayObservabilityTest {

  private static final String CHAT =
      "{\"model\":\"demo-chat\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

  private static GatewayApp app;
  private static Http http;
  /** The admin listener: /metrics names every tenant, endpoint and model, so it is not on the gateway's port. */
  private static Http admin;
  private static final ListAppender<ILoggingEvent> access = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    DemoFleet fleet = DemoFleet.start(0.1);
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(fleet.registry());
    app = GatewayApp.start(GatewayApp.demoConfig(0), registry, DemoFleet.authenticator(), fleet);
    http = new Http(app.baseUrl());
    admin = new Http(app.adminUrl());
    access.start();
    ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).addAppender(access);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).detachAppender(access);
    if (app != null) {
      app.close();
    }
  }

  @Test
  void metrics_areMicrometersPrometheusTextUnderTheGenAiAndModelrouterNames() throws Exception {
    assertThat(http.post("/v1/chat/completions", CHAT, bearer("sk-demo")).statusCode()).isEqualTo(200);
    http.post("/v1/chat/completions", CHAT.replace("demo-chat", "nope"), bearer("sk-demo"));
    http.post("/v1/chat/completions", CHAT, bearer("sk-wrong"));
    assertThat(http.get("/metrics").statusCode()).as("not on the gateway's port").isEqualTo(404);
    HttpResponse<String> r = admin.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/plain; version=0.0.4");
    assertThat(r.body())
        .containsPattern("gen_ai_client_operation_duration_seconds_bucket\\{error_type=\"\",gen_ai_operation_name=\"chat\","
            + "gen_ai_provider_name=\"vllm\",gen_ai_request_model=\"demo-chat\",gen_ai_response_model=\"demo-chat\","
            + "modelrouter_route=\"\",server_address=\"127.0.0.1\",server_port=\"[0-9]+\",le=\"0.01\"}")
        .contains("# TYPE gen_ai_client_token_usage histogram")
        .containsPattern("gen_ai_client_token_usage_count\\{[^}]*gen_ai_token_type=\"output\"[^}]*} [1-9]")
        .contains("# TYPE gen_ai_server_time_to_first_token_seconds histogram")
        .containsPattern("modelrouter_routing_decisions_total\\{endpoint=\"chat-[a-z0-9]+\",model=\"demo-chat\",outcome=\"success\",route=\"\"} [1-9]")
        .containsPattern("modelrouter_rejections_total\\{reason=\"unknown_model\"} [1-9]")
        .containsPattern("modelrouter_rejections_total\\{reason=\"unauthorized\"} [1-9]")
        .containsPattern("modelrouter_gateway_requests_total\\{route=\"\",status=\"200\",tenant=\"demo\"} [1-9]")
        .contains("modelrouter_requests_in_flight ")
        .contains("modelrouter_endpoint_in_flight{endpoint=\"chat-fast\"}")
        .contains("modelrouter_endpoint_kv_cache_usage{endpoint=\"chat-fast\"}")
        .contains("modelrouter_endpoint_queue_waiting{endpoint=\"chat-fast\"}")
        .contains("modelrouter_endpoint_routable{endpoint=\"chat-fast\"} 1")
        .contains("modelrouter_ejections_total{endpoint=\"chat-fast\"} 0")
        .doesNotContain("nope");
  }

  @Test
  void metrics_passPromtoolsCheck() throws Exception {
    http.post("/v1/chat/completions", CHAT, bearer("sk-demo"));
    http.post("/v1/chat/completions", CHAT.replace("demo-chat", "nope"), bearer("sk-demo"));
    Path promtool = Path.of("/usr/bin/promtool");
    boolean ci = "true".equals(System.getenv("CI"));
    if (!ci) {
      assumeTrue(Files.isExecutable(promtool), "promtool is missing (the build installs it: .ci/install-promtool)");
    }
    String text = admin.get("/metrics").body();
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool check metrics said:%n%s", out).isZero();
  }

  @Test
  void unknownModelNames_neverBecomeSeries() throws Exception {
    http.post("/v1/chat/completions", CHAT.replace("demo-chat", "warm-up-unknown"), bearer("sk-demo"));
    // A request through the demo route first: its route-labelled series exist before the flood.
    assertThat(http.post("/v1/chat/completions", CHAT.replace("demo-chat", "demo-assistant"), bearer("sk-demo"))
        .statusCode()).isEqualTo(200);
    int before = series(admin.get("/metrics").body());
    for (int i = 0; i < 50; i++) {
      HttpResponse<String> r = http.post("/v1/chat/completions", CHAT.replace("demo-chat", "made-up-" + i), bearer("sk-demo"));
      assertThat(r.statusCode()).isEqualTo(404);
    }
    String after = admin.get("/metrics").body();
    assertThat(series(after)).isEqualTo(before);
    assertThat(after).doesNotContain("made-up-");
  }

  @Test
  void accessLog_oneLinePerRequestWithItsFactsAndNoKeyOrBody() throws Exception {
    HttpResponse<String> ok = http.post("/v1/chat/completions", CHAT, bearer("sk-demo", "x-request-id", "req-kept-1"));
    assertThat(ok.headers().firstValue("x-request-id")).contains("req-kept-1");
    HttpResponse<String> refused = http.post("/v1/chat/completions", CHAT.replace("demo-chat", "nope"), bearer("sk-demo"));
    String generated = refused.headers().firstValue("x-request-id").orElseThrow();
    assertThat(generated).hasSize(32);

    Map<String, Object> served = line("req-kept-1");
    assertThat(served).containsEntry("tenant", "demo").containsEntry("model", "demo-chat")
        .containsEntry("served_model", "demo-chat").containsEntry("status", 200)
        .containsEntry("path", "/v1/chat/completions").containsEntry("attempts", 1)
        .containsEntry("input_tokens", served.get("input_tokens")).containsEntry("output_tokens", 8)
        .containsKeys("endpoint", "latency_ms", "ttfb_ms").doesNotContainKey("reason");
    assertThat((String) served.get("endpoint")).startsWith("chat-");
    assertThat(line(generated)).containsEntry("status", 404).containsEntry("reason", "unknown_model")
        .containsEntry("model", "nope").doesNotContainKeys("endpoint", "ttfb_ms");
    String everything = access.list.stream().map(e -> e.getFormattedMessage() + e.getKeyValuePairs())
        .collect(Collectors.joining("\n"));
    assertThat(everything).doesNotContain("sk-demo").doesNotContain("hello");
  }

  @Test
  void aRouteRequest_isLabelledWithTheRouteAndTheModelThatAnswered() throws Exception {
    HttpResponse<String> r = http.post("/v1/chat/completions", CHAT.replace("demo-chat", "demo-assistant"),
        bearer("sk-demo", "x-request-id", "req-route-1"));
    assertThat(r.statusCode()).isEqualTo(200);
    String servedVersion = r.headers().firstValue("x-modelrouter-model").orElseThrow(); // name:version
    String served = servedVersion.substring(0, servedVersion.indexOf(':'));
    assertThat(line("req-route-1")).containsEntry("model", "demo-assistant").containsEntry("route", "demo-assistant")
        .containsEntry("served_model", served);
    assertThat(admin.get("/metrics").body()).containsPattern("gen_ai_client_operation_duration_seconds_count\\{[^}]*"
        + "gen_ai_request_model=\"demo-assistant\",gen_ai_response_model=\"" + served + "\",modelrouter_route=\"demo-assistant\""
        + "[^}]*} [1-9]")
        .containsPattern("modelrouter_routing_decisions_total\\{[^}]*model=\"" + served + "\",outcome=\"success\","
            + "route=\"demo-assistant\"} [1-9]")
        .containsPattern("modelrouter_gateway_requests_total\\{route=\"demo-assistant\",status=\"200\",tenant=\"demo\"} [1-9]");
  }

  /** The access line of a request id, as its key-value pairs, waited for (it is logged once the answer is sent). */
  private static Map<String, Object> line(String requestId) {
    AtomicReference<Map<String, Object>> line = new AtomicReference<>();
    Await.until("the access line of " + requestId, () -> {
      for (ILoggingEvent e : List.copyOf(access.list)) {
        Map<String, Object> kv = e.getKeyValuePairs().stream().collect(Collectors.toMap(p -> p.key, p -> p.value));
        if (requestId.equals(kv.get("request_id"))) {
          line.set(kv);
          return true;
        }
      }
      return false;
    });
    return line.get();
  }

  /** Samples in a Prometheus text: the lines that are not comments. */
  private static int series(String text) throws IOException {
    return (int) text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
  }
}
