package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RetryBudget;
import io.modelrouter.http.RetryPolicy;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.health.HealthChecker;
import io.modelrouter.http.outlier.OutlierDetector;
import io.modelrouter.simulator.Fault;
import io.modelrouter.simulator.FaultProxy;
import io.modelrouter.testing.Await;
import io.modelrouter.testing.SimFleet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  private SimFleet fleet;
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
    if (fleet != null) {
      fleet.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void everyRequestAnsweredOrItsDocumentedError_inFlightBackToZero_endpointBackWithinTwoHealthIntervals(
      String name, Fault fault, boolean beforeAnswer) throws Exception {
    start();
    warmUp();

    FaultProxy first = fleet.proxy("chat-0");
    first.fault(fault);
    List<Result> results = runRequests();

    assertThat(results).as("%s: %s", name, results).hasSize(REQUESTS);
    if (beforeAnswer) {
      assertThat(results).as("nothing lost to a fault before the answer began").containsOnly(Result.ANSWERED);
    } else {
      assertThat(results).as("the endpoint is ejected after a few cut answers").contains(Result.ANSWERED);
    }

    // Lift the fault: a crashed endpoint is restarted, as its supervisor would.
    first.fault(Fault.none());
    if (!first.isRunning()) {
      first.restart();
    }
    long lifted = System.nanoTime();
    fleet.awaitNoneInFlight();
    awaitBackInRotation(lifted);
  }

  private void start() throws Exception {
    fleet = SimFleet.builder()
        .openai("chat", 3, server -> server.baseLatency(Duration.ofMillis(20)).perTokenLatency(Duration.ofMillis(5)))
        .faultProxies().start();
    outliers = OutlierDetector.builder(fleet.registry()).build().start();
    health = HealthChecker.builder(fleet.registry()).interval(HEALTH_INTERVAL).timeout(Duration.ofMillis(300))
        .addListener(outliers).build().start();
    Router router = Router.builder(fleet.registry()).strategy(fleet.inOrder())
        .addOutcomeListener(outliers).addFilter(outliers.halfOpenFilter()).build();
    client = RoutingClient.builder(router).transport(transport).retryBudget(RetryBudget.unlimited())
        .retryPolicy(RetryPolicy.builder().attemptTimeout(3, 0.99, Duration.ofMillis(300)).build())
        .build();
  }

  /** Teaches the client what each kind of answer usually takes on chat-0. */
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

  /** Waits for chat-0 to take a request again, and checks that it did so within two health intervals. */
  private void awaitBackInRotation(long liftedNanos) throws Exception {
    Await.until("chat-0 back in rotation", () -> fleet.state("chat-0").status().routable());
    long back = System.nanoTime() - liftedNanos;
    assertThat(back).as("back in rotation after %d ms", back / 1_000_000)
        .isLessThanOrEqualTo(2 * HEALTH_INTERVAL.toNanos());
    try (ProxyResponse r = client.execute(chat(false))) {
      r.body().readAllBytes();
      assertThat(r.endpoint().id()).as("chat-0 takes traffic again").isEqualTo("chat-0");
    }
  }

  private static ProxyRequest chat(boolean stream) {
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":10,"
        + "\"stream\":" + stream + "}";
    return ProxyRequest.builder("/v1/chat/completions",
            RouteRequest.builder("chat").stream(stream).latencyBudget(BUDGET).build())
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }
}
