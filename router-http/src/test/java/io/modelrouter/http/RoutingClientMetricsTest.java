package io.modelrouter.http;

import static io.modelrouter.http.Chat.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelrouter.RejectedException;
import io.modelrouter.RouteRequest;
import io.modelrouter.http.observability.RouterMetrics;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import io.modelrouter.testing.Await;
import io.modelrouter.testing.SimFleet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RouterMetrics recording a RoutingClient's requests to simulated servers on 127.0.0.1. */
class RoutingClientMetricsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void retriedRequest_countsEachAttemptsOutcomeTheRetryAndTheGenAiDurationAndTokens() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
        RouterMetrics metrics = RouterMetrics.builder(meters, fleet.registry()).build();
        RoutingClient client = RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build())
            .retryBudget(RetryBudget.unlimited()).addObserver(metrics).build()) {
      fleet.server("chat-0").kill();
      try (ProxyResponse r = client.execute(chat("chat", false, 4))) {
        r.body().readAllBytes();
      }
      assertThat(meters.get("modelrouter.routing.decisions").tags("model", "chat", "endpoint", "chat-0", "outcome", "failure")
          .counter().count()).isEqualTo(1);
      assertThat(meters.get("modelrouter.routing.decisions").tags("model", "chat", "endpoint", "chat-1", "outcome", "success")
          .counter().count()).isEqualTo(1);
      assertThat(meters.get("modelrouter.retries").tag("model", "chat").counter().count()).isEqualTo(1);
      assertThat(meters.get("gen_ai.client.operation.duration")
          .tags("gen_ai.operation.name", "chat", "gen_ai.request.model", "chat", "gen_ai.response.model", "chat",
              "gen_ai.provider.name", "vllm", "server.address", "127.0.0.1", "server.port", Integer.toString(fleet.server("chat-1").port()),
              "error.type", "")
          .timer().count()).isEqualTo(1);
      assertThat(meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "output").summary().totalAmount())
          .isEqualTo(4);
      assertThat(meters.get("gen_ai.server.time_to_first_token").timer().count()).isEqualTo(1);
      // The endpoint only tried shows in the decisions, not with empty histograms.
      assertThat(meters.find("gen_ai.client.token.usage").tag("server.port", Integer.toString(fleet.server("chat-0").port())).meters())
          .isEmpty();
      assertThat(meters.get("modelrouter.requests.in.flight").gauge().value()).isZero();
    }
  }

  @Test
  void hedgedRequest_countsTheHedgeAndTheLosersCancellation() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.baseLatency(Duration.ofSeconds(5)))
            .openai("chat", 1, server -> server.baseLatency(Duration.ofMillis(5))).start();
        RouterMetrics metrics = RouterMetrics.builder(meters, fleet.registry()).build();
        RoutingClient client = RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build())
            .retryBudget(RetryBudget.unlimited()).hedging(HedgePolicy.after(Duration.ofMillis(50)))
            .addObserver(metrics).build()) {
      try (ProxyResponse r = client.execute(chat("chat", false, 2))) {
        r.body().readAllBytes();
      }
      assertThat(meters.get("modelrouter.hedges").tag("model", "chat").counter().count()).isEqualTo(1);
      // The loser's cancellation lands on the transport's thread: wait for it.
      Await.until("the loser's cancellation counted", () ->
          meters.find("modelrouter.routing.decisions").tags("endpoint", "chat-0", "outcome", "cancelled").counter() != null);
      assertThat(meters.get("modelrouter.routing.decisions").tags("endpoint", "chat-0", "outcome", "cancelled")
          .counter().count()).isEqualTo(1);
      assertThat(meters.find("modelrouter.retries").counters()).isEmpty();
    }
  }

  @Test
  void unknownModelFlood_leavesTheNumberOfSeriesUnchanged() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        RouterMetrics metrics = RouterMetrics.builder(meters, fleet.registry()).build();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).addObserver(metrics).build()) {
      try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
        r.body().readAllBytes();
      }
      assertThatThrownBy(() -> client.execute(unknown("warm-up"))).isInstanceOf(RejectedException.class);
      int before = meters.getMeters().size();
      for (int i = 0; i < 100; i++) {
        ProxyRequest madeUp = unknown("made-up-" + i);
        assertThatThrownBy(() -> client.execute(madeUp)).isInstanceOf(RejectedException.class);
      }
      assertThat(meters.getMeters()).hasSize(before);
      assertThat(meters.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString()).doesNotContain("made-up"));
      assertThat(meters.get("modelrouter.rejections").tag("reason", "unknown_model").counter().count()).isEqualTo(101);
    }
  }

  @Test
  void routeRequest_labelsItsSeriesWithTheRouteAndTheModelServed() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        RouterMetrics metrics = RouterMetrics.builder(meters, fleet.registry()).build();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).addObserver(metrics).build()) {
      fleet.registry().putRoute(RouteSpec.builder("assistant").targets(List.of(RouteTarget.of("chat"))).build());
      for (String asked : List.of("assistant", "chat")) {
        try (ProxyResponse r = client.execute(chat(asked, false, 1))) {
          r.body().readAllBytes();
        }
      }
      assertThat(meters.get("gen_ai.client.operation.duration")
          .tags("gen_ai.request.model", "assistant", "gen_ai.response.model", "chat", "modelrouter.route", "assistant")
          .timer().count()).isEqualTo(1);
      assertThat(meters.get("gen_ai.client.operation.duration")
          .tags("gen_ai.request.model", "chat", "gen_ai.response.model", "chat", "modelrouter.route", "")
          .timer().count()).isEqualTo(1);
      assertThat(meters.get("modelrouter.routing.decisions")
          .tags("route", "assistant", "model", "chat", "endpoint", "chat-0", "outcome", "success").counter().count())
          .isEqualTo(1);
      assertThat(meters.get("modelrouter.routing.decisions")
          .tags("route", "", "model", "chat", "endpoint", "chat-0", "outcome", "success").counter().count())
          .isEqualTo(1);
    }
  }

  @Test
  void unknownNameFlood_besideARoute_leavesTheNumberOfSeriesAndRouteLabelsUnchanged() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        RouterMetrics metrics = RouterMetrics.builder(meters, fleet.registry()).build();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).addObserver(metrics).build()) {
      fleet.registry().putRoute(RouteSpec.builder("assistant").targets(List.of(RouteTarget.of("chat"))).build());
      try (ProxyResponse r = client.execute(chat("assistant", false, 1))) {
        r.body().readAllBytes();
      }
      assertThatThrownBy(() -> client.execute(unknown("warm-up"))).isInstanceOf(RejectedException.class);
      int before = meters.getMeters().size();
      for (int i = 0; i < 100; i++) {
        ProxyRequest madeUp = unknown(i % 2 == 0 ? "assistant-" + i : "made-up-" + i);
        assertThatThrownBy(() -> client.execute(madeUp)).isInstanceOf(RejectedException.class);
      }
      assertThat(meters.getMeters()).hasSize(before);
      Set<String> routes = new HashSet<>();
      for (Meter m : meters.getMeters()) {
        routes.add(m.getId().getTag("route"));
        routes.add(m.getId().getTag("modelrouter.route"));
      }
      routes.remove(null);
      routes.remove("");
      assertThat(routes).containsExactly("assistant");
    }
  }

  @Test
  void endpointMeters_followTheRegistryAndGoOnClose() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start()) {
      RouterMetrics metrics = RouterMetrics.builder(meters, fleet.registry()).build();
      assertThat(endpointsOf("modelrouter.endpoint.in.flight")).containsExactlyInAnyOrder("chat-0", "chat-1");
      assertThat(meters.get("modelrouter.endpoint.routable").tag("endpoint", "chat-0").gauge().value()).isEqualTo(1);
      assertThat(meters.get("modelrouter.endpoint.kv.cache.usage").tag("endpoint", "chat-0").gauge().value()).isNaN();
      fleet.state("chat-0").updateServerMetrics(3, 5, 0.25, System.nanoTime());
      assertThat(meters.get("modelrouter.endpoint.queue.waiting").tag("endpoint", "chat-0").gauge().value()).isEqualTo(3);
      assertThat(meters.get("modelrouter.endpoint.queue.running").tag("endpoint", "chat-0").gauge().value()).isEqualTo(5);
      assertThat(meters.get("modelrouter.endpoint.kv.cache.usage").tag("endpoint", "chat-0").gauge().value()).isEqualTo(0.25);

      fleet.registry().removeEndpoint("chat-0");
      assertThat(endpointsOf("modelrouter.endpoint.in.flight")).containsExactly("chat-1");
      metrics.close();
      assertThat(meters.find("modelrouter.endpoint.in.flight").gauges()).isEmpty();
      assertThat(meters.find("modelrouter.requests.in.flight").gauges()).isEmpty();
    }
  }

  private List<String> endpointsOf(String meter) {
    List<String> ids = new ArrayList<>();
    for (Meter m : meters.find(meter).meters()) {
      ids.add(m.getId().getTag("endpoint"));
    }
    return ids;
  }

  private static ProxyRequest unknown(String model) {
    return ProxyRequest.builder(Chat.PATH, RouteRequest.builder(model).build())
        .body(("{\"model\":\"" + model + "\"}").getBytes(StandardCharsets.UTF_8), "application/json").build();
  }
}
