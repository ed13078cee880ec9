package io.modelrouter.http.metrics;

import static io.modelrouter.http.internal.Args.fraction;
import static io.modelrouter.http.internal.Args.positive;

import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointState;
import io.modelrouter.http.internal.EndpointRounds;
import io.modelrouter.http.internal.Probe;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Scrapes every endpoint's Prometheus {@code /metrics} and writes the load signals
 * ({@link ServerMetrics}: waiting and running requests, KV-cache use, loaded LoRA adapters) into
 * its {@link EndpointState} with the time of the scrape, reading each endpoint's metrics under the
 * names of its {@linkplain Endpoint#server() server kind}. When an endpoint's metrics are older
 * than the staleness limit (its scrapes fail), its signals are cleared to unknown, never left to
 * look like the last good reading.
 *
 * <pre>{@code
 * try (MetricsScraper scraper = MetricsScraper.builder(registry).build()) {
 *   scraper.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. Rounds never overlap; the next starts one interval (with jitter) after the last
 * one ended.
 */
public final class MetricsScraper implements AutoCloseable {

  /**
   * Time between scrapes: 500 ms. An LLM server's queue changes on the scale of a decode batch;
   * twice a second keeps routing close to it at a negligible cost to the server.
   */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(500);

  /** How long one scrape may take: 1 s; a server slower than that to list its metrics is in trouble anyway. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  /** Age after which scraped signals count as unknown: 3 s, several missed scrapes at the default interval. */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(3);

  /** The largest metrics page read: 4 MiB (a vLLM page is tens of kilobytes). */
  public static final long MAX_BODY_BYTES = 4L << 20;

  private final EndpointRounds rounds;
  private final Duration timeout;
  private final long staleAfterNanos;
  private final String path;
  private final Ticker ticker;

  private MetricsScraper(Builder b) {
    this.rounds = new EndpointRounds("modelrouter-metrics", b.registry, b.http, b.timeout, b.interval, b.jitter,
        endpoints -> { }, this::scrape);
    this.timeout = b.timeout;
    this.staleAfterNanos = b.staleAfter.toNanos();
    this.path = b.path;
    this.ticker = b.ticker;
  }

  /** Starts a scraper of the endpoints in {@code registry}'s current snapshot. */
  public static Builder builder(ModelRegistry registry) {
    return new Builder(registry);
  }

  /** Starts scraping every interval; the first round runs at once. */
  public MetricsScraper start() {
    rounds.start();
    return this;
  }

  /**
   * Scrapes every endpoint of the current snapshot once and stores what it finds.
   *
   * @return a future completed when every scrape of this round has been stored; never exceptional
   */
  public CompletableFuture<Void> scrapeNow() {
    return rounds.round();
  }

  private CompletableFuture<?> scrape(Endpoint e, EndpointState state) {
    String url = Probe.targetUrl(e.baseUrl().toString(), path);
    return Probe.get(rounds.http(), url, timeout, MAX_BODY_BYTES).thenAccept(r -> store(e, state, r));
  }

  private void store(Endpoint e, EndpointState state, Probe.Result r) {
    long now = ticker.nanoTime();
    if (r.ok()) {
      ServerMetrics m = ServerMetrics.from(e.server(), PrometheusText.parse(r.body()));
      if (!m.isEmpty()) {
        state.updateServerMetrics(m.waiting(), m.running(), m.kvCacheUsage(), now);
        Set<String> adapters = m.adapters();
        if (adapters != null) {
          state.updateLoadedAdapters(adapters);
        }
        return;
      }
    }
    clearIfStale(state, now);
  }

  private void clearIfStale(EndpointState state, long now) {
    long stamp = state.serverMetricsStampNanos();
    boolean known = state.queueDepth() >= 0 || state.running() >= 0 || !Double.isNaN(state.kvCacheUsage());
    if (state.hasServerMetrics() && known && now - stamp > staleAfterNanos) {
      // Keep the old stamp: the signals are unknown, and stay stale.
      state.updateServerMetrics(-1, -1, Double.NaN, stamp);
      state.updateLoadedAdapters(Set.of());
    }
  }

  /** Stops scraping and, when the scraper made its own OkHttp client, its threads. */
  @Override
  public void close() {
    rounds.close();
  }

  @Override
  public String toString() {
    return "MetricsScraper{" + path + ", staleAfter=" + Duration.ofNanos(staleAfterNanos) + '}';
  }

  /** Builds a {@link MetricsScraper}; every setter checks its argument. */
  public static final class Builder {
    private final ModelRegistry registry;
    private @Nullable OkHttpClient http;
    private Duration interval = DEFAULT_INTERVAL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration staleAfter = DEFAULT_STALE_AFTER;
    private double jitter = 0.1;
    private String path = "/metrics";
    private Ticker ticker = Ticker.system();

    private Builder(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Time between rounds; {@link #DEFAULT_INTERVAL} by default. */
    public Builder interval(Duration interval) {
      this.interval = positive(interval, "interval");
      return this;
    }

    /** Deadline of one scrape; {@link #DEFAULT_TIMEOUT} by default. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** Age after which signals are cleared to unknown; {@link #DEFAULT_STALE_AFTER} by default. */
    public Builder staleAfter(Duration staleAfter) {
      this.staleAfter = positive(staleAfter, "staleAfter");
      return this;
    }

    /** Share of the interval added or removed at random so endpoints are not scraped in lockstep; 0.1 by default. */
    public Builder jitter(double jitter) {
      this.jitter = fraction(jitter, "jitter");
      return this;
    }

    /** The metrics path on each endpoint; {@code /metrics} by default. */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path: '" + path + "' (expected: an absolute path)");
      }
      this.path = path;
      return this;
    }

    /** The OkHttp client to scrape with; by default the scraper makes (and closes) its own. */
    public Builder okHttpClient(OkHttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The clock stamped on the signals; use the router's. The system ticker by default. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** A scraper; {@link MetricsScraper#start()} it or drive it with {@link MetricsScraper#scrapeNow()}. */
    public MetricsScraper build() {
      return new MetricsScraper(this);
    }
  }

}
