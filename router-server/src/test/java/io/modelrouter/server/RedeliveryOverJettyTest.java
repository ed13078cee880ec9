package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RetryBudget;
import io.modelrouter.http.RetryPolicy;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.simulator.Fault;
import io.modelrouter.testing.SimFleet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link RoutingClient} sends again over {@link JettyTransport} (the gateway's transport),
 * against simulators behind fault proxies on 127.0.0.1: the same rule as over OkHttp.
 */
@Timeout(30)
class RedeliveryOverJettyTest {

  private final JettyTransport transport = JettyTransport.create();
  private SimFleet fleet;

  @AfterEach
  void tearDown() {
    transport.close();
    if (fleet != null) {
      fleet.close();
    }
  }

  /** {@code n} endpoints chat-0.. , each a fault proxy in front of a simulator; tried in that order. */
  private RoutingClient.Builder fleet(int n) throws Exception {
    fleet = SimFleet.builder().openai("chat", n).faultProxies().start();
    return RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build()).transport(transport)
        .retryBudget(RetryBudget.unlimited());
  }

  @Test
  void requestThatKillsItsServer_isTriedOnAtMostTwoEndpoints() throws Exception {
    try (RoutingClient client = fleet(3).build()) {
      fleet.endpointIds().forEach(id -> fleet.proxy(id).fault(Fault.crashOnRequest()));

      assertThatThrownBy(() -> client.executeAsync(chat(false, 1)).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(ForwardingException.class, e -> {
            assertThat(e.kind()).isEqualTo(ForwardingException.Kind.CONNECTION_LOST);
            assertThat(e.attempts()).isEqualTo(2);
          });
      assertThat(fleet.proxy("chat-0").isRunning()).as("crashed").isFalse();
      assertThat(fleet.proxy("chat-1").isRunning()).as("crashed").isFalse();
      assertThat(fleet.proxy("chat-2").requestCount()).as("the poison stopped at two").isZero();
      assertThat(fleet.outcomes()).hasSize(2).allSatisfy(o -> assertThat(o.outcome().kind()).isEqualTo(Outcome.Kind.FAILURE));
      for (String id : fleet.endpointIds()) {
        assertThat(fleet.state(id).inFlight()).isZero();
      }
    }
  }

  @Test
  void staleConnectionDroppedWhileTheRequestIsWritten_isSentAgainTransparently() throws Exception {
    try (RoutingClient client = fleet(2).build()) {
      try (ProxyResponse warm = client.execute(chat(false, 1))) {
        warm.body().readAllBytes(); // leaves a pooled connection to chat-0
      }
      fleet.proxy("chat-0").fault(Fault.resetReusedWhileReading());

      try (ProxyResponse r = client.execute(bigChat())) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.endpoint().id()).as("the same endpoint, on a new connection").isEqualTo("chat-0");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.body().readAllBytes()).isNotEmpty();
      }
      assertThat(fleet.proxy("chat-0").fault()).as("the reset happened").isEqualTo(Fault.none());
      assertThat(fleet.proxy("chat-0").requestCount()).as("warm-up and the resend").isEqualTo(2);
      assertThat(fleet.proxy("chat-1").requestCount()).isZero();
    }
  }

  @Test
  void frozenEndpoint_isAbandonedAtItsPerAttemptTimeoutForAnother() throws Exception {
    RetryPolicy fast = RetryPolicy.builder().attemptTimeout(3, 0.99, Duration.ofMillis(300)).build();
    try (RoutingClient client = fleet(2).retryPolicy(fast).build()) {
      for (int i = 0; i < 2 * RetryPolicy.MIN_SAMPLES; i++) {
        try (ProxyResponse r = client.execute(chat(i % 2 == 0, 1))) {
          r.body().readAllBytes(); // chat-0's usual time, streamed and whole, learned
        }
      }
      fleet.proxy("chat-0").fault(Fault.freeze());

      for (boolean stream : new boolean[] {false, true}) {
        long start = System.nanoTime();
        try (ProxyResponse r = client.executeAsync(chat(stream, 1)).get(10, TimeUnit.SECONDS)) {
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("chat-1");
          assertThat(r.attempts()).isEqualTo(2);
          assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("usage");
        }
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(8));
      }
      assertThat(fleet.outcomes().stream().filter(o -> o.outcome().kind() == Outcome.Kind.TIMEOUT)).hasSize(2);
      fleet.proxy("chat-0").fault(Fault.none());
      fleet.awaitNoneInFlight("chat-0");
    }
  }

  private static ProxyRequest chat(boolean stream, int maxTokens) {
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":"
        + maxTokens + ",\"stream\":" + stream
        + (stream ? ",\"stream_options\":{\"include_usage\":true}}" : "}"); // a stream's usage only when asked, as vLLM
    return ProxyRequest.builder("/v1/chat/completions", RouteRequest.builder("chat").stream(stream).build())
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }

  /** A chat request with a 16 MB body: more than the socket buffers hold, so writing it takes a while. */
  private static ProxyRequest bigChat() {
    char[] pad = new char[16 << 20];
    Arrays.fill(pad, 'x');
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":1,"
        + "\"pad\":\"" + new String(pad) + "\"}";
    return ProxyRequest.builder("/v1/chat/completions", RouteRequest.builder("chat").build())
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }
}
