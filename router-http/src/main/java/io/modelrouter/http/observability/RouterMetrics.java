package io.modelrouter.http.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelrouter.Decision;
import io.modelrouter.Operation;
import io.modelrouter.Outcome;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointState;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.ForwardingObserver;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.gateway.CompletedRequest;
import io.modelrouter.http.gateway.RequestListener;
import io.modelrouter.http.outlier.OutlierDetector;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryListener;
import io.modelrouter.registry.RegistrySnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Routing and forwarding metrics recorded into a Micrometer {@link MeterRegistry} the embedder
 * passes: add it to a {@link io.modelrouter.http.RoutingClient} as an observer (and to a {@link
 * io.modelrouter.http.gateway.GatewayHandler} as a request listener for the gateway's own
 * refusals and per-tenant counts).
 *
 * <p>Under the OpenTelemetry GenAI conventions: {@code gen_ai.client.operation.duration} (s),
 * {@code gen_ai.client.token.usage} and {@code gen_ai.server.time_to_first_token} (s), with {@code
 * gen_ai.operation.name}, {@code gen_ai.provider.name}, {@code gen_ai.request.model}, {@code
 * gen_ai.response.model}, {@code server.address}, {@code server.port} (and {@code error.type},
 * {@code gen_ai.token.type}) and {@code modelrouter.route}, with the conventions' bucket
 * boundaries. Under {@code modelrouter.*}: routing decisions by route, model, endpoint and outcome;
 * rejections by reason; retries and hedges by route and model; ejections, requests in flight,
 * scraped queue and KV-cache use and routability per endpoint; gateway requests by tenant, route
 * and status. The route label is the registry route a request went through, empty when it named a
 * model. README's "Metrics, traces and logs" lists them as Prometheus names.
 *
 * <p>Every label value comes from the registry or the configuration: a model the registry does not
 * know never becomes one, so clients cannot grow the number of series. Thread-safe; close it to
 * remove its endpoint meters and stop following the registry.
 */
public final class RouterMetrics implements ForwardingObserver, RequestListener, AutoCloseable {

  /**
   * The route a request went through, on the GenAI meters (empty for a model named directly):
   * not a GenAI convention, so under our own namespace.
   */
  static final String ROUTE_ATTRIBUTE = "modelrouter.route";

  /** {@code gen_ai.client.operation.duration}'s bucket boundaries in seconds, as the conventions advise. */
  static final double[] DURATION_BUCKETS = {
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92
  };
  /** {@code gen_ai.server.time_to_first_token}'s bucket boundaries in seconds, as the conventions advise. */
  static final double[] TTFT_BUCKETS = {
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0
  };
  /** {@code gen_ai.client.token.usage}'s bucket boundaries, as the conventions advise. */
  static final double[] TOKEN_BUCKETS = {
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
  };

  private final MeterRegistry meters;
  private final ModelRegistry registry;
  private final @Nullable OutlierDetector outliers;
  private final Ticker ticker;
  private final RegistryListener follower = (previous, current) -> registryChanged(current);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Meter.MeterProvider<Timer> duration;
  private final Meter.MeterProvider<Timer> ttft;
  private final Meter.MeterProvider<DistributionSummary> tokens;
  private final Meter.MeterProvider<Counter> decisions;
  private final Meter.MeterProvider<Counter> rejections;
  private final Meter.MeterProvider<Counter> retries;
  private final Meter.MeterProvider<Counter> hedges;
  private final Meter.MeterProvider<Counter> gatewayRequests;
  /** Meters per endpoint id; guarded by itself. */
  private final Map<String, List<Meter>> endpointMeters = new HashMap<>();
  /** Resolved series by request kind and decision; emptied when the registry changes. */
  private final ConcurrentHashMap<SeriesKey, Series> series = new ConcurrentHashMap<>();
  /** Enough for every (operation, model, endpoint) of a large fleet; a bound all the same. */
  private static final int MAX_CACHED_SERIES = 16_384;
  private final Gauge inFlightGauge;

  private RouterMetrics(Builder b) {
    this.meters = b.meters;
    this.registry = b.registry;
    this.outliers = b.outliers;
    this.ticker = b.ticker;
    this.duration = Timer.builder("gen_ai.client.operation.duration")
        .description("GenAI operation duration: from the request's start to the end of its answer, retries and hedges included.")
        .serviceLevelObjectives(seconds(DURATION_BUCKETS))
        .withRegistry(meters);
    this.ttft = Timer.builder("gen_ai.server.time_to_first_token")
        .description("Time to the first byte of the answer (the first token of a stream), from the request's start.")
        .serviceLevelObjectives(seconds(TTFT_BUCKETS))
        .withRegistry(meters);
    this.tokens = DistributionSummary.builder("gen_ai.client.token.usage")
        .description("Input and output tokens of each answered request, as its usage reported them.")
        .serviceLevelObjectives(TOKEN_BUCKETS)
        .withRegistry(meters);
    this.decisions = Counter.builder("modelrouter.routing.decisions")
        .description("Attempts sent, by route (empty for a model named directly), model served, endpoint and outcome (success, client_error, overloaded, failure, timeout, cancelled).")
        .withRegistry(meters);
    this.rejections = Counter.builder("modelrouter.rejections")
        .description("Requests refused by the gateway or the router, or that no endpoint answered, by reason.")
        .withRegistry(meters);
    this.retries = Counter.builder("modelrouter.retries")
        .description("Retries sent to another endpoint, by route and model served.")
        .withRegistry(meters);
    this.hedges = Counter.builder("modelrouter.hedges")
        .description("Hedged copies sent to a second endpoint, by route and model served.")
        .withRegistry(meters);
    this.gatewayRequests = Counter.builder("modelrouter.gateway.requests")
        .description("API requests the gateway answered, by tenant, route (empty when none) and HTTP status.")
        .withRegistry(meters);
    this.inFlightGauge = Gauge.builder("modelrouter.requests.in.flight", inFlight, AtomicInteger::get)
        .description("Requests between their start and the end of their answer.")
        .register(meters);
    registry.addListener(follower);
    followEndpoints(registry.snapshot());
  }

  /** Starts metrics recorded into {@code meters}, with endpoint meters following {@code registry}. */
  public static Builder builder(MeterRegistry meters, ModelRegistry registry) {
    return new Builder(meters, registry);
  }

  // ------------------------------------------------------------------ forwarding

  @Override
  public Observation start(ProxyRequest request, String requestId) {
    inFlight.incrementAndGet();
    return new RequestMetrics(request, ticker.nanoTime());
  }

  /** One request's metrics: recorded when it ends, once. */
  private final class RequestMetrics implements Observation {
    private final ProxyRequest request;
    private final long startNanos;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile @Nullable Series last;

    RequestMetrics(ProxyRequest request, long startNanos) {
      this.request = request;
      this.startNanos = startNanos;
    }

    @Override
    public AttemptObservation attempt(Decision decision, int number, boolean hedge, BiConsumer<String, String> headers) {
      Series series = series(request, decision);
      last = series;
      if (hedge) {
        series.hedged();
      } else if (number > 1) {
        series.retried();
      }
      return series::decided;
    }

    @Override
    public void rejected(Rejection rejection) {
      if (end()) {
        rejections.withTags("reason", rejection.reason().code()).increment();
      }
    }

    @Override
    public void failed(ForwardingException failure) {
      if (!end()) {
        return;
      }
      RejectionReason reason = failure.httpStatus() == 504 ? RejectionReason.DEADLINE_UNMEETABLE
          : RejectionReason.NO_HEALTHY_ENDPOINT;
      rejections.withTags("reason", reason.code()).increment();
      Series series = last;
      if (series != null) {
        series.duration(GenAi.name(failure.kind())).record(ticker.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void completed(ProxyResponse response, @Nullable Throwable failure) {
      if (!end()) {
        return;
      }
      Decision d = response.decision();
      Series series = last;
      if (series == null || series.key.endpoint != d.endpoint() || series.key.model != d.model()) {
        series = series(request, d);
      }
      String error = failure != null ? (failure instanceof java.util.concurrent.CancellationException ? "cancelled" : "failure")
          : GenAi.errorType(response.status());
      series.duration(error).record(ticker.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
      if (response.firstByteNanos() >= 0) {
        long ttfb = response.firstByteNanos() + d.lease().startNanos() - startNanos;
        series.answered().ttft.record(Math.max(ttfb, 0), TimeUnit.NANOSECONDS);
      }
      if (response.promptTokens() >= 0) {
        series.answered().inputTokens.record(response.promptTokens());
        series.answered().outputTokens.record(response.completionTokens());
      }
    }

    private boolean end() {
      if (over.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
        return true;
      }
      return false;
    }
  }

  /**
   * The series of a request's operation and model on a decision's endpoint, resolved once: looking
   * meters up by tags on every request would cost more than the request's routing.
   */
  private Series series(ProxyRequest request, Decision d) {
    String asked = request.route().model();
    String requestModel = GenAi.requestModel(asked, registry.snapshot(), d);
    SeriesKey key = new SeriesKey(request.route().operation(), d.endpoint(), d.model(), requestModel, GenAi.routeLabel(d));
    Series s = series.get(key);
    if (s == null) {
      if (series.size() >= MAX_CACHED_SERIES) {
        series.clear();
      }
      s = series.computeIfAbsent(key, k -> new Series(k));
    }
    return s;
  }

  /** A {@link Series}' key: the registry's endpoint and model objects by identity (a new snapshot's are new keys). */
  private static final class SeriesKey {
    final Operation operation;
    final Endpoint endpoint;
    final ModelSpec model;
    final String requestModel;
    /** The route's name, empty for a model named directly. */
    final String route;
    private final int hash;

    SeriesKey(Operation operation, Endpoint endpoint, ModelSpec model, String requestModel, String route) {
      this.operation = operation;
      this.endpoint = endpoint;
      this.model = model;
      this.requestModel = requestModel;
      this.route = route;
      this.hash = ((31 * (31 * System.identityHashCode(endpoint) + System.identityHashCode(model)) + operation.ordinal())
          * 31 + requestModel.hashCode()) * 31 + route.hashCode();
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof SeriesKey)) {
        return false;
      }
      SeriesKey k = (SeriesKey) o;
      return k.endpoint == endpoint && k.model == model && k.operation == operation && k.requestModel.equals(requestModel)
          && k.route.equals(route);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * The meters of one operation, model asked, model served and endpoint, registered when first
   * used: an endpoint that was only tried shows no empty histograms.
   */
  private final class Series {
    final SeriesKey key;
    /** The GenAI attributes and the route. */
    private final String[] genAi;
    private final String model;
    private final String endpoint;
    private final Counter[] byOutcome = new Counter[Outcome.Kind.values().length];
    private volatile @Nullable Answered answered;
    private volatile @Nullable Counter retried;
    private volatile @Nullable Counter hedged;

    Series(SeriesKey k) {
      this.key = k;
      Endpoint e = k.endpoint;
      this.genAi = new String[] {
        GenAi.OPERATION_NAME, GenAi.operation(k.operation),
        GenAi.PROVIDER_NAME, GenAi.provider(e),
        GenAi.REQUEST_MODEL, k.requestModel,
        GenAi.RESPONSE_MODEL, k.model.name(),
        GenAi.SERVER_ADDRESS, GenAi.host(e),
        GenAi.SERVER_PORT, Integer.toString(GenAi.port(e)),
        ROUTE_ATTRIBUTE, k.route
      };
      this.model = k.model.name();
      this.endpoint = e.id();
    }

    /** The meters of answered requests (a race may resolve them twice: both get the same meters). */
    Answered answered() {
      Answered a = answered;
      if (a == null) {
        a = new Answered(duration.withTags(with(GenAi.ERROR_TYPE, "")), ttft.withTags(genAi),
            tokens.withTags(with(GenAi.TOKEN_TYPE, "input")), tokens.withTags(with(GenAi.TOKEN_TYPE, "output")));
        answered = a;
      }
      return a;
    }

    Timer duration(@Nullable String errorType) {
      return errorType == null ? answered().ok : duration.withTags(with(GenAi.ERROR_TYPE, errorType));
    }

    /** Counts an attempt's outcome. */
    void decided(Outcome outcome) {
      int i = outcome.kind().ordinal();
      Counter c = byOutcome[i];
      if (c == null) {
        c = decisions.withTags("route", key.route, "model", model, "endpoint", endpoint, "outcome", GenAi.name(outcome.kind()));
        byOutcome[i] = c;
      }
      c.increment();
    }

    /** Counts a retry sent to this series' endpoint. */
    void retried() {
      Counter c = retried;
      if (c == null) {
        c = retries.withTags("route", key.route, "model", model);
        retried = c;
      }
      c.increment();
    }

    /** Counts a hedged copy sent to this series' endpoint. */
    void hedged() {
      Counter c = hedged;
      if (c == null) {
        c = hedges.withTags("route", key.route, "model", model);
        hedged = c;
      }
      c.increment();
    }

    private String[] with(String key, String value) {
      String[] tags = java.util.Arrays.copyOf(genAi, genAi.length + 2);
      tags[genAi.length] = key;
      tags[genAi.length + 1] = value;
      return tags;
    }
  }

  /** A series' meters of answered requests. */
  private static final class Answered {
    final Timer ok;
    final Timer ttft;
    final DistributionSummary inputTokens;
    final DistributionSummary outputTokens;

    Answered(Timer ok, Timer ttft, DistributionSummary inputTokens, DistributionSummary outputTokens) {
      this.ok = ok;
      this.ttft = ttft;
      this.inputTokens = inputTokens;
      this.outputTokens = outputTokens;
    }
  }

  // ------------------------------------------------------------------ gateway

  /** Counts the request by tenant and status, and the gateway's own refusals (those the router never saw) by reason. */
  @Override
  public void onRequest(CompletedRequest request) {
    gatewayRequests.withTags("tenant", request.tenant() == null ? "" : request.tenant(),
        "route", request.route() == null ? "" : request.route(), "status", Integer.toString(request.status())).increment();
    if (!request.routed() && request.reason() != null) {
      rejections.withTags("reason", request.reason()).increment();
    }
  }

  // ------------------------------------------------------------------ endpoints

  private void registryChanged(RegistrySnapshot current) {
    series.clear();
    followEndpoints(current);
  }

  /** Registers the meters of endpoints new in {@code snapshot} and removes those of endpoints gone. */
  private void followEndpoints(RegistrySnapshot snapshot) {
    synchronized (endpointMeters) {
      Map<String, EndpointState> now = new HashMap<>();
      for (EndpointState s : snapshot.states()) {
        now.put(s.id(), s);
      }
      endpointMeters.entrySet().removeIf(e -> {
        if (now.containsKey(e.getKey())) {
          return false;
        }
        e.getValue().forEach(meters::remove);
        return true;
      });
      now.forEach((id, state) -> endpointMeters.computeIfAbsent(id, k -> register(state)));
    }
  }

  private List<Meter> register(EndpointState s) {
    List<Meter> list = new ArrayList<>(6);
    list.add(gauge("modelrouter.endpoint.in.flight", "Requests in flight on the endpoint.", s, EndpointState::inFlight));
    list.add(gauge("modelrouter.endpoint.queue.waiting", "Requests waiting in the model server's queue, as scraped (NaN before a scrape).",
        s, st -> st.hasServerMetrics() ? st.queueDepth() : Double.NaN));
    list.add(gauge("modelrouter.endpoint.queue.running", "Requests running on the model server, as scraped (NaN before a scrape).",
        s, st -> st.hasServerMetrics() ? st.running() : Double.NaN));
    list.add(gauge("modelrouter.endpoint.kv.cache.usage", "The model server's KV-cache use, 0 to 1, as scraped (NaN before a scrape).",
        s, st -> st.hasServerMetrics() ? st.kvCacheUsage() : Double.NaN));
    list.add(gauge("modelrouter.endpoint.routable", "Whether the endpoint takes traffic (1) or not (0: unhealthy, ejected, draining).",
        s, st -> st.status().routable() ? 1 : 0));
    OutlierDetector o = outliers;
    if (o != null) {
      list.add(FunctionCounter.builder("modelrouter.ejections", o, od -> od.ejections(s.id()))
          .description("Times outlier detection ejected the endpoint.")
          .tag("endpoint", s.id())
          .register(meters));
    }
    return list;
  }

  private Gauge gauge(String name, String description, EndpointState s,
      java.util.function.ToDoubleFunction<EndpointState> value) {
    return Gauge.builder(name, s, value).description(description).tag("endpoint", s.id()).strongReference(true)
        .register(meters);
  }

  private static Duration[] seconds(double[] bounds) {
    Duration[] d = new Duration[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      d[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
    }
    return d;
  }

  /** Stops following the registry and removes the endpoint meters and the in-flight gauge. */
  @Override
  public void close() {
    registry.removeListener(follower);
    synchronized (endpointMeters) {
      endpointMeters.values().forEach(list -> list.forEach(meters::remove));
      endpointMeters.clear();
    }
    meters.remove(inFlightGauge);
  }

  /** Builds {@link RouterMetrics}; every setter checks its argument. */
  public static final class Builder {
    private final MeterRegistry meters;
    private final ModelRegistry registry;
    private @Nullable OutlierDetector outliers;
    private Ticker ticker = Ticker.system();

    private Builder(MeterRegistry meters, ModelRegistry registry) {
      this.meters = Objects.requireNonNull(meters, "meters");
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The outlier detector whose ejections {@code modelrouter.ejections} counts; none by default. */
    public Builder outliers(OutlierDetector outliers) {
      this.outliers = Objects.requireNonNull(outliers, "outliers");
      return this;
    }

    /** The clock durations are measured with: the router's own, as leases are timed with it; the system ticker by default. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Metrics registered now (the endpoint meters of the registry's current snapshot included). */
    public RouterMetrics build() {
      return new RouterMetrics(this);
    }
  }
}
