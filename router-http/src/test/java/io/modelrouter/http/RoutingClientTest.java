package io.modelrouter.http;

import static io.modelrouter.http.Chat.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Outcome;
import io.modelrouter.Protocol;
import io.modelrouter.RejectedException;
import io.modelrouter.RejectionReason;
import io.modelrouter.RouteRequest;
import io.modelrouter.Operation;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import io.modelrouter.testing.SimFleet;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RoutingClientTest {

  @Test
  void execute_forwardsChatAndCompletesLeaseWithUsageTokens() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build();
        ProxyResponse r = client.execute(chat("chat", false, 5))) {
      String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(r.status()).isEqualTo(200);
      assertThat(body).contains("\"chat.completion\"").contains("\"completion_tokens\":5");
      assertThat(r.endpoint().id()).isEqualTo("chat-0");
      assertThat(r.header(RoutingClient.ENDPOINT_ID_HEADER)).isEqualTo("chat-0");
      assertThat(r.header(RoutingClient.ENDPOINT_SERVED_HEADER)).isEqualTo("127.0.0.1:" + fleet.server("chat-0").port());
      assertThat(r.requestId()).hasSize(32);
      assertThat(r.promptTokens()).isEqualTo(3);
      assertThat(r.completionTokens()).isEqualTo(5);
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS);
        assertThat(o.completionTokens()).isEqualTo(5);
        assertThat(o.promptTokens()).isEqualTo(3);
        assertThat(o.ttftNanos()).isPositive();
      });
      assertThat(fleet.state("chat-0").inFlight()).isZero();
    }
  }

  @Test
  void execute_streamsChunksBeforeTheEndpointFinishes() throws Exception {
    try (SimFleet fleet = one(server -> server.perTokenLatency(Duration.ofMillis(40)));
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build();
        ProxyResponse r = client.execute(chat("chat", true, 20))) {
      assertThat(r.isEventStream()).isTrue();
      InputStream in = r.body();
      byte[] buf = new byte[8192];
      int n = in.read(buf);

      assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).startsWith("data: {");
      assertThat(fleet.server("chat-0").runningCount()).as("the endpoint is still generating").isEqualTo(1);
      assertThat(fleet.outcomes("chat-0")).as("the lease is open while the stream runs").isEmpty();

      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      in.transferTo(rest);
      String all = new String(buf, 0, n, StandardCharsets.UTF_8) + rest.toString(StandardCharsets.UTF_8);
      assertThat(all).endsWith("data: [DONE]\n\n").contains("\"usage\"");
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS);
        assertThat(o.completionTokens()).isEqualTo(20);
        assertThat(o.ttftNanos()).isPositive().isLessThan(TimeUnit.MILLISECONDS.toNanos(400));
      });
    }
  }

  @Test
  void execute_dropsHopByHopAndCredentialsAndKeepsRequestId() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build())
            .upstreamHeaders(e -> java.util.Map.of("authorization", "Bearer endpoint-key-" + e.id()))
            .build()) {
      ProxyRequest base = chat("chat", false, 1);
      ProxyRequest req = ProxyRequest.builder(base.path(), base.route())
          .body(base.body(), "application/json")
          .header("Authorization", "Bearer client-secret")
          .header("Cookie", "session=1")
          .header("Connection", "keep-alive, x-private")
          .header("X-Private", "hop")
          .header("Keep-Alive", "timeout=5")
          .header("x-request-id", "req-123")
          .header("x-tenant-note", "kept")
          .build();
      try (ProxyResponse r = client.execute(req)) {
        r.body().readAllBytes();
        assertThat(r.requestId()).isEqualTo("req-123");
        assertThat(r.header("x-request-id")).isEqualTo("req-123");
        assertThat(r.headers()).doesNotContainKeys("connection", "transfer-encoding", "keep-alive");
        assertThat(r.headers().get(RoutingClient.ENDPOINT_ID_HEADER)).containsExactly("chat-0");
        assertThat(r.header(RoutingClient.ENDPOINT_SERVED_HEADER)).isEqualTo("127.0.0.1:" + fleet.server("chat-0").port());
        java.util.Map<String, java.util.List<String>> copied = new java.util.LinkedHashMap<>();
        r.forEachHeader((name, value) -> copied.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value));
        assertThat(copied).isEqualTo(r.headers());
        assertThat(r.contentLength()).isEqualTo(Long.parseLong(r.header("content-length")));
      }
      var seen = fleet.server("chat-0").lastRequestHeaders();
      assertThat(seen.get("authorization")).containsExactly("Bearer endpoint-key-chat-0");
      assertThat(seen).doesNotContainKeys("cookie", "x-private", "keep-alive");
      assertThat(seen.get("x-request-id")).containsExactly("req-123");
      assertThat(seen.get("x-tenant-note")).containsExactly("kept");
    }
  }

  @Test
  void execute_forwardsOipInferToTheModelPath() throws Exception {
    try (SimFleet fleet = SimFleet.builder().oip("classifier", 1).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build()) {
      String body = "{\"inputs\":[{\"name\":\"input__0\",\"shape\":[2,4],\"datatype\":\"FP32\","
          + "\"data\":[1,2,3,4,5,6,7,8]}]}";
      ProxyRequest req = ProxyRequest.builder("/v2/models/classifier/infer",
              RouteRequest.builder("classifier").protocol(Protocol.OIP).operation(Operation.INFER).build())
          .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
          .build();
      try (ProxyResponse r = client.execute(req)) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("\"data\":[10.0,26.0]");
      }
    }
  }

  @Test
  void execute_retriesOnAnotherEndpointWhenTheFirstRefusesConnections() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
        RoutingClient client = RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build())
            .retryBudget(RetryBudget.unlimited())
            .build()) {
      fleet.server("chat-0").kill();
      for (int i = 0; i < 5; i++) {
        try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
          r.body().readAllBytes();
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("chat-1");
          assertThat(r.attempts()).isEqualTo(2);
        }
      }
      assertThat(fleet.server("chat-1").successCount()).isEqualTo(5);
      assertThat(fleet.state("chat-0").failures()).isEqualTo(5);
      assertThat(fleet.state("chat-0").inFlight()).isZero();
    }
  }

  @Test
  void execute_retriesA503OnAnotherEndpoint() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.capacity(1).maxQueue(0))
            .openai("chat", 1).start();
        RoutingClient client = RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build())
            .retryBudget(RetryBudget.unlimited())
            .build()) {
      fleet.server("chat-0").hang(true);
      CompletableFuture<ProxyResponse> hogging = client.executeAsync(chat("chat", false, 1));
      fleet.awaitRunning("chat-0", 1);

      try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
        r.body().readAllBytes();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.endpoint().id()).isEqualTo("chat-1");
      }
      assertThat(fleet.outcomes("chat-0")).anySatisfy(o -> assertThat(o.httpStatus()).isEqualTo(503));
      hogging.cancel(true);
    }
  }

  @Test
  void execute_passesA503ThroughWhenNoOtherEndpointIsLeft() throws Exception {
    try (SimFleet fleet = one(server -> server.capacity(1).maxQueue(0));
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build()) {
      fleet.server("chat-0").hang(true);
      CompletableFuture<ProxyResponse> hogging = client.executeAsync(chat("chat", false, 1));
      fleet.awaitRunning("chat-0", 1);
      try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
        assertThat(r.status()).isEqualTo(503);
        assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("overloaded");
        assertThat(r.attempts()).isEqualTo(1);
      }
      hogging.cancel(true);
    }
  }

  @Test
  void execute_retryBudgetCapsRetries() throws Exception {
    long[] now = {0};
    RetryBudget budget = RetryBudget.of(0.0, 1, Duration.ofSeconds(2), () -> now[0]); // 2 retries per 2 s
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
        RoutingClient client = RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build())
            .retryBudget(budget)
            .build()) {
      fleet.server("chat-0").kill();
      for (int i = 0; i < 2; i++) {
        try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
          assertThat(r.endpoint().id()).isEqualTo("chat-1");
        }
      }
      assertThatThrownBy(() -> client.execute(chat("chat", false, 1)))
          .isInstanceOfSatisfying(ForwardingException.class, e -> {
            assertThat(e.kind()).isEqualTo(ForwardingException.Kind.CONNECT_FAILED);
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.endpointId()).isEqualTo("chat-0");
          });
      assertThat(fleet.server("chat-1").requestCount()).isEqualTo(2);

      now[0] += TimeUnit.SECONDS.toNanos(3); // the window moved on: the budget refilled
      try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
        assertThat(r.endpoint().id()).isEqualTo("chat-1");
      }
    }
  }

  @Test
  void execute_hedgeWinsAgainstASlowEndpoint() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.baseLatency(Duration.ofSeconds(5)))
            .openai("chat", 1, server -> server.baseLatency(Duration.ofMillis(5))).start();
        RoutingClient client = RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build())
            .hedging(HedgePolicy.after(Duration.ofMillis(50)))
            .retryBudget(RetryBudget.unlimited())
            .build()) {
      long start = System.nanoTime();
      try (ProxyResponse r = client.execute(chat("chat", false, 2))) {
        r.body().readAllBytes();
        assertThat(r.endpoint().id()).isEqualTo("chat-1");
        assertThat(r.hedged()).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
      }
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(4));
      fleet.awaitNoneInFlight("chat-0");
      assertThat(fleet.outcomes()).anySatisfy(o -> assertThat(o.outcome().kind()).isEqualTo(Outcome.Kind.CANCELLED));
    }
  }

  @Test
  void execute_timesOutAtTheLatencyBudget() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build()) {
      fleet.server("chat-0").hang(true);
      ProxyRequest base = chat("chat", false, 1);
      ProxyRequest req = ProxyRequest.builder(base.path(),
              base.route().toBuilder().latencyBudget(Duration.ofMillis(200)).build())
          .body(base.body(), "application/json").build();
      assertThatThrownBy(() -> client.execute(req))
          .isInstanceOfSatisfying(ForwardingException.class, e -> {
            assertThat(e.kind()).isEqualTo(ForwardingException.Kind.TIMEOUT);
            assertThat(e.httpStatus()).isEqualTo(504);
          });
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.TIMEOUT));
      assertThat(fleet.state("chat-0").inFlight()).isZero();
    }
  }

  @Test
  void execute_withBudget_isBoundedByTheBudgetNotTheReadTimeout() throws Exception {
    try (SimFleet fleet = one(server -> server.baseLatency(Duration.ofMillis(600)));
        RoutingClient client = RoutingClient.builder(fleet.router().build()).readTimeout(Duration.ofMillis(150)).build()) {
      ProxyRequest base = chat("chat", false, 1);
      ProxyRequest req = ProxyRequest.builder(base.path(),
              base.route().toBuilder().latencyBudget(Duration.ofSeconds(10)).build())
          .body(base.body(), "application/json").build();
      try (ProxyResponse r = client.execute(req)) {
        r.body().readAllBytes();
        assertThat(r.status()).isEqualTo(200);
      }
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS));
    }
  }

  @Test
  void execute_withoutBudget_timesOutAtTheReadTimeout() throws Exception {
    try (SimFleet fleet = one(server -> server.baseLatency(Duration.ofMillis(600)));
        RoutingClient client = RoutingClient.builder(fleet.router().build()).readTimeout(Duration.ofMillis(150))
            .maxAttempts(1).build()) {
      assertThatThrownBy(() -> client.execute(chat("chat", false, 1)))
          .isInstanceOfSatisfying(ForwardingException.class, e -> assertThat(e.kind()).isEqualTo(ForwardingException.Kind.TIMEOUT));
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.TIMEOUT));
    }
  }

  @Test
  void executeAsync_cancelCancelsTheCallAndCompletesTheLease() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build()) {
      fleet.server("chat-0").hang(true);
      CompletableFuture<ProxyResponse> f = client.executeAsync(chat("chat", false, 1));
      fleet.awaitRunning("chat-0", 1);
      assertThat(fleet.state("chat-0").inFlight()).isEqualTo(1);

      f.cancel(true);

      fleet.awaitNoneInFlight("chat-0");
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.CANCELLED));
    }
  }

  @Test
  void close_beforeTheEndCancelsTheStreamAndTheLease() throws Exception {
    try (SimFleet fleet = one(server -> server.perTokenLatency(Duration.ofMillis(20)));
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build()) {
      ProxyResponse r = client.execute(chat("chat", true, 500));
      assertThat(r.body().read(new byte[100])).isPositive();
      r.close();
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.CANCELLED));
      assertThat(fleet.state("chat-0").inFlight()).isZero();
    }
  }

  @Test
  void droppedResponse_isFoundByTheCollectorAndItsLeaseCompletedAsCancelled() throws Exception {
    try (SimFleet fleet = one(server -> server.perTokenLatency(Duration.ofMillis(20)));
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build()) {
      readSomeAndDrop(client);
      assertThat(fleet.state("chat-0").inFlight()).isEqualTo(1);

      // Both: the lease leaves the in-flight count before its outcome reaches the fleet's listener.
      Await.until("the dropped response's lease completed", () -> {
        System.gc();
        return fleet.state("chat-0").inFlight() == 0 && !fleet.outcomes("chat-0").isEmpty();
      });
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.CANCELLED));
    }
  }

  /** Starts a long stream, reads a little of it, and lets the response go without closing it. */
  private static void readSomeAndDrop(RoutingClient client) throws IOException {
    ProxyResponse r = client.execute(chat("chat", true, 500));
    assertThat(r.body().read(new byte[100])).isPositive();
  }

  @Test
  void execute_throwsTheRoutersRejection() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build()) {
      assertThatThrownBy(() -> client.execute(chat("nope", false, 1)))
          .isInstanceOfSatisfying(RejectedException.class,
              e -> assertThat(e.rejection().reason()).isEqualTo(RejectionReason.UNKNOWN_MODEL));
      CompletableFuture<ProxyResponse> f = client.executeAsync(chat("nope", false, 1));
      assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RejectedException.class);
    }
  }

  @Test
  void executeAsync_answersLikeExecute() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build()) {
      CompletableFuture<ProxyResponse> f = client.executeAsync(chat("chat", false, 3));
      try (ProxyResponse r = f.get(10, TimeUnit.SECONDS)) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("\"completion_tokens\":3");
      }
      assertThat(fleet.outcomes()).singleElement().satisfies(o -> assertThat(o.outcome().completionTokens()).isEqualTo(3));
    }
  }

  @Test
  void execute_releasesTheLeaseWhenTheRequestCannotBeBuilt() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build())
            .upstreamHeaders(e -> java.util.Map.of("bad header", "x"))
            .build()) {
      assertThatThrownBy(() -> client.execute(chat("chat", false, 1))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.executeAsync(chat("chat", false, 1)).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IllegalArgumentException.class);
      assertThat(fleet.state("chat-0").inFlight()).isZero();
      assertThat(fleet.outcomes("chat-0")).hasSize(2).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.CANCELLED));
    }
  }

  @Test
  void execute_endpointKilledWithPooledConnections_isRetriedOnAnotherEndpoint() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
        RoutingClient client = RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build())
            .retryBudget(RetryBudget.unlimited())
            .build()) {
      try (ProxyResponse warm = client.execute(chat("chat", false, 1))) {
        warm.body().readAllBytes(); // leaves a pooled connection to the first endpoint
      }
      fleet.server("chat-0").kill();
      try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.body().readAllBytes()).isNotEmpty();
      }
      assertThat(fleet.server("chat-1").requestCount()).isEqualTo(1);
    }
  }

  @Test
  void execute_withRetryAfterReceivedOff_doesNotRetryAConnectionLostAfterTheRequestWasSent() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
        RoutingClient client = RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build())
            .retryBudget(RetryBudget.unlimited())
            .retryPolicy(RetryPolicy.builder().retryAfterReceived(false).build())
            .build()) {
      fleet.server("chat-0").resetConnections(true);
      assertThatThrownBy(() -> client.execute(chat("chat", false, 1)))
          .isInstanceOfSatisfying(ForwardingException.class, e -> {
            assertThat(e.kind()).isEqualTo(ForwardingException.Kind.CONNECTION_LOST);
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.attempts()).isEqualTo(1);
          });
      assertThat(fleet.server("chat-1").requestCount()).as("the endpoint may have run it: not sent twice").isZero();
      assertThat(fleet.outcomes()).singleElement().satisfies(o -> {
        assertThat(o.endpointId()).isEqualTo("chat-0");
        assertThat(o.outcome().kind()).isEqualTo(Outcome.Kind.FAILURE);
      });
    }
  }

  @Test
  void execute_passesA500ThroughAndCountsItAgainstTheEndpoint() throws Exception {
    try (SimFleet fleet = one(server -> server.failureRate(1.0));
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build();
        ProxyResponse r = client.execute(chat("chat", false, 1))) {
      assertThat(r.status()).isEqualTo(500);
      assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("simulated internal error");
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo(Outcome.Kind.FAILURE);
        assertThat(o.httpStatus()).isEqualTo(500);
      });
    }
  }

  /** One vLLM-like server for model {@code chat}, set up by {@code server}: endpoint chat-0. */
  private static SimFleet one(Consumer<SimServer.Builder> server) throws IOException {
    return SimFleet.builder().openai("chat", 1, server).start();
  }
}
