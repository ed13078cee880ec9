package io.modelrouter.http.gateway;

import io.modelrouter.Router;
import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointState;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.payload.PayloadParser;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: one call per HTTP request that any Java HTTP server can make, blocking ({@link
 * #handle(GatewayRequest, GatewayResponse)}) or not ({@link #handleAsync(GatewayRequest,
 * AsyncGatewayResponse)}, which {@code router-server}'s Jetty binding uses).
 *
 * <p>Routes: {@code POST /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}
 * (SSE streaming passes through chunk by chunk), {@code POST /v2/models/{name}[/versions/{v}]/infer},
 * {@code GET /v1/models} (the models and model routes the caller's tenant may use), {@code GET
 * /v2/models/{name}[/versions/{v}]} (metadata with the input signature; for a model route, each
 * target's, see {@link RouteMetadata}), and, without
 * authentication, {@code GET /healthz} and {@code /readyz}; {@code /metrics} (Prometheus text) only
 * with its own credential ({@link Builder#metricsToken}), else it is for an admin listener.
 *
 * <p>Each inference request goes: authenticate (401 before the body is read) → read the body up
 * to the limit (413) → parse and validate (4xx in the protocol's error shape) → the tenant may use
 * the model (else it looks exactly like an unknown model, 404) → tenant quota (429 with {@code
 * Retry-After}) → overload shedding by priority (503 with {@code Retry-After}) → route and forward.
 * A request carrying {@code x-modelrouter-explain: true} gets the routing decision's explanation in
 * the {@code x-modelrouter-explain} response header when its tenant is allowed explanations (none
 * is by default: an explanation shows the fleet's endpoints and their load).
 *
 * <p>Thread-safe. Never answers a client's mistake with a 500, and never sends a stack trace.
 */
public final class GatewayHandler {

  /** Default in-flight limit for shedding: 512 concurrent requests through the gateway. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 512;

  /**
   * The most bytes of request bodies read at once across the gateway by default: 256 MiB, or a
   * quarter of the heap when that is less (never under the body limit). Past it a body gets a 503
   * with {@code Retry-After} instead of memory.
   */
  public static final long DEFAULT_MAX_BYTES_READING = 256L * 1024 * 1024;

  /** The largest request body accepted by default (4 MiB); larger ones get a 413. */
  public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;

  /**
   * Default deadline for requests that carry none: 300 s. Long generations stream for minutes; a
   * request that runs longer than this is stuck, and its endpoint slot is worth more to others.
   */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(300);
  /** The request header that asks for the decision's explanation, and the response header carrying it. */
  public static final String EXPLAIN_HEADER = "x-modelrouter-explain";
  /**
   * The output tokens a request without {@code max_tokens} is counted at against its tenant's
   * tokens-per-minute quota until its usage is known: 1,024, a long chat answer.
   */
  public static final int DEFAULT_OUTPUT_TOKENS = 1024;
  /** The response header naming the rejection reason code on every error. */
  public static final String REASON_HEADER = "x-modelrouter-reason";

  private static final Logger log = LoggerFactory.getLogger(GatewayHandler.class);

  private final Router router;
  private final Dispatch dispatch;
  private final RequestListener[] listeners;
  private final @Nullable Supplier<String> metricsText;
  private volatile boolean draining;

  private GatewayHandler(Builder b) {
    this.router = b.client.router();
    this.listeners = b.listeners.toArray(new RequestListener[0]);
    this.metricsText = b.metricsText;
    PayloadParser parser = b.parser != null ? b.parser
        : PayloadParser.builder().maxBodyBytes((int) Math.min(Integer.MAX_VALUE, b.maxBodyBytes)).build();
    BodyBudget bodyBudget = BodyBudget.of(b.maxBytesReading > 0 ? b.maxBytesReading
        : Math.max(b.maxBodyBytes, Math.min(DEFAULT_MAX_BYTES_READING, Runtime.getRuntime().maxMemory() / 4)));
    Forwarding forwarding = new Forwarding(b.client, b.forwardedHeaders, b.headerPolicy, b.askStreamUsage);
    Admission admission = new Admission(b.authenticator, parser, b.maxBodyBytes, bodyBudget, b.requestTimeout,
        b.explainTenants, b.hintLimits, b.defaultHintLimits, b.defaultOutputTokens, new TenantLimiter(b.ticker),
        new LoadShedder(b.maxInFlight), forwarding);
    this.dispatch = new Dispatch(admission, new ModelListing(router), new ModelMetadata(router), this::ready,
        b.metricsToken, b.metricsText);
  }

  /** Starts a gateway that routes and forwards with {@code client}. */
  public static Builder builder(RoutingClient client) {
    return new Builder(client);
  }

  /**
   * Handles one request and writes the whole response before returning (streaming responses are
   * flushed as they arrive).
   *
   * @throws IOException only when the client connection fails; the response is then incomplete
   */
  public void handle(GatewayRequest request, GatewayResponse response) throws IOException {
    GatewayExchange x = new GatewayExchange(request, Objects.requireNonNull(response, "response"), null, listeners);
    try {
      dispatch.dispatch(x);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("unexpected failure on {} {}", request.method(), request.path(), e);
      if (!x.started) {
        x.internalError();
      }
    }
  }

  /**
   * Handles one request without blocking: returns at once, reads the body through {@link
   * GatewayRequest#readBody} and writes the response as the body and the endpoint's answer arrive
   * (forward with an asynchronous {@link io.modelrouter.http.Transport} for no thread to wait on an
   * endpoint). The response's last write or its {@link AsyncGatewayResponse#abort} ends the
   * exchange. The {@link Authenticator} runs on the calling thread.
   */
  public void handleAsync(GatewayRequest request, AsyncGatewayResponse response) {
    GatewayExchange x = new GatewayExchange(request, null, Objects.requireNonNull(response, "response"), listeners);
    try {
      dispatch.dispatch(x);
    } catch (IOException | RuntimeException e) {
      x.fail(e);
    }
  }

  /** Marks the gateway as draining: {@code /readyz} answers 503 so load balancers stop sending. */
  public void drain() {
    draining = true;
  }

  /** Whether the gateway is ready: not draining and some model has a routable endpoint. */
  public boolean ready() {
    if (draining) {
      return false;
    }
    for (EndpointState s : router.registry().snapshot().states()) {
      if (s.status().routable()) {
        return true;
      }
    }
    return false;
  }

  /** The router this gateway routes with. */
  public Router router() {
    return router;
  }

  /** The Prometheus text the gateway serves on {@code /metrics}; empty without a {@link Builder#metricsText source}. */
  public String metricsText() {
    return metricsText == null ? "" : metricsText.get();
  }

  /** Builds a {@link GatewayHandler}; every setter checks its argument. */
  public static final class Builder {
    private final RoutingClient client;
    private @Nullable PayloadParser parser;
    private Authenticator authenticator = request -> null;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private java.util.Set<String> explainTenants = java.util.Set.of();
    private Ticker ticker = Ticker.system();
    private final java.util.List<RequestListener> listeners = new java.util.ArrayList<>();
    private @Nullable Supplier<String> metricsText;
    private HeaderPolicy headerPolicy = HeaderPolicy.defaults();
    private long maxBytesReading;
    private @Nullable String metricsToken;
    private int defaultOutputTokens = DEFAULT_OUTPUT_TOKENS;
    private final java.util.Map<String, HintLimits> hintLimits = new java.util.HashMap<>();
    private HintLimits defaultHintLimits = HintLimits.standard();
    private ForwardedHeaders forwardedHeaders = ForwardedHeaders.trustingNone();
    private boolean askStreamUsage = true;

    private Builder(RoutingClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The payload parser; by default one with this builder's body limit. */
    public Builder parser(PayloadParser parser) {
      this.parser = Objects.requireNonNull(parser, "parser");
      return this;
    }

    /** Who may call; by default nobody (every request gets a 401). */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** The largest request body; larger ones get a 413. {@value #DEFAULT_MAX_BODY_BYTES} by default. */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes: " + bytes + " (expected: > 0)");
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * The most bytes of request bodies being read at once across the gateway (their buffers as they
     * grow); at least the body limit. By default {@link #DEFAULT_MAX_BYTES_READING} or a
     * quarter of the heap, whichever is less.
     */
    public Builder maxBytesReading(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBytesReading: " + bytes + " (expected: > 0)");
      }
      this.maxBytesReading = bytes;
      return this;
    }

    /** The in-flight limit for overload shedding; 0 disables shedding. {@value #DEFAULT_MAX_IN_FLIGHT} by default. */
    public Builder maxInFlight(int maxInFlight) {
      if (maxInFlight < 0) {
        throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 0)");
      }
      this.maxInFlight = maxInFlight;
      return this;
    }

    /** The deadline for requests that carry none; {@link #DEFAULT_REQUEST_TIMEOUT} by default. */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "requestTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout: " + timeout + " (expected: > 0)");
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Whether {@code x-modelrouter-explain: true} is honoured for every tenant; false by default,
     * since an explanation shows the fleet's endpoints and their load. See {@link #explainTenants}.
     */
    public Builder explain(boolean explain) {
      this.explainTenants = explain ? java.util.Set.of(Admission.EVERY_TENANT) : java.util.Set.of();
      return this;
    }

    /** The tenants (by name, {@code *} for all) whose {@code x-modelrouter-explain: true} is honoured; none by default. */
    public Builder explainTenants(java.util.Set<String> tenants) {
      this.explainTenants = java.util.Set.copyOf(tenants);
      return this;
    }

    /** The clock for tenant quotas; the system ticker by default. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Adds a listener told about every API request once it was answered, such as the {@link
     * AccessLog} or {@code RouterMetrics}; none by default.
     */
    public Builder addRequestListener(RequestListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The most a tenant's routing hints may ask for (priority, budgets); higher hints are clamped.
     * A tenant without its own limits gets {@link #defaultHintLimits}.
     */
    public Builder hintLimits(String tenant, HintLimits limits) {
      hintLimits.put(Objects.requireNonNull(tenant, "tenant"), Objects.requireNonNull(limits, "limits"));
      return this;
    }

    /** The hint limits of tenants without their own; {@link HintLimits#standard()} by default. */
    public Builder defaultHintLimits(HintLimits limits) {
      this.defaultHintLimits = Objects.requireNonNull(limits, "defaultHintLimits");
      return this;
    }

    /**
     * What {@code /metrics} serves, in the Prometheus text format: with Micrometer, {@code
     * prometheusMeterRegistry::scrape}. Without one (the default) {@code /metrics} is not served.
     */
    public Builder metricsText(Supplier<String> source) {
      this.metricsText = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * The output tokens a request without {@code max_tokens} counts against its tenant's token
     * quota until its usage is known; {@value #DEFAULT_OUTPUT_TOKENS} by default.
     */
    public Builder defaultOutputTokens(int tokens) {
      if (tokens < 0) {
        throw new IllegalArgumentException("defaultOutputTokens: " + tokens + " (expected: >= 0)");
      }
      this.defaultOutputTokens = tokens;
      return this;
    }

    /**
     * The bearer token that {@code GET /metrics} on the gateway's own listener needs; without one
     * (the default) the gateway's listener does not serve {@code /metrics} at all, and an admin
     * listener should ({@code GatewayServer.Builder.adminPort}).
     */
    public Builder metricsToken(String token) {
      Objects.requireNonNull(token, "metricsToken");
      if (token.length() < 16) {
        throw new IllegalArgumentException("metricsToken: " + token.length() + " characters (expected: >= 16)");
      }
      this.metricsToken = ApiKeyAuthenticator.hash(token);
      return this;
    }

    /**
     * As {@link #metricsToken}, given the token's SHA-256 ({@code sha256:} and 64 hex digits, as
     * API keys are configured), so that the token itself is written nowhere.
     */
    public Builder metricsTokenHash(String sha256) {
      this.metricsToken = ApiKeyAuthenticator.normalizeHash(sha256);
      return this;
    }

    /** Which endpoint response fields reach clients; {@link HeaderPolicy#defaults()} by default. */
    public Builder headerPolicy(HeaderPolicy policy) {
      this.headerPolicy = Objects.requireNonNull(policy, "headerPolicy");
      return this;
    }

    /**
     * Which proxies in front of the gateway are trusted with the client's address ({@code
     * Forwarded}, {@code X-Forwarded-For}, {@code X-Real-IP}); {@link ForwardedHeaders#trustingNone()} by default.
     */
    public Builder forwardedHeaders(ForwardedHeaders forwarded) {
      this.forwardedHeaders = Objects.requireNonNull(forwarded, "forwardedHeaders");
      return this;
    }

    /**
     * Whether an OpenAI stream whose client did not ask for its usage ({@code
     * stream_options.include_usage}) is asked for it on the client's behalf, the usage chunk then
     * taken out of the client's stream, so that the tenant's token quota, the metrics and the
     * router's time-per-token feedback count its tokens; true by default. Without it such a stream
     * counts at its prompt and {@link #defaultOutputTokens} or {@code max_tokens}. Turn it off only
     * for servers that refuse {@code stream_options}.
     */
    public Builder askStreamUsage(boolean ask) {
      this.askStreamUsage = ask;
      return this;
    }

    public GatewayHandler build() {
      if (maxBytesReading > 0 && maxBytesReading < maxBodyBytes) {
        throw new IllegalArgumentException("maxBytesReading: " + maxBytesReading
            + " (expected: >= maxBodyBytes " + maxBodyBytes + ")");
      }
      return new GatewayHandler(this);
    }
  }
}
