package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.testing.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Fleet failures and overload, end to end: each test runs its own fleet and gateway on 127.0.0.1. */
class GatewayFailoverTest {

  private static final String CHAT =
      "{\"model\":\"demo-chat\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

  record Result(long startNanos, int status, String endpoint) {}

  @Test
  void endpointKilledMidRun_requestsKeepBeingAnsweredByTheOthers() throws Exception {
    DemoFleet fleet = DemoFleet.start(0.2);
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(fleet.registry());
    try (GatewayApp app = GatewayApp.start(GatewayApp.demoConfig(0), registry, DemoFleet.authenticator(), fleet)) {
      Http http = new Http(app.baseUrl());
      ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        workers.add(pool.submit(() -> {
          while (!stop.get()) {
            long start = System.nanoTime();
            int status;
            String endpoint;
            try {
              HttpResponse<String> r = http.post("/v1/chat/completions", CHAT, bearer("sk-demo", "x-modelrouter-model-version", "1"));
              status = r.statusCode();
              endpoint = r.headers().firstValue("x-modelrouter-endpoint").orElse("-");
            } catch (Exception e) {
              status = 0;
              endpoint = "-";
            }
            results.add(new Result(start - t0, status, endpoint));
          }
          return null;
        }));
      }
      long killStarted;
      long killedAt;
      try {
        Await.until("chat-fast answered a request",
            () -> results.stream().anyMatch(r -> r.endpoint().equals("chat-fast")));
        killStarted = System.nanoTime() - t0;
        fleet.server("chat-fast").kill();
        killedAt = System.nanoTime() - t0;
        long settledFrom = killedAt + 500_000_000L;
        Await.until("30 answers to requests sent half a second after the kill",
            () -> results.stream().filter(r -> r.startNanos() > settledFrom).count() >= 30);
      } finally {
        stop.set(true);
      }
      for (Future<?> f : workers) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();

      List<Result> before = results.stream().filter(r -> r.startNanos() < killStarted).toList();
      List<Result> settled = results.stream().filter(r -> r.startNanos() > killedAt + 500_000_000L).toList();
      assertThat(before).anyMatch(r -> r.endpoint().equals("chat-fast"));
      // Half a second after the kill every request is answered, by the endpoints still alive.
      assertThat(settled).hasSizeGreaterThan(20);
      assertThat(settled).allSatisfy(r -> {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.endpoint()).isIn("chat-mid", "chat-slow");
      });
      // Only requests caught on chat-fast's connections when it died fail, and they fail as 502
      // (no endpoint answered), never silently: one per worker at most on each side of the kill.
      List<Result> failed = results.stream().filter(r -> r.status() != 200).toList();
      assertThat(failed).hasSizeLessThanOrEqualTo(12).allSatisfy(r -> assertThat(r.status()).isEqualTo(502));
      assertThat(app.handler().metricsText()).contains("modelrouter_endpoint_routable{endpoint=\"chat-fast\"}");
    }
  }

  @Test
  void overload_shedsSheddableRequestsWith503AndRetryAfterWhileCriticalOnesPass() throws Exception {
    DemoFleet fleet = DemoFleet.start(1.0);
    fleet.server("clf-a").baseLatency(Duration.ofMillis(1000));
    fleet.server("clf-b").baseLatency(Duration.ofMillis(1000));
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(fleet.registry());
    try (GatewayApp app = GatewayApp.start(withMaxInFlight(GatewayApp.demoConfig(0), 4), registry, DemoFleet.authenticator(), fleet)) {
      Http http = new Http(app.baseUrl());
      String body = "{\"inputs\":[{\"name\":\"input__0\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}";
      ExecutorService pool = Executors.newFixedThreadPool(12);
      try {
        List<Future<HttpResponse<String>>> sheddable = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          sheddable.add(pool.submit(() -> http.post("/v2/models/demo-classifier/infer", body,
              bearer("sk-demo", "x-modelrouter-priority", "sheddable"))));
        }
        Await.until("three sheddable requests at the classifiers",
            () -> fleet.server("clf-a").runningCount() + fleet.server("clf-b").runningCount() >= 3);
        Future<HttpResponse<String>> critical = pool.submit(() -> http.post("/v2/models/demo-classifier/infer", body,
            bearer("sk-demo", "x-modelrouter-priority", "critical")));
        int shed = 0;
        int ok = 0;
        for (Future<HttpResponse<String>> f : sheddable) {
          HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
          if (r.statusCode() == 503) {
            shed++;
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            assertThat(r.headers().firstValue("x-modelrouter-reason")).hasValue("overloaded");
            assertThat(Http.json(r).get("error").asString()).contains("overloaded");
          } else {
            assertThat(r.statusCode()).isEqualTo(200);
            ok++;
          }
        }
        // maxInFlight 4: sheddable requests are refused from 3 in flight (75%); the critical one
        // may have taken a slot first on a slow machine.
        assertThat(ok).isBetween(1, 3);
        assertThat(shed).isEqualTo(10 - ok);
        assertThat(critical.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static GatewayConfig withMaxInFlight(GatewayConfig c, int limit) {
    return c.withServer(c.server().withMaxInFlight(limit));
  }
}
