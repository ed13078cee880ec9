package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway started from a configuration file with every section, showing that each setting takes
 * effect: the strategies chosen, hedging, and the outlier ejection time.
 */
class GatewaySettingsEndToEndTest {

  private static final String KEY = "sk-settings";

  @TempDir Path dir;

  /** A configuration with every section; {@code %s} placeholders are filled by each test. */
  private static final String CONFIG = """
      gateway: {port: 0, requestTimeoutMs: 20000, drainTimeoutMs: 1000}
      routing:
        strategy: roundRobin
        models:
          weighted: weightedRoundRobin
          assistant: weightedRoundRobin
        deadlinePolicy: %s
        loadShedding: {shed: [%s], queueDepth: 10, concurrency: 0.5}
      forwarding:
        maxAttempts: 2
        retryBudget: {ratio: 1.0, minPerSecond: 100}
        hedging: %s
        connectTimeoutMs: 1000
      health: {enabled: true, intervalMs: %d, unhealthyThreshold: 2}
      outliers: {consecutiveFailures: 3, maxEjectedShare: 0.5, baseEjectionTimeMs: %d, sweepIntervalMs: 50}
      scraping: {enabled: false}
      tenants:
        - name: t
          keys: ["%s"]
          models: ["*"]
      models:
        - {name: plain, version: "1"}
        - {name: weighted, version: "1"}
      routes:
        - {name: assistant, targets: [{model: plain}]}
      endpoints:
      %s
      """;

  /** The settings each test varies; the rest of {@link #CONFIG} stays. */
  private record Knobs(String deadlinePolicy, String shed, String hedging, long healthIntervalMs, long ejectionMs) {
    static final Knobs BASE = new Knobs("BEST_EFFORT", "", "{mode: off}", 60000, 30000);

    Knobs deadlinePolicy(String p) {
      return new Knobs(p, shed, hedging, healthIntervalMs, ejectionMs);
    }

    Knobs shed(String priorities) {
      return new Knobs(deadlinePolicy, priorities, hedging, healthIntervalMs, ejectionMs);
    }

    Knobs hedging(String h) {
      return new Knobs(deadlinePolicy, shed, h, healthIntervalMs, ejectionMs);
    }

    Knobs healthIntervalMs(long ms) {
      return new Knobs(deadlinePolicy, shed, hedging, ms, ejectionMs);
    }

    Knobs ejectionMs(long ms) {
      return new Knobs(deadlinePolicy, shed, hedging, healthIntervalMs, ms);
    }
  }

  private ConfiguredGateway start(Knobs k, String endpoints) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, CONFIG.formatted(
        k.deadlinePolicy(), k.shed(), k.hedging(), k.healthIntervalMs(), k.ejectionMs(), ApiKeyAuthenticator.hash(KEY),
        endpoints.indent(2)));
    return ConfiguredGateway.start(GatewayConfig.read(file));
  }

  private static String endpoint(String id, SimServer s, String model, int weight) {
    return "- {id: " + id + ", url: \"" + s.baseUrl() + "\", serves: [" + model + "], weight: " + weight + "}\n";
  }

  private static HttpResponse<String> chat(Http http, String model) throws Exception {
    return http.post("/v1/chat/completions",
        "{\"model\":\"" + model + "\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        bearer(KEY));
  }

  private static String servedBy(HttpResponse<String> r) {
    return r.headers().firstValue("x-modelrouter-endpoint").orElse("-");
  }

  @Test
  void routing_defaultStrategyAndPerModelAndPerRouteOverrides_giveTheirDistributions() throws Exception {
    try (SimServer a = SimServer.openai("plain").start();
        SimServer b = SimServer.openai("plain").start();
        SimServer heavy = SimServer.openai("weighted").start();
        SimServer light = SimServer.openai("weighted").start();
        ConfiguredGateway gw = start(Knobs.BASE,
            endpoint("a", a, "plain", 300) + endpoint("b", b, "plain", 100)
                + endpoint("heavy", heavy, "weighted", 300) + endpoint("light", light, "weighted", 100))) {
      Http http = new Http(gw.app().baseUrl());
      Map<String, Integer> plain = new TreeMap<>();
      Map<String, Integer> weighted = new TreeMap<>();
      Map<String, Integer> viaRoute = new TreeMap<>();
      // One name at a time: a route and its target model share the version's rotation counter.
      for (var e : List.of(Map.entry("plain", plain), Map.entry("weighted", weighted), Map.entry("assistant", viaRoute))) {
        for (int i = 0; i < 40; i++) {
          HttpResponse<String> r = chat(http, e.getKey());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          e.getValue().merge(servedBy(r), 1, Integer::sum);
        }
      }
      // roundRobin (the default) alternates whatever the weights; weightedRoundRobin, set for the
      // model "weighted" and for the route "assistant" (to the same endpoints as "plain"), honours
      // 3:1 exactly over each cycle of its stride: within one pick when it starts mid-cycle.
      assertThat(plain).isEqualTo(Map.of("a", 20, "b", 20));
      assertThat(weighted).isEqualTo(Map.of("heavy", 30, "light", 10));
      assertThat(viaRoute.get("a")).isBetween(29, 31);
      assertThat(viaRoute.get("a") + viaRoute.get("b")).isEqualTo(40);
    }
  }

  @Test
  void forwarding_hedging_rescuesRequestsSentToASlowEndpoint_afterAFixedDelayOrALatencyMultiple() throws Exception {
    try (SimServer slow = SimServer.openai("plain").baseLatency(Duration.ofSeconds(3)).start();
        SimServer fast = SimServer.openai("plain").start()) {
      String endpoints = endpoint("slow", slow, "plain", 100) + endpoint("fast", fast, "plain", 100);
      for (String hedging : new String[] {"{mode: fixed, delayMs: 100}", "{mode: latencyMultiple, multiple: 2, minDelayMs: 50}"}) {
        try (ConfiguredGateway hedged = start(Knobs.BASE.hedging(hedging), endpoints)) {
          Http http = new Http(hedged.app().baseUrl());
          long slowBefore = slow.requestCount();
          for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = chat(http, "plain");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            // roundRobin sends every other first attempt to the slow endpoint; the hedge answers first.
            assertThat(servedBy(r)).as(hedging).isEqualTo("fast");
          }
          assertThat(slow.requestCount()).as("first attempts on the slow endpoint").isGreaterThan(slowBefore);
        }
      }
      try (ConfiguredGateway unhedged = start(Knobs.BASE, endpoints)) {
        Http http = new Http(unhedged.app().baseUrl());
        assertThat(List.of(servedBy(chat(http, "plain")), servedBy(chat(http, "plain"))))
            .containsExactlyInAnyOrder("slow", "fast");
      }
    }
  }

  @Test
  void routing_deadlinePolicy_rejectsAnUnmeetableBudgetAtOnce_orRoutesItAnyway() throws Exception {
    try (SimServer slow = SimServer.openai("plain").baseLatency(Duration.ofMillis(400)).start()) {
      String endpoints = endpoint("slow", slow, "plain", 100);
      for (String policy : new String[] {"REJECT", "BEST_EFFORT"}) {
        try (ConfiguredGateway gw = start(Knobs.BASE.deadlinePolicy(policy), endpoints)) {
          Http http = new Http(gw.app().baseUrl());
          assertThat(chat(http, "plain").statusCode()).isEqualTo(200); // teaches the gateway the endpoint's latency
          long before = slow.requestCount();

          HttpResponse<String> r = http.post("/v1/chat/completions",
              "{\"model\":\"plain\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
              bearer(KEY, "x-modelrouter-latency-budget-ms", "50"));

          assertThat(r.statusCode()).as(policy).isEqualTo(504);
          if (policy.equals("REJECT")) {
            assertThat(r.headers().firstValue("x-modelrouter-reason")).hasValue("deadline_unmeetable");
            assertThat(slow.requestCount()).as("never forwarded").isEqualTo(before);
          } else {
            assertThat(slow.requestCount()).as("forwarded, then timed out").isEqualTo(before + 1);
          }
        }
      }
    }
  }

  @Test
  void routing_loadShedding_refusesSheddableRequestsWhileTheEndpointIsSaturated_unlessNoneAreShed() throws Exception {
    try (SimServer slow = SimServer.openai("plain").baseLatency(Duration.ofSeconds(2)).start()) {
      // maxConcurrency 4 with concurrency 0.5: saturated at 2 requests in flight.
      String endpoints = "- {id: slow, url: \"" + slow.baseUrl() + "\", serves: [plain], maxConcurrency: 4}\n";
      for (String shed : new String[] {"SHEDDABLE", ""}) {
        try (ConfiguredGateway gw = start(Knobs.BASE.shed(shed), endpoints)) {
          Http http = new Http(gw.app().baseUrl());
          java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
          try {
            for (int i = 0; i < 2; i++) {
              pool.submit(() -> chat(http, "plain"));
            }
            Await.until("two requests in flight", () -> slow.runningCount() == 2);

            HttpResponse<String> r = http.post("/v1/chat/completions",
                "{\"model\":\"plain\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                bearer(KEY, "x-modelrouter-priority", "sheddable"));

            if (shed.isEmpty()) {
              assertThat(r.statusCode()).as("nothing shed").isEqualTo(200);
            } else {
              assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
              assertThat(r.headers().firstValue("retry-after")).isPresent();
            }
          } finally {
            pool.shutdown();
            pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
          }
        }
      }
    }
  }

  @Test
  void health_interval_decidesHowSoonAFailingHealthCheckTakesAnEndpointOut() throws Exception {
    try (SimServer sick = SimServer.openai("plain").start();
        SimServer good = SimServer.openai("plain").start()) {
      String endpoints = endpoint("sick", sick, "plain", 100) + endpoint("good", good, "plain", 100);
      for (long interval : new long[] {100, 60000}) {
        sick.healthy(true);
        try (ConfiguredGateway gw = start(Knobs.BASE.healthIntervalMs(interval), endpoints)) {
          Http http = new Http(gw.app().baseUrl());
          assertThat(servedBy(chat(http, "plain"))).isNotEqualTo("-");
          sick.healthy(false); // its health route answers 503; inference still works
          boolean takenOut = Await.holdsWithin(Duration.ofSeconds(3), () -> {
            long before = sick.requestCount();
            for (int i = 0; i < 4; i++) {
              chat(http, "plain");
            }
            return sick.requestCount() == before;
          });
          assertThat(takenOut).as("interval " + interval + " ms").isEqualTo(interval == 100);
        }
      }
    }
  }

  @Test
  void outliers_baseEjectionTime_decidesWhenAFailingEndpointIsTriedAgain() throws Exception {
    try (SimServer flaky = SimServer.openai("plain").start();
        SimServer good = SimServer.openai("plain").start()) {
      String endpoints = endpoint("flaky", flaky, "plain", 100) + endpoint("good", good, "plain", 100);
      assertThat(ejectedThenRecovered(flaky, start(Knobs.BASE.ejectionMs(500), endpoints), Duration.ofSeconds(10))).isTrue();
      assertThat(ejectedThenRecovered(flaky, start(Knobs.BASE.ejectionMs(60000), endpoints), Duration.ofSeconds(3))).isFalse();
    }
  }

  /**
   * Fails {@code flaky} until the gateway ejects it, heals it, and says whether it gets traffic
   * again within {@code wait}.
   */
  private static boolean ejectedThenRecovered(SimServer flaky, ConfiguredGateway gw, Duration wait) throws Exception {
    try (gw) {
      Http http = new Http(gw.app().baseUrl());
      flaky.failureRate(1.0);
      // Three failures in a row eject it (the clients of those see its 500s).
      assertThat(Await.holdsWithin(Duration.ofSeconds(10), () -> {
        long before = flaky.requestCount();
        for (int i = 0; i < 4; i++) {
          chat(http, "plain");
        }
        return flaky.requestCount() == before;
      })).as("flaky ejected").isTrue();
      flaky.failureRate(0);
      return Await.holdsWithin(wait, () -> {
        long before = flaky.requestCount();
        assertThat(chat(http, "plain").statusCode()).isEqualTo(200);
        return flaky.requestCount() > before;
      });
    }
  }

}
