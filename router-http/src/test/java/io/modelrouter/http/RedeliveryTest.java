package io.modelrouter.http;

import static io.modelrouter.http.Chat.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.simulator.Fault;
import io.modelrouter.testing.SimFleet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What {@link RoutingClient} sends again over OkHttp, against simulators behind fault proxies on 127.0.0.1. */
class RedeliveryTest {

  /** {@code n} simulators, each behind a fault proxy: endpoints chat-0, chat-1, ... */
  private static SimFleet fleet(int n) throws IOException {
    return SimFleet.builder().openai("chat", n).faultProxies().start();
  }

  /** A client that tries chat-0 first, then chat-1, with unlimited retries. */
  private static RoutingClient.Builder client(SimFleet fleet) {
    return RoutingClient.builder(fleet.router().strategy(fleet.inOrder()).build()).retryBudget(RetryBudget.unlimited());
  }

  @Test
  void requestThatKillsItsServer_isTriedOnAtMostTwoEndpoints() throws Exception {
    try (SimFleet fleet = fleet(3); RoutingClient client = client(fleet).build()) {
      fleet.endpointIds().forEach(id -> fleet.proxy(id).fault(Fault.crashOnRequest()));

      assertThatThrownBy(() -> client.execute(chat("chat", false, 1)))
          .isInstanceOfSatisfying(ForwardingException.class, e -> {
            assertThat(e.kind()).isEqualTo(ForwardingException.Kind.CONNECTION_LOST);
            assertThat(e.attempts()).isEqualTo(2);
          });
      assertThat(fleet.proxy("chat-0").isRunning()).as("crashed").isFalse();
      assertThat(fleet.proxy("chat-1").isRunning()).as("crashed").isFalse();
      assertThat(fleet.proxy("chat-2").requestCount()).as("the poison stopped at two").isZero();
      assertThat(fleet.proxy("chat-2").isRunning()).isTrue();
      assertThat(fleet.outcomes()).hasSize(2).allSatisfy(o -> assertThat(o.outcome().kind()).isEqualTo(Outcome.Kind.FAILURE));
      for (String id : fleet.endpointIds()) {
        assertThat(fleet.state(id).inFlight()).isZero();
      }
    }
  }

  @Test
  void requestThatKillsItsServer_withRetryAfterReceivedOffForItsModel_isTriedOnOneEndpoint() throws Exception {
    try (SimFleet fleet = fleet(2);
        RoutingClient client = client(fleet)
            .retryPolicy("chat", RetryPolicy.builder().retryAfterReceived(false).build())
            .build()) {
      fleet.endpointIds().forEach(id -> fleet.proxy(id).fault(Fault.crashOnRequest()));

      assertThatThrownBy(() -> client.execute(chat("chat", false, 1)))
          .isInstanceOfSatisfying(ForwardingException.class, e -> assertThat(e.attempts()).isEqualTo(1));
      assertThat(fleet.proxy("chat-1").requestCount()).isZero();
    }
  }

  @Test
  void connectionResetAfterTheRequestWasRead_isTriedOnceMoreOnAnotherEndpoint() throws Exception {
    try (SimFleet fleet = fleet(2); RoutingClient client = client(fleet).build()) {
      fleet.proxy("chat-0").fault(Fault.resetAfterBytes(0));

      try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.endpoint().id()).isEqualTo("chat-1");
        assertThat(r.body().readAllBytes()).isNotEmpty();
      }
      assertThat(fleet.proxy("chat-0").requestCount()).isEqualTo(1);
    }
  }

  @Test
  void staleConnectionDroppedWhileTheRequestIsWritten_isSentAgainTransparently() throws Exception {
    try (SimFleet fleet = fleet(2); RoutingClient client = client(fleet).build()) {
      try (ProxyResponse warm = client.execute(chat("chat", false, 1))) {
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
    try (SimFleet fleet = fleet(2); RoutingClient client = client(fleet).retryPolicy(fast).build()) {
      for (int i = 0; i < RetryPolicy.MIN_SAMPLES; i++) {
        try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
          r.body().readAllBytes(); // chat-0's usual time, learned
        }
      }
      fleet.proxy("chat-0").fault(Fault.freeze());

      for (boolean async : new boolean[] {false, true}) {
        long start = System.nanoTime();
        try (ProxyResponse r = async ? client.executeAsync(chat("chat", false, 1)).get(10, TimeUnit.SECONDS)
            : client.execute(chat("chat", false, 1))) {
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("chat-1");
          assertThat(r.attempts()).isEqualTo(2);
          assertThat(r.body().readAllBytes()).isNotEmpty();
        }
        assertThat(System.nanoTime() - start).as("a per-attempt timeout, not the read timeout")
            .isLessThan(TimeUnit.SECONDS.toNanos(8));
      }
      assertThat(fleet.outcomes().stream().filter(o -> o.outcome().kind() == Outcome.Kind.TIMEOUT)).hasSize(2);
      fleet.proxy("chat-0").fault(Fault.none());
      fleet.awaitNoneInFlight("chat-0");
    }
  }

  /** A chat request with a 16 MB body: more than the socket buffers hold, so writing it takes a while. */
  private static ProxyRequest bigChat() {
    char[] pad = new char[16 << 20];
    Arrays.fill(pad, 'x');
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":1,"
        + "\"pad\":\"" + new String(pad) + "\"}";
    return ProxyRequest.builder(Chat.PATH, RouteRequest.builder("chat").build())
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }
}
