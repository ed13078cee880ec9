package io.modelrouter.http;

import static io.modelrouter.http.internal.Args.positive;

import io.modelrouter.RejectedException;
import io.modelrouter.Router;
import io.modelrouter.http.internal.Clients;
import io.modelrouter.http.internal.Periodic;
import io.modelrouter.http.internal.Probe;
import io.modelrouter.registry.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Routes each request with the {@link Router} and forwards it to the chosen endpoint, streaming the
 * answer back, over OkHttp by default or over another {@link Transport}. It owns everything between the router's decision and the answer:
 *
 * <ul>
 *   <li>the endpoint URL (its base URL and the request path, API prefix not doubled);
 *   <li>header hygiene: hop-by-hop fields dropped both ways, the client's credentials kept from
 *       endpoints unless {@linkplain Builder#forwardCredentials(boolean) allowed},
 *       {@code x-request-id} kept or generated, the endpoint named in
 *       {@value #ENDPOINT_SERVED_HEADER} (host:port) and {@value #ENDPOINT_ID_HEADER} (id);
 *   <li>the request's latency budget as the call's timeout, across retries;
 *   <li>retries, each to another endpoint in the router's order, within
 *       {@link Builder#maxAttempts(int)}, the {@link RetryBudget} and the deadline, before any byte
 *       reached the client: freely when the endpoint provably did not get the request (no
 *       connection, a stale pooled connection that dropped it while it was written, a 429/503
 *       answer), at most once more when it may have run it (see {@link RetryPolicy}, per model);
 *   <li>a per-attempt timeout learned from what each endpoint usually takes, after which a silent
 *       attempt is abandoned for another endpoint ({@link RetryPolicy});
 *   <li>optional {@linkplain HedgePolicy hedging}: a second copy to the next-best endpoint after a
 *       delay, the first answer wins and the other is cancelled;
 *   <li>for a request naming a model route, the chosen model named in what is forwarded (the
 *       OpenAI body's {@code model}, the Open Inference Protocol path) and in {@value
 *       #MODEL_SERVED_HEADER} and {@value #ROUTE_HEADER}; a retry may go to the route's next
 *       eligible target when the chosen one cannot answer (unless the route's fallback is off);
 *   <li>every lease completed with status, latency, time to first byte and tokens.
 * </ul>
 *
 * <p>A request the router refuses throws (or completes the future with) a
 * {@link RejectedException} carrying the typed rejection; one no endpoint answered, a
 * {@link ForwardingException}. Endpoint answers of any status come back as a
 * {@link ProxyResponse}. Thread-safe; share one instance.
 */
public final class RoutingClient implements AutoCloseable {

  /** Attempts per request, the first included: 3 (one try and two retries), as in Envoy and gRPC. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Connect timeout: 2 s; a loopback or data-centre connect takes milliseconds, so this means down. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Longest silence between two reads: 60 s, enough for a long prompt's prefill before the first
   * streamed token. Requests with a latency budget are bounded by the budget instead.
   */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  /** The request id header, kept from the client or generated, sent to the endpoint and returned. */
  public static final String REQUEST_ID_HEADER = "x-request-id";

  /** The response header naming the answering endpoint's host:port (Gateway API inference extension). */
  public static final String ENDPOINT_SERVED_HEADER = "x-gateway-destination-endpoint-served";

  /** The response header naming the answering endpoint's registry id. */
  public static final String ENDPOINT_ID_HEADER = "x-modelrouter-endpoint";

  /** The response header naming the model version that served the request, {@code name:version}. */
  public static final String MODEL_SERVED_HEADER = "x-modelrouter-model";

  /** The response header naming the model route the request named, when it named one. */
  public static final String ROUTE_HEADER = "x-modelrouter-route";

  final Router router;
  final Transport transport;
  final RetryBudget retryBudget;
  final int maxAttempts;
  final HedgePolicy hedgePolicy;
  final boolean forwardCredentials;
  final UpstreamHeaders upstreamHeaders;
  private final RetryPolicy retryPolicy;
  private final Map<String, RetryPolicy> modelRetryPolicies;
  final AttemptLatencies attemptLatencies = new AttemptLatencies();
  final ForwardingObserver observer;
  private final boolean ownsTransport;
  private final Object schedulerLock = new Object();
  private @Nullable ScheduledExecutorService scheduler;
  /** Per-attempt timeouts: armed by every attempt, so lock-free (see {@link AttemptTimeouts}). */
  final AttemptTimeouts attemptTimeouts = new AttemptTimeouts("modelrouter-attempt-timeouts");
  private static final int MAX_CACHED_URLS = 4096;
  private final Map<String, Target> targets = new ConcurrentHashMap<>();

  private RoutingClient(Builder b) {
    this.router = b.router;
    if (b.transport != null) {
      this.transport = b.transport;
      this.ownsTransport = false;
    } else if (b.http != null) {
      this.transport = new OkHttpTransport(b.http, false);
      this.ownsTransport = true;
    } else {
      this.transport = new OkHttpTransport(
          Clients.create("modelrouter-http", 256, b.connectTimeout, b.readTimeout), true);
      this.ownsTransport = true;
    }
    this.retryBudget = b.retryBudget;
    this.maxAttempts = b.maxAttempts;
    this.hedgePolicy = b.hedgePolicy;
    this.forwardCredentials = b.forwardCredentials;
    this.upstreamHeaders = b.upstreamHeaders;
    this.retryPolicy = b.retryPolicy;
    this.modelRetryPolicies = Map.copyOf(b.modelRetryPolicies);
    this.observer = ForwardingObserver.of(b.observers);
  }

  /** The retry policy of a model (by the name the request asks for), or the client's default. */
  RetryPolicy retryPolicy(String model) {
    return modelRetryPolicies.isEmpty() ? retryPolicy : modelRetryPolicies.getOrDefault(model, retryPolicy);
  }

  /** Starts a client for a router. */
  public static Builder builder(Router router) {
    return new Builder(router);
  }

  /** The router deciding where requests go. */
  public Router router() {
    return router;
  }

  /**
   * Routes and forwards one request, blocking until the endpoint's response headers arrive; the
   * body then streams from {@link ProxyResponse#body()}.
   *
   * @throws RejectedException when the router refuses the request (its rejection says why)
   * @throws ForwardingException when no endpoint answered
   */
  public ProxyResponse execute(ProxyRequest request) throws IOException {
    Objects.requireNonNull(request, "request");
    if (hedgePolicy.enabled()) {
      CompletableFuture<ProxyResponse> f = executeAsync(request);
      try {
        return f.get();
      } catch (InterruptedException e) {
        f.cancel(true);
        Thread.currentThread().interrupt();
        throw new ForwardingException(ForwardingException.Kind.CANCELLED, "interrupted", null, 0, e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException) {
          throw (IOException) c;
        }
        if (c instanceof RuntimeException) {
          throw (RuntimeException) c;
        }
        throw new IllegalStateException(c);
      }
    }
    return new Exchange(this, request).runBlocking();
  }

  /**
   * Routes and forwards one request without blocking. The future completes with the response
   * once its headers arrive, or exceptionally with a {@link RejectedException} or a
   * {@link ForwardingException}. Cancelling the future cancels the calls in flight and completes
   * their leases as cancelled.
   */
  public CompletableFuture<ProxyResponse> executeAsync(ProxyRequest request) {
    Objects.requireNonNull(request, "request");
    return new Exchange(this, request).runAsync();
  }

  /**
   * What the client keeps per endpoint base URL (up to {@value #MAX_CACHED_URLS} of them): since a
   * gateway sends a few paths to a few endpoints over and over, and parsing a URL costs
   * microseconds, each target keeps its parsed URLs by request path.
   */
  Target target(Endpoint endpoint) {
    String base = endpoint.baseUrl().toString();
    Target t = targets.get(base);
    if (t == null) {
      if (targets.size() >= MAX_CACHED_URLS) {
        targets.clear();
      }
      t = targets.computeIfAbsent(base, Target::new);
    }
    return t;
  }

  /** An endpoint base URL: its URLs by path and the host:port it is named by in responses. */
  static final class Target {
    final String baseUrl;
    /** host:port, for {@value RoutingClient#ENDPOINT_SERVED_HEADER}. */
    final String served;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    Target(String baseUrl) {
      this.baseUrl = baseUrl;
      java.net.URI uri = java.net.URI.create(baseUrl);
      this.served = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** The same string for the same path, so that a transport can key its own parsed URLs by it cheaply. */
    String url(String path) {
      String url = urls.get(path);
      if (url == null) {
        url = Probe.targetUrl(baseUrl, path);
        if (urls.size() >= MAX_CACHED_URLS) {
          urls.clear();
        }
        urls.put(path, url);
      }
      return url;
    }
  }

  ScheduledExecutorService scheduler() {
    synchronized (schedulerLock) {
      if (scheduler == null) {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, Periodic.daemon("modelrouter-hedge"));
        s.setRemoveOnCancelPolicy(true);
        scheduler = s;
      }
      return scheduler;
    }
  }

  /**
   * Stops the hedging timer and, when this client made its transport (the default, or one on a
   * given OkHttp client), the transport: threads it made end, idle connections close.
   */
  @Override
  public void close() {
    synchronized (schedulerLock) {
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
    }
    attemptTimeouts.close();
    if (ownsTransport) {
      transport.close();
    }
  }

  @Override
  public String toString() {
    return "RoutingClient{maxAttempts=" + maxAttempts + ", " + retryBudget + ", " + hedgePolicy + ", " + retryPolicy
        + (modelRetryPolicies.isEmpty() ? "" : ", per model " + modelRetryPolicies) + '}';
  }

  /** Builds a {@link RoutingClient}; every setter checks its argument. */
  public static final class Builder {
    private final Router router;
    private @Nullable OkHttpClient http;
    private @Nullable Transport transport;
    private RetryBudget retryBudget = RetryBudget.ofDefaults();
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private HedgePolicy hedgePolicy = HedgePolicy.none();
    private boolean forwardCredentials;
    private UpstreamHeaders upstreamHeaders = UpstreamHeaders.none();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private final Map<String, RetryPolicy> modelRetryPolicies = new java.util.HashMap<>();
    private final java.util.List<ForwardingObserver> observers = new java.util.ArrayList<>();

    private Builder(Router router) {
      this.router = Objects.requireNonNull(router, "router");
    }

    /**
     * The OkHttp client to send with (its pool, dispatcher and timeouts); by default one with a
     * large dispatcher and connection pool and the default timeouts. Replaces a {@link
     * #transport}. A given client is not closed by {@link RoutingClient#close()}.
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      this.transport = null;
      return this;
    }

    /**
     * The transport that sends each attempt, such as {@code JettyTransport} from {@code
     * router-server} (asynchronous: no thread waits on an endpoint); OkHttp by default. Replaces an
     * {@link #okHttpClient}. A given transport is not closed by {@link RoutingClient#close()}.
     */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      this.http = null;
      return this;
    }

    /** The cap on retries and hedges; {@link RetryBudget#ofDefaults()} by default. */
    public Builder retryBudget(RetryBudget budget) {
      this.retryBudget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /** Attempts per request, the first included; {@value #DEFAULT_MAX_ATTEMPTS} by default, 1 for no retries. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 10) {
        throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: 1..10)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Which failed requests are sent again and when a silent attempt is abandoned, for models
     * without a policy of their own; {@link RetryPolicy#ofDefaults()} by default.
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The retry policy of one model, by the name requests ask for; replaces the model's earlier one. */
    public Builder retryPolicy(String model, RetryPolicy policy) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model: blank (expected: a model name)");
      }
      modelRetryPolicies.put(model, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /** When to hedge; {@link HedgePolicy#none()} by default. */
    public Builder hedging(HedgePolicy policy) {
      this.hedgePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Whether the client's Authorization, Cookie and API-key headers go to endpoints; false by default. */
    public Builder forwardCredentials(boolean forward) {
      this.forwardCredentials = forward;
      return this;
    }

    /** Headers added per endpoint, such as its own credentials; none by default. */
    public Builder upstreamHeaders(UpstreamHeaders headers) {
      this.upstreamHeaders = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /** Connect timeout of the default OkHttp client; {@link #DEFAULT_CONNECT_TIMEOUT} by default. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Longest silence between reads for the default OkHttp client; {@link #DEFAULT_READ_TIMEOUT} by default. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * Adds an observer of every request and attempt, such as {@code RouterMetrics} (Micrometer) or
     * {@code RouterTracing} (OpenTelemetry); observers are called in the order added. None by default.
     */
    public Builder addObserver(ForwardingObserver observer) {
      this.observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /** A client; close it when done if it made its own OkHttp client. */
    public RoutingClient build() {
      return new RoutingClient(this);
    }
  }
}
