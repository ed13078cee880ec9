package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Outcome;
import io.modelrouter.Protocol;
import io.modelrouter.RouteRequest;
import io.modelrouter.simulator.Fault;
import io.modelrouter.simulator.FaultProxy;
import io.modelrouter.simulator.SimServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@link RoutingClient} sends again over OkHttp, against simulators behind fault proxies on 127.0.0.1. */
class RedeliveryTest {

  private final List<FaultProxy> proxies = new ArrayList<>();

  @AfterEach
  void closeProxies() {
    proxies.forEach(FaultProxy::close);
  }

  /** {@code n} simulators, each behind a proxy: endpoint e{@code i} is proxy {@code i}. */
  private Fleet fleet(int n) throws Exception {
    SimServer[] sims = new SimServer[n];
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sims[i] = SimServer.openai("chat").start();
      FaultProxy p = FaultProxy.to(sims[i].port()).start();
      proxies.add(p);
      urls.add(p.baseUrl());
    }
    return new Fleet("chat", Protocol.OPENAI, "vllm", urls, sims);
  }

  private static RoutingClient.Builder client(Fleet fleet) {
    return RoutingClient.builder(fleet.router().strategy(Fleet.IN_ORDER).build()).retryBudget(RetryBudget.unlimited());
  }

  @Test
  void requestThatKillsItsServer_isTriedOnAtMostTwoEndpoints() throws Exception {
    try (Fleet fleet = fleet(3); RoutingClient client = client(fleet).build()) {
      proxies.forEach(p -> p.fault(Fault.crashOnRequest()));

      assertThatThrownBy(() -> client.execute(Fleet.chat("chat", false, 1)))
          .isInstanceOfSatisfying(ForwardingException.class, e -> {
            assertThat(e.kind()).isEqualTo(ForwardingException.Kind.CONNECTION_LOST);
            assertThat(e.attempts()).isEqualTo(2);
          });
      assertThat(proxies.get(0).isRunning()).as("crashed").isFalse();
      assertThat(proxies.get(1).isRunning()).as("crashed").isFalse();
      assertThat(proxies.get(2).requestCount()).as("the poison stopped at two").isZero();
      assertThat(proxies.get(2).isRunning()).isTrue();
      assertThat(fleet.outcomes).hasSize(2).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.FAILURE));
      for (int i = 0; i < 3; i++) {
        assertThat(fleet.state(i).inFlight()).isZero();
      }
    }
  }

  @Test
  void requestThatKillsItsServer_withRetryAfterReceivedOffForItsModel_isTriedOnOneEndpoint() throws Exception {
    try (Fleet fleet = fleet(2);
        RoutingClient client = client(fleet)
            .retryPolicy("chat", RetryPolicy.builder().retryAfterReceived(false).build())
            .build()) {
      proxies.forEach(p -> p.fault(Fault.crashOnRequest()));

      assertThatThrownBy(() -> client.execute(Fleet.chat("chat", false, 1)))
          .isInstanceOfSatisfying(ForwardingException.class, e -> assertThat(e.attempts()).isEqualTo(1));
      assertThat(proxies.get(1).requestCount()).isZero();
    }
  }

  @Test
  void connectionResetAfterTheRequestWasRead_isTriedOnceMoreOnAnotherEndpoint() throws Exception {
    try (Fleet fleet = fleet(2); RoutingClient client = client(fleet).build()) {
      proxies.get(0).fault(Fault.resetAfterBytes(0));

      try (ProxyResponse r = client.execute(Fleet.chat("chat", false, 1))) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.endpoint().id()).isEqualTo("e1");
        assertThat(r.body().readAllBytes()).isNotEmpty();
      }
      assertThat(proxies.get(0).requestCount()).isEqualTo(1);
    }
  }

  @Test
  void staleConnectionDroppedWhileTheRequestIsWritten_isSentAgainTransparently() throws Exception {
    try (Fleet fleet = fleet(2); RoutingClient client = client(fleet).build()) {
      try (ProxyResponse warm = client.execute(Fleet.chat("chat", false, 1))) {
        warm.body().readAllBytes(); // leaves a pooled connection to e0
      }
      proxies.get(0).fault(Fault.resetReusedWhileReading());

      try (ProxyResponse r = client.execute(bigChat())) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.endpoint().id()).as("the same endpoint, on a new connection").isEqualTo("e0");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.body().readAllBytes()).isNotEmpty();
      }
      assertThat(proxies.get(0).fault()).as("the reset happened").isEqualTo(Fault.none());
      assertThat(proxies.get(0).requestCount()).as("warm-up and the resend").isEqualTo(2);
      assertThat(proxies.get(1).requestCount()).isZero();
    }
  }

  @Test
  void frozenEndpoint_isAbandonedAtItsPerAttemptTimeoutForAnother() throws Exception {
    RetryPolicy fast = RetryPolicy.builder().attemptTimeout(3, 0.99, Duration.ofMillis(300)).build();
    try (Fleet fleet = fleet(2); RoutingClient client = client(fleet).retryPolicy(fast).build()) {
      for (int i = 0; i < RetryPolicy.MIN_SAMPLES; i++) {
        try (ProxyResponse r = client.execute(Fleet.chat("chat", false, 1))) {
          r.body().readAllBytes(); // e0's usual time, learned
        }
      }
      proxies.get(0).fault(Fault.freeze());

      for (boolean async : new boolean[] {false, true}) {
        long start = System.nanoTime();
        try (ProxyResponse r = async ? client.executeAsync(Fleet.chat("chat", false, 1)).get(10, TimeUnit.SECONDS)
            : client.execute(Fleet.chat("chat", false, 1))) {
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("e1");
          assertThat(r.attempts()).isEqualTo(2);
          assertThat(r.body().readAllBytes()).isNotEmpty();
        }
        assertThat(System.nanoTime() - start).as("a per-attempt timeout, not the read timeout")
            .isLessThan(TimeUnit.SECONDS.toNanos(8));
      }
      assertThat(fleet.outcomes.stream().filter(o -> o.kind() == Outcome.Kind.TIMEOUT)).hasSize(2);
      proxies.get(0).fault(Fault.none());
      RoutingClientTest.awaitZeroInFlight(fleet, 0);
    }
  }

  /** A chat request with a 16 MB body: more than the socket buffers hold, so writing it takes a while. */
  private static ProxyRequest bigChat() {
    char[] pad = new char[16 << 20];
    Arrays.fill(pad, 'x');
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":1,"
        + "\"pad\":\"" + new String(pad) + "\"}";
    return ProxyRequest.builder(Fleet.CHAT, RouteRequest.builder("chat").build())
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }
}
