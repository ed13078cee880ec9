package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.RouteRequest;
import io.modelrouter.http.observability.RouterTracing;
import io.modelrouter.Router;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import io.modelrouter.testing.SimFleet;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RouterTracing's spans, exported in memory, for requests forwarded to simulated servers on 127.0.0.1. */
class RoutingClientTracingTest {

  /** A client's incoming context: trace 4bf9...4736, its span 00f0...02b7, sampled. */
  private static final String INCOMING_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String INCOMING = "00-" + INCOMING_TRACE + "-00f067aa0ba902b7-01";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();

  @AfterEach
  void close() {
    otel.close();
  }

  @Test
  void retriedRequest_oneSpanWithAChildPerAttemptContinuingTheIncomingTrace() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start()) {
      fleet.server("chat-0").kill();
      SimServer alive = fleet.server("chat-1");
      Router router = fleet.router().strategy(fleet.inOrder()).build();
      try (RoutingClient client = RoutingClient.builder(router).retryBudget(RetryBudget.unlimited())
          .addObserver(RouterTracing.create(otel, router)).build();
          ProxyResponse r = client.execute(chat(5))) {
        r.body().readAllBytes();
        assertThat(r.attempts()).isEqualTo(2);
      }
      List<SpanData> spans = awaitSpans(3);
      SpanData request = only(spans, "chat chat");
      assertThat(request.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(request.getTraceId()).isEqualTo(INCOMING_TRACE);
      assertThat(request.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(request.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("gen_ai.operation.name"), "chat")
          .containsEntry(AttributeKey.stringKey("gen_ai.request.model"), "chat")
          .containsEntry(AttributeKey.stringKey("gen_ai.response.model"), "chat")
          .containsEntry(AttributeKey.longKey("gen_ai.usage.output_tokens"), 5L)
          .containsEntry(AttributeKey.stringKey("server.address"), "127.0.0.1")
          .containsEntry(AttributeKey.longKey("server.port"), (long) alive.port())
          .containsEntry(AttributeKey.stringKey("modelrouter.endpoint"), "chat-1")
          .containsEntry(AttributeKey.longKey("modelrouter.attempts"), 2L)
          .containsKey(AttributeKey.stringKey("modelrouter.strategy"))
          .containsKey(AttributeKey.longKey("gen_ai.usage.input_tokens"));
      assertThat(request.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      // Usual values are left out: not hedged.
      assertThat(request.getAttributes().get(AttributeKey.booleanKey("modelrouter.hedged"))).isNull();

      List<SpanData> attempts = children(spans, request);
      assertThat(attempts).hasSize(2);
      SpanData first = attempt(attempts, 1);
      SpanData second = attempt(attempts, 2);
      assertThat(first.getAttributes().get(AttributeKey.stringKey("modelrouter.endpoint"))).isEqualTo("chat-0");
      assertThat(first.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("failure");
      assertThat(first.getAttributes().get(AttributeKey.stringKey("modelrouter.outcome"))).isEqualTo("failure");
      assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(second.getAttributes().get(AttributeKey.stringKey("modelrouter.endpoint"))).isEqualTo("chat-1");
      assertThat(second.getAttributes().get(AttributeKey.longKey("http.request.resend_count"))).isEqualTo(1L);
      assertThat(second.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
      // Usual values are left out: a success, not a hedge.
      assertThat(second.getAttributes().get(AttributeKey.stringKey("modelrouter.outcome"))).isNull();
      assertThat(second.getAttributes().get(AttributeKey.booleanKey("modelrouter.hedge"))).isNull();
      // The model server got the second attempt's context: same trace, that attempt's span as parent.
      assertThat(alive.receivedTraceparents()).containsExactly("00-" + INCOMING_TRACE + "-" + second.getSpanId() + "-01");
    }
  }

  @Test
  void hedgedRequest_theLoserIsCancelledAndTheWinnerAnswers() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.baseLatency(Duration.ofSeconds(5)))
        .openai("chat", 1, server -> server.baseLatency(Duration.ofMillis(5))).start()) {
      SimServer slow = fleet.server("chat-0");
      SimServer fast = fleet.server("chat-1");
      Router router = fleet.router().strategy(fleet.inOrder()).build();
      try (RoutingClient client = RoutingClient.builder(router).retryBudget(RetryBudget.unlimited())
          .hedging(HedgePolicy.after(Duration.ofMillis(50)))
          .addObserver(RouterTracing.create(otel, router)).build();
          ProxyResponse r = client.execute(chat(2))) {
        r.body().readAllBytes();
        assertThat(r.hedged()).isTrue();
      }
      List<SpanData> spans = awaitSpans(3);
      SpanData request = only(spans, "chat chat");
      assertThat(request.getAttributes().asMap())
          .containsEntry(AttributeKey.stringKey("modelrouter.endpoint"), "chat-1")
          .containsEntry(AttributeKey.booleanKey("modelrouter.hedged"), true)
          .containsEntry(AttributeKey.longKey("modelrouter.attempts"), 2L)
          .containsEntry(AttributeKey.longKey("gen_ai.usage.output_tokens"), 2L);
      List<SpanData> attempts = children(spans, request);
      SpanData primary = attempt(attempts, 1);
      SpanData hedge = attempt(attempts, 2);
      assertThat(primary.getAttributes().get(AttributeKey.booleanKey("modelrouter.hedge"))).isNull();
      assertThat(primary.getAttributes().get(AttributeKey.stringKey("modelrouter.outcome"))).isEqualTo("cancelled");
      assertThat(hedge.getAttributes().get(AttributeKey.booleanKey("modelrouter.hedge"))).isTrue();
      assertThat(hedge.getAttributes().get(AttributeKey.stringKey("modelrouter.endpoint"))).isEqualTo("chat-1");
      assertThat(hedge.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
      assertThat(slow.receivedTraceparents()).containsExactly("00-" + INCOMING_TRACE + "-" + primary.getSpanId() + "-01");
      assertThat(fast.receivedTraceparents()).containsExactly("00-" + INCOMING_TRACE + "-" + hedge.getSpanId() + "-01");
    }
  }

  @Test
  void refusedRequest_endsItsSpanWithTheRejectionReason() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start()) {
      Router router = fleet.router().build();
      try (RoutingClient client = RoutingClient.builder(router).addObserver(RouterTracing.create(otel, router)).build()) {
        ProxyRequest unknown = ProxyRequest.builder(Chat.PATH, RouteRequest.builder("nope").build())
            .body("{}".getBytes(StandardCharsets.UTF_8), "application/json").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.execute(unknown))
            .isInstanceOf(io.modelrouter.RejectedException.class);
      }
      SpanData span = awaitSpans(1).get(0);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("modelrouter.rejection.reason"))).isEqualTo("unknown_model");
      assertThat(span.getAttributes().get(AttributeKey.longKey("modelrouter.attempts"))).isZero();
    }
  }

  private static ProxyRequest chat(int maxTokens) {
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":" + maxTokens + "}";
    return ProxyRequest.builder(Chat.PATH, RouteRequest.builder("chat").build())
        .header("traceparent", INCOMING)
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }

  /** The finished spans once there are {@code n} (a hedge's loser ends when its cancellation lands). */
  private List<SpanData> awaitSpans(int n) {
    Await.until(n + " finished spans", () -> exporter.getFinishedSpanItems().size() >= n);
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(n);
    return spans;
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).hasSize(1);
    return named.get(0);
  }

  private static List<SpanData> children(List<SpanData> spans, SpanData parent) {
    return spans.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
  }

  private static SpanData attempt(List<SpanData> attempts, long number) {
    return attempts.stream().filter(s -> number == s.getAttributes().get(AttributeKey.longKey("modelrouter.attempt")))
        .findFirst().orElseThrow();
  }
}
