package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Operation;
import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RetryBudget;
import io.modelrouter.http.RetryPolicy;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.Candidates;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.simulator.Fault;
import io.modelrouter.simulator.FaultProxy;
import io.modelrouter.simulator.SimServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private final List<SimServer> sims = new ArrayList<>();
  private final List<FaultProxy> proxies = new ArrayList<>();
  private final InMemoryRegistry registry = InMemoryRegistry.create();
  private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  private final JettyTransport transport = JettyTransport.create();

  @AfterEach
  void tearDown() {
    transport.close();
    proxies.forEach(FaultProxy::close);
    sims.forEach(SimServer::close);
  }

  /** {@code n} endpoints e0.. , each a proxy in front of a simulator; tried in that order. */
  private RoutingClient.Builder fleet(int n) throws Exception {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SimServer sim = SimServer.openai("chat").start();
      sims.add(sim);
      FaultProxy p = FaultProxy.to(sim.port()).start();
      proxies.add(p);
      endpoints.add(Endpoint.builder("e" + i, p.baseUrl()).server("vllm").serves("chat:1").build());
    }
    registry.replace(List.of(ModelSpec.builder("chat", "1").operations(Set.of(Operation.CHAT)).build()), endpoints);
    Router router = Router.builder(registry).strategy(IN_ORDER)
        .addOutcomeListener((endpoint, state, outcome, latency) -> outcomes.add(outcome)).build();
    return RoutingClient.builder(router).transport(transport).retryBudget(RetryBudget.unlimited());
  }

  @Test
  void requestThatKillsItsServer_isTriedOnAtMostTwoEndpoints() throws Exception {
    try (RoutingClient client = fleet(3).build()) {
      proxies.forEach(p -> p.fault(Fault.crashOnRequest()));

      assertThatThrownBy(() -> client.executeAsync(chat(false, 1)).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(ForwardingException.class, e -> {
            assertThat(e.kind()).isEqualTo(ForwardingException.Kind.CONNECTION_LOST);
            assertThat(e.attempts()).isEqualTo(2);
          });
      assertThat(proxies.get(0).isRunning()).as("crashed").isFalse();
      assertThat(proxies.get(1).isRunning()).as("crashed").isFalse();
      assertThat(proxies.get(2).requestCount()).as("the poison stopped at two").isZero();
      assertThat(outcomes).hasSize(2).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.FAILURE));
      for (int i = 0; i < 3; i++) {
        assertThat(registry.snapshot().state("e" + i).inFlight()).isZero();
      }
    }
  }

  @Test
  void staleConnectionDroppedWhileTheRequestIsWritten_isSentAgainTransparently() throws Exception {
    try (RoutingClient client = fleet(2).build()) {
      try (ProxyResponse warm = client.execute(chat(false, 1))) {
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
    try (RoutingClient client = fleet(2).retryPolicy(fast).build()) {
      for (int i = 0; i < 2 * RetryPolicy.MIN_SAMPLES; i++) {
        try (ProxyResponse r = client.execute(chat(i % 2 == 0, 1))) {
          r.body().readAllBytes(); // e0's usual time, streamed and whole, learned
        }
      }
      proxies.get(0).fault(Fault.freeze());

      for (boolean stream : new boolean[] {false, true}) {
        long start = System.nanoTime();
        try (ProxyResponse r = client.executeAsync(chat(stream, 1)).get(10, TimeUnit.SECONDS)) {
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.endpoint().id()).isEqualTo("e1");
          assertThat(r.attempts()).isEqualTo(2);
          assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("usage");
        }
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(8));
      }
      assertThat(outcomes.stream().filter(o -> o.kind() == Outcome.Kind.TIMEOUT)).hasSize(2);
      proxies.get(0).fault(Fault.none());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (registry.snapshot().state("e0").inFlight() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(registry.snapshot().state("e0").inFlight()).isZero();
    }
  }

  private static ProxyRequest chat(boolean stream, int maxTokens) {
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":"
        + maxTokens + ",\"stream\":" + stream + "}";
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

  private static final SelectionStrategy IN_ORDER = new SelectionStrategy() {
    @Override
    public int select(Candidates c) {
      int best = -1;
      for (int i = 0; i < c.size(); i++) {
        if (best < 0 || c.endpoint(i).id().compareTo(c.endpoint(best).id()) < 0) {
          best = i;
        }
      }
      return best;
    }

    @Override
    public String name() {
      return "in-order";
    }
  };
}
