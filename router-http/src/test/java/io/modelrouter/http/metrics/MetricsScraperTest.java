package io.modelrouter.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsScraperTest {

  private static final HttpClient JDK = HttpClient.newHttpClient();

  @Test
  void builder_rejectsOutOfRangeSettingsWithWhatWasExpected() {
    MetricsScraper.Builder builder = MetricsScraper.builder(InMemoryRegistry.create());
    assertThatThrownBy(() -> builder.jitter(1.0)).hasMessage("jitter: 1.0 (expected: 0 <= jitter < 1)");
    assertThatThrownBy(() -> builder.interval(Duration.ZERO)).hasMessage("interval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder.path("metrics"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path: 'metrics' (expected: an absolute path)");
  }

  @Test
  void scrapeNow_storesTheSimulatorsQueueAndCache() throws Exception {
    try (SimServer sim = SimServer.openai("m").capacity(1).kvCacheTokens(1000).adapters("sql").start()) {
      InMemoryRegistry registry = registry(Endpoint.builder("a", sim.baseUrl()).server("vllm").serves("m:1").build());
      long[] now = {1_000};
      try (MetricsScraper scraper = MetricsScraper.builder(registry).ticker(() -> now[0]).build()) {
        sim.hang(true);
        List<CompletableFuture<HttpResponse<String>>> calls = List.of(send(sim, "sql"), send(sim, "m"), send(sim, "m"));
        Await.until("one request running and two waiting", () -> sim.runningCount() == 1 && sim.waitingCount() == 2);

        scraper.scrapeNow().get(5, TimeUnit.SECONDS);

        EndpointState s = registry.snapshot().state("a");
        assertThat(s.queueDepth()).isEqualTo(2);
        assertThat(s.running()).isEqualTo(1);
        assertThat(s.kvCacheUsage()).isGreaterThan(0).isEqualTo(sim.kvCacheUsage());
        assertThat(s.serverMetricsStampNanos()).isEqualTo(1_000);
        assertThat(s.loadedAdapters()).hasSizeLessThanOrEqualTo(1);
        sim.hang(false);
        for (CompletableFuture<HttpResponse<String>> c : calls) {
          assertThat(c.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
      }
    }
  }

  @Test
  void scrapeNow_readsTritonMetricsOfAnOipSimulator() throws Exception {
    try (SimServer sim = SimServer.oip("cls").start()) {
      InMemoryRegistry registry = registry(Endpoint.builder("t", sim.baseUrl()).server("triton")
          .protocol(io.modelrouter.Protocol.OIP).serves("m:1").build());
      try (MetricsScraper scraper = MetricsScraper.builder(registry).build()) {
        scraper.scrapeNow().get(5, TimeUnit.SECONDS);
        EndpointState s = registry.snapshot().state("t");
        assertThat(s.hasServerMetrics()).isTrue();
        assertThat(s.queueDepth()).isZero();
        assertThat(s.kvCacheUsage()).isZero();
      }
    }
  }

  @Test
  void scrapeNow_clearsSignalsOnceTheyAreStale() throws Exception {
    try (SimServer sim = SimServer.openai("m").start()) {
      InMemoryRegistry registry = registry(Endpoint.builder("a", sim.baseUrl()).server("vllm").serves("m:1").build());
      long[] now = {0};
      try (MetricsScraper scraper = MetricsScraper.builder(registry).ticker(() -> now[0])
          .staleAfter(Duration.ofSeconds(3)).timeout(Duration.ofMillis(500)).build()) {
        scraper.scrapeNow().get(5, TimeUnit.SECONDS);
        EndpointState s = registry.snapshot().state("a");
        assertThat(s.queueDepth()).isZero();

        sim.kill();
        now[0] = TimeUnit.SECONDS.toNanos(2);
        scraper.scrapeNow().get(5, TimeUnit.SECONDS);
        assertThat(s.queueDepth()).as("younger than the limit: kept").isZero();

        now[0] = TimeUnit.SECONDS.toNanos(4);
        scraper.scrapeNow().get(5, TimeUnit.SECONDS);
        assertThat(s.queueDepth()).isEqualTo(-1);
        assertThat(s.running()).isEqualTo(-1);
        assertThat(s.kvCacheUsage()).isNaN();
        assertThat(s.serverMetricsFresh(now[0], TimeUnit.SECONDS.toNanos(3))).isFalse();
      }
    }
  }

  private static InMemoryRegistry registry(Endpoint... endpoints) {
    InMemoryRegistry r = InMemoryRegistry.create();
    r.replace(List.of(ModelSpec.builder("m", "1").build()), List.of(endpoints));
    return r;
  }

  private static CompletableFuture<HttpResponse<String>> send(SimServer sim, String model) {
    String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}";
    return JDK.sendAsync(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
