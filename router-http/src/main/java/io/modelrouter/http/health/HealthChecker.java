package io.modelrouter.http.health;

import static io.modelrouter.http.internal.Args.fraction;
import static io.modelrouter.http.internal.Args.positive;
import static io.modelrouter.http.internal.Args.atLeastOne;

import io.modelrouter.Protocol;
import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.http.internal.EndpointRounds;
import io.modelrouter.http.internal.Probe;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelRef;
import io.modelrouter.registry.ModelRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Probes every endpoint of the registry on an interval and moves it between
 * {@link EndpointStatus#HEALTHY} and {@link EndpointStatus#UNHEALTHY}: after
 * {@code unhealthyThreshold} failed probes in a row it stops taking traffic, after
 * {@code healthyThreshold} passed probes in a row it takes traffic again. A probe passes when every
 * URL of the endpoint's protocol answers 2xx within the timeout:
 *
 * <ul>
 *   <li>OpenAI-compatible servers (vLLM, SGLang, TGI): {@code GET /health};
 *   <li>Open Inference Protocol servers (Triton, KServe): {@code GET /v2/health/ready} and
 *       {@code GET /v2/models/{name}/ready} for each model it serves.
 * </ul>
 *
 * <p>A {@linkplain EndpointStatus#DRAINING draining} endpoint is left alone; an
 * {@linkplain EndpointStatus#EJECTED ejected} one that fails its probes becomes unhealthy.
 * Thread-safe.
 */
public final class HealthChecker implements AutoCloseable {

  /** Time between probes: 5 s, as in Envoy's and Kubernetes' usual settings. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** Deadline of one probe: 1 s; a health route slower than that is a failing server. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  /** Failed probes in a row before an endpoint is unhealthy: 3, so one lost packet does not drop it. */
  public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

  /** Passed probes in a row before an unhealthy endpoint takes traffic again: 2. */
  public static final int DEFAULT_HEALTHY_THRESHOLD = 2;

  /** Share of the interval added or removed at random, so a fleet is not probed in lockstep: 0.1. */
  public static final double DEFAULT_JITTER = 0.1;

  private final EndpointRounds rounds;
  private final OkHttpClient http;
  private final Duration timeout;
  private final int unhealthyThreshold;
  private final int healthyThreshold;
  private final Ticker ticker;
  private final Map<String, int[]> runs = new ConcurrentHashMap<>();
  private final ProbeListener[] listeners;

  private HealthChecker(Builder b) {
    this.rounds = new EndpointRounds("modelrouter-health", b.registry, b.http, b.timeout, b.interval, b.jitter,
        endpoints -> runs.keySet().retainAll(idsOf(endpoints)),
        (e, state) -> probe(e).thenAccept(ok -> apply(e, state, ok)));
    this.http = rounds.http();
    this.timeout = b.timeout;
    this.unhealthyThreshold = b.unhealthyThreshold;
    this.healthyThreshold = b.healthyThreshold;
    this.ticker = b.ticker;
    this.listeners = b.listeners.toArray(new ProbeListener[0]);
  }

  /** Starts a checker of the endpoints in {@code registry}'s current snapshot. */
  public static Builder builder(ModelRegistry registry) {
    return new Builder(registry);
  }

  /** Starts probing every interval; the first round runs at once. */
  public HealthChecker start() {
    rounds.start();
    return this;
  }

  /**
   * Probes every endpoint once and applies the results.
   *
   * @return a future completed when every probe of this round was applied; never exceptional
   */
  public CompletableFuture<Void> checkNow() {
    return rounds.round();
  }

  /** The URLs whose 2xx answers make a probe of this endpoint pass. */
  static List<String> probeUrls(Endpoint e) {
    String base = e.baseUrl().toString();
    List<String> urls = new ArrayList<>();
    if (e.protocol() == Protocol.OIP) {
      urls.add(Probe.targetUrl(base, "/v2/health/ready"));
      Set<String> models = new LinkedHashSet<>();
      for (ModelRef ref : e.serves()) {
        models.add(ref.model());
      }
      for (String m : models) {
        urls.add(Probe.targetUrl(base, "/v2/models/" + m + "/ready"));
      }
    } else {
      urls.add(Probe.targetUrl(base, "/health"));
    }
    return urls;
  }

  private CompletableFuture<Boolean> probe(Endpoint e) {
    List<String> urls = probeUrls(e);
    CompletableFuture<Boolean> result = Probe.get(http, urls.get(0), timeout, 0).thenApply(Probe.Result::ok);
    for (int i = 1; i < urls.size(); i++) {
      String url = urls.get(i);
      result = result.thenCompose(ok -> ok
          ? Probe.get(http, url, timeout, 0).thenApply(Probe.Result::ok)
          : CompletableFuture.completedFuture(false));
    }
    return result;
  }

  private void apply(Endpoint e, EndpointState state, boolean ok) {
    int[] run = runs.computeIfAbsent(e.id(), id -> new int[2]); // [passed in a row, failed in a row]
    EndpointStatus status = state.status();
    synchronized (run) {
      if (ok) {
        run[0]++;
        run[1] = 0;
        if (status == EndpointStatus.UNHEALTHY && run[0] >= healthyThreshold) {
          state.setStatus(EndpointStatus.HEALTHY, ticker.nanoTime());
        }
      } else {
        run[1]++;
        run[0] = 0;
        if (status != EndpointStatus.DRAINING && status != EndpointStatus.UNHEALTHY && run[1] >= unhealthyThreshold) {
          state.setStatus(EndpointStatus.UNHEALTHY, ticker.nanoTime());
        }
      }
    }
    for (ProbeListener l : listeners) {
      l.onProbe(e, state, ok);
    }
  }

  private static Set<String> idsOf(List<Endpoint> endpoints) {
    Set<String> ids = new java.util.HashSet<>();
    for (Endpoint e : endpoints) {
      ids.add(e.id());
    }
    return ids;
  }

  /** Stops probing and, when the checker made its own OkHttp client, its threads. */
  @Override
  public void close() {
    rounds.close();
  }

  @Override
  public String toString() {
    return "HealthChecker{unhealthy after " + unhealthyThreshold + ", healthy after " + healthyThreshold + '}';
  }

  /** Builds a {@link HealthChecker}; every setter checks its argument. */
  public static final class Builder {
    private final ModelRegistry registry;
    private @Nullable OkHttpClient http;
    private Duration interval = DEFAULT_INTERVAL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int unhealthyThreshold = DEFAULT_UNHEALTHY_THRESHOLD;
    private int healthyThreshold = DEFAULT_HEALTHY_THRESHOLD;
    private double jitter = DEFAULT_JITTER;
    private Ticker ticker = Ticker.system();
    private final List<ProbeListener> listeners = new ArrayList<>();

    private Builder(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Time between probes; {@link #DEFAULT_INTERVAL} by default. */
    public Builder interval(Duration interval) {
      this.interval = positive(interval, "interval");
      return this;
    }

    /** Deadline of one probe; {@link #DEFAULT_TIMEOUT} by default. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** Failed probes in a row before unhealthy; {@value #DEFAULT_UNHEALTHY_THRESHOLD} by default. */
    public Builder unhealthyThreshold(int n) {
      this.unhealthyThreshold = atLeastOne(n, "unhealthyThreshold");
      return this;
    }

    /** Passed probes in a row before healthy again; {@value #DEFAULT_HEALTHY_THRESHOLD} by default. */
    public Builder healthyThreshold(int n) {
      this.healthyThreshold = atLeastOne(n, "healthyThreshold");
      return this;
    }

    /** Share of the interval added or removed at random; {@value #DEFAULT_JITTER} by default. */
    public Builder jitter(double jitter) {
      this.jitter = fraction(jitter, "jitter");
      return this;
    }

    /** The OkHttp client to probe with; by default the checker makes (and closes) its own. */
    public Builder okHttpClient(OkHttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The clock for status changes; use the router's. The system ticker by default. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Adds a listener for every probe's result, such as an {@code OutlierDetector}, which then
     * returns an ejected endpoint half-open as soon as it passes a probe.
     */
    public Builder addListener(ProbeListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** A checker; {@link HealthChecker#start()} it or drive it with {@link HealthChecker#checkNow()}. */
    public HealthChecker build() {
      return new HealthChecker(this);
    }
  }
}
