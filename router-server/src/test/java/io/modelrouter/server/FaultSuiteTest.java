package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Operation;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RetryBudget;
import io.modelrouter.http.RetryPolicy;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.health.HealthChecker;
import io.modelrouter.http.outlier.OutlierDetector;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.Candidates;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.simulator.Fault;
import io.modelrouter.simulator.FaultProxy;
import io.modelrouter.simulator.SimServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault suite: three simulated servers, each behind a {@link FaultProxy}, under the gateway's
 * stack (RoutingClient on JettyTransport, outlier detection, active health checks wired to it).
 * For each fault played on the first endpoint, which the router tries first: every request is
 * answered correctly or ends with its documented error, no request is lost to a fault that struck
 * before the answer began, in-flight counts go back to zero, and once the fault is lifted the
 * endpoint is back in rotation within two health intervals.
 */
@Timeout(120)
class FaultSuiteTest {

  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);
  private static final Duration BUDGET = Duration.ofSeconds(3);
  private static final int REQUESTS = 30;

  private final List<SimServer> sims = new ArrayList<>();
  private final List<FaultProxy> proxies = new ArrayList<>();
  private final InMemoryRegistry registry = InMemoryRegistry.create();
  private final JettyTransport transport = JettyTransport.create();
  private final ExecutorService callers = Executors.newFixedThreadPool(6);
  private OutlierDetector outliers;
  private HealthChecker health;
  private RoutingClient client;

  /** What a request of the suite ended with. */
  private enum Result {
    /** 200 and the whole answer: a complete stream or a whole JSON body with its usage. */
    ANSWERED,
    /** No endpoint answered: {@link ForwardingException}, a 502 or 504 for a gateway's client. */
    FORWARDING_ERROR,
    /** The answer began, then broke: the client's read of the body fails (a stream cut short). */
    CUT_AFTER_HEADERS
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        // fault, whether it strikes only before any answer byte (then nothing may be lost)
        Arguments.of("frozen (SIGSTOP)", Fault.freeze(), true),
        Arguments.of("stops answering mid-request", Fault.stopMidRequest(), true),
        Arguments.of("accepts and never reads", Fault.acceptNeverRead(), true),
        Arguments.of("resets before answering", Fault.resetAfterBytes(0), true),
        Arguments.of("crashes on a request", Fault.crashOnRequest(), true),
        Arguments.of("stops answering mid-stream", Fault.stopMidStream(400), false),
        Arguments.of("resets mid-stream", Fault.resetAfterBytes(400), false));
  }

  @AfterEach
  void tearDown() {
    callers.shutdownNow();
    if (client != null) {
      client.close();
      health.close();
      outliers.close();
    }
    transport.close();
    proxies.forEach(FaultProxy::close);
    sims.forEach(SimServer::close);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void everyRequestAnsweredOrItsDocumentedError_inFlightBackToZero_endpointBackWithinTwoHealthIntervals(
      String name, Fault fault, boolean beforeAnswer) throws Exception {
    start();
    warmUp();

    proxies.get(0).fault(fault);
    List<Result> results = runRequests();

    assertThat(results).as("%s: %s", name, results).hasSize(REQUESTS);
    if (beforeAnswer) {
      assertThat(results).as("nothing lost to a fault before the answer began").containsOnly(Result.ANSWERED);
    } else {
      assertThat(results).as("the endpoint is ejected after a few cut answers").contains(Result.ANSWERED);
    }

    // Lift the fault: a crashed endpoint is restarted, as its supervisor would.
    proxies.get(0).fault(Fault.none());
    if (!proxies.get(0).isRunning()) {
      proxies.get(0).restart();
    }
    long lifted = System.nanoTime();
    awaitInFlightZero();
    awaitBackInRotation(lifted);
  }

  private void start() throws Exception {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SimServer sim = SimServer.openai("chat").baseLatency(Duration.ofMillis(20))
          .perTokenLatency(Duration.ofMillis(5)).start();
      sims.add(sim);
      FaultProxy p = FaultProxy.to(sim.port()).start();
      proxies.add(p);
      endpoints.add(Endpoint.builder("e" + i, p.baseUrl()).server("vllm").serves("chat:1").build());
    }
    registry.replace(List.of(ModelSpec.builder("chat", "1").operations(Set.of(Operation.CHAT)).build()), endpoints);
    outliers = OutlierDetector.builder(registry).build().start();
    health = HealthChecker.builder(registry).interval(HEALTH_INTERVAL).timeout(Duration.ofMillis(300))
        .addListener(outliers).build().start();
    Router router = Router.builder(registry).strategy(IN_ORDER)
        .addOutcomeListener(outliers).addFilter(outliers.halfOpenFilter()).build();
    client = RoutingClient.builder(router).transport(transport).retryBudget(RetryBudget.unlimited())
        .retryPolicy(RetryPolicy.builder().attemptTimeout(3, 0.99, Duration.ofMillis(300)).build())
        .build();
  }

  /** Teaches the client what each kind of answer usually takes on e0. */
  private void warmUp() throws Exception {
    for (int i = 0; i < 2 * RetryPolicy.MIN_SAMPLES; i++) {
      assertThat(call(i % 2 == 0)).isEqualTo(Result.ANSWERED);
    }
  }

  private List<Result> runRequests() throws Exception {
    List<Future<Result>> futures = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      boolean stream = i % 2 == 0;
      futures.add(callers.submit(() -> call(stream)));
    }
    List<Result> results = new ArrayList<>();
    for (Future<Result> f : futures) {
      results.add(f.get(30, TimeUnit.SECONDS));
    }
    return results;
  }

  /** One request, classified; anything but the three documented endings fails the test. */
  private Result call(boolean stream) throws IOException {
    ProxyResponse r;
    try {
      r = client.execute(chat(stream));
    } catch (ForwardingException e) {
      assertThat(e.httpStatus()).isIn(502, 504);
      return Result.FORWARDING_ERROR;
    }
    try (r) {
      assertThat(r.status()).isEqualTo(200);
      String body;
      try {
        body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException cut) {
        return Result.CUT_AFTER_HEADERS;
      }
      if (stream) {
        if (!body.endsWith("data: [DONE]\n\n")) {
          return Result.CUT_AFTER_HEADERS;
        }
      } else {
        assertThat(body).contains("\"usage\"");
      }
      return Result.ANSWERED;
    }
  }

  private void awaitInFlightZero() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; i < 3; i++) {
      EndpointState s = registry.snapshot().state("e" + i);
      while (s.inFlight() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(s.inFlight()).as("in flight on e%d", i).isZero();
    }
  }

  /** Waits for e0 to take a request again, and checks that it did so within two health intervals. */
  private void awaitBackInRotation(long liftedNanos) throws Exception {
    long deadline = liftedNanos + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      EndpointState s = registry.snapshot().state("e0");
      if (s.status().routable()) {
        long back = System.nanoTime() - liftedNanos;
        assertThat(back).as("back in rotation after %d ms", back / 1_000_000)
            .isLessThanOrEqualTo(2 * HEALTH_INTERVAL.toNanos());
        try (ProxyResponse r = client.execute(chat(false))) {
          r.body().readAllBytes();
          assertThat(r.endpoint().id()).as("e0 takes traffic again").isEqualTo("e0");
        }
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("e0 not back in rotation: " + registry.snapshot().state("e0"));
  }

  private static ProxyRequest chat(boolean stream) {
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":10,"
        + "\"stream\":" + stream + "}";
    return ProxyRequest.builder("/v1/chat/completions",
            RouteRequest.builder("chat").stream(stream).latencyBudget(BUDGET).build())
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
