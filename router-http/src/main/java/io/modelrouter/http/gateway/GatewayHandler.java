package io.modelrouter.http.gateway;

import io.modelrouter.Protocol;
import io.modelrouter.RejectedException;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.Ticker;
import io.modelrouter.VersionSelector;
import io.modelrouter.health.EndpointState;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.internal.RequestIds;
import io.modelrouter.payload.ErrorBodies;
import io.modelrouter.payload.ParseResult;
import io.modelrouter.payload.PayloadParser;
import io.modelrouter.registry.ModelEntry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.registry.RegistrySnapshot;
import io.modelrouter.registry.TensorSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

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
  /** The completion of a small answer's only write: a failed one ends the exchange in the binding. */
  private static final Consumer<@Nullable Throwable> IGNORED = failure -> {};

  /**
   * The most of an oversized body read and dropped before answering 413 (also at most four times
   * the body limit): enough for clients that send the whole body before reading, such as the
   * official SDKs, to see the 413 rather than a reset; beyond it the connection just closes.
   */
  static final long MAX_DISCARD_BYTES = 64L * 1024 * 1024;
  static final ObjectMapper JSON = JsonMapper.builder().build();
  /** In {@link Builder#explainTenants}: every tenant. */
  private static final String EVERY_TENANT = "*";

  /** Retry-after hint when shedding: 1 s, about the time in-flight requests take to free slots. */
  static final Duration SHED_RETRY_AFTER = Duration.ofSeconds(1);

  private final RoutingClient client;
  private final Router router;
  private final PayloadParser parser;
  private final Authenticator authenticator;
  private final long maxBodyBytes;
  private final Duration requestTimeout;
  /** The tenants whose explain requests are honoured; {@code *} for every tenant. */
  private final java.util.Set<String> explainTenants;
  private final TenantLimiter limiter;
  private final HeaderPolicy headerPolicy;
  private final BodyBudget bodyBudget;
  /** The metrics token's SHA-256, hex. */
  private final @Nullable String metricsToken;
  private final int defaultOutputTokens;
  private final java.util.Map<String, HintLimits> hintLimits;
  private final HintLimits defaultHintLimits;
  private final ForwardedHeaders forwardedHeaders;
  private final LoadShedder shedder;
  private final RequestListener[] listeners;
  private final @Nullable Supplier<String> metricsText;
  private volatile boolean draining;

  private GatewayHandler(Builder b) {
    this.client = b.client;
    this.router = b.client.router();
    this.parser = b.parser != null ? b.parser
        : PayloadParser.builder().maxBodyBytes((int) Math.min(Integer.MAX_VALUE, b.maxBodyBytes)).build();
    this.authenticator = b.authenticator;
    this.maxBodyBytes = b.maxBodyBytes;
    this.requestTimeout = b.requestTimeout;
    this.explainTenants = java.util.Set.copyOf(b.explainTenants);
    this.limiter = new TenantLimiter(b.ticker);
    this.headerPolicy = b.headerPolicy;
    this.bodyBudget = BodyBudget.of(b.maxBytesReading > 0 ? b.maxBytesReading
        : Math.max(b.maxBodyBytes, Math.min(DEFAULT_MAX_BYTES_READING, Runtime.getRuntime().maxMemory() / 4)));
    this.metricsToken = b.metricsToken;
    this.defaultOutputTokens = b.defaultOutputTokens;
    this.hintLimits = java.util.Map.copyOf(b.hintLimits);
    this.defaultHintLimits = b.defaultHintLimits;
    this.forwardedHeaders = b.forwardedHeaders;
    this.shedder = new LoadShedder(b.maxInFlight);
    this.listeners = b.listeners.toArray(new RequestListener[0]);
    this.metricsText = b.metricsText;
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
    Exchange x = new Exchange(request, Objects.requireNonNull(response, "response"), null);
    try {
      dispatch(x);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("unexpected failure on {} {}", request.method(), request.path(), e);
      if (!x.started) {
        x.error(protocolOf(request.path()), Rejection.of(RejectionReason.NO_HEALTHY_ENDPOINT, "internal gateway error"), 500);
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
    Exchange x = new Exchange(request, null, Objects.requireNonNull(response, "response"));
    try {
      dispatch(x);
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

  // ------------------------------------------------------------------ dispatch

  private void dispatch(Exchange x) throws IOException {
    String path = x.request.path();
    String method = x.request.method();
    switch (path) {
      case "/healthz":
        x.json(200, "{\"status\":\"ok\"}");
        return;
      case "/readyz":
        boolean ready = ready();
        x.json(ready ? 200 : 503, ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}");
        return;
      case "/metrics":
        metrics(x);
        return;
      default:
        break;
    }
    x.observed = true;
    Protocol protocol = protocolOf(path);
    Tenant tenant = authenticator.authenticate(x.request);
    if (tenant == null) {
      x.setHeader("www-authenticate", "Bearer");
      x.reject(protocol, Rejection.of(RejectionReason.UNAUTHORIZED,
          x.request.header("authorization") == null && x.request.header("x-api-key") == null
              ? "missing API key (expected: Authorization: Bearer KEY)"
              : "invalid API key"), null);
      return;
    }
    x.tenant = tenant;
    if (path.equals("/v1/models") || path.equals("/models")) {
      requireGet(x, method, protocol);
      if (!x.started) {
        listModels(x, tenant);
      }
      return;
    }
    if (path.startsWith("/v2/models/") && !path.endsWith("/infer")) {
      requireGet(x, method, protocol);
      if (!x.started) {
        modelMetadata(x, tenant, path);
      }
      return;
    }
    if (isInference(path)) {
      if (!method.equals("POST")) {
        x.setHeader("allow", "POST");
        x.error(protocol, Rejection.of(RejectionReason.INVALID_INPUT, method + " " + path + " is not supported (expected: POST)"), 405);
        return;
      }
      infer(x, tenant, protocol);
      return;
    }
    x.error(protocol, Rejection.of(RejectionReason.INVALID_INPUT, "no route for " + method + " " + path), 404);
  }

  /**
   * {@code /metrics} on the gateway's own listener: it names every tenant, endpoint and model, so
   * it is served only with the metrics credential, and is a 404 when none is configured (an admin
   * listener serves it instead).
   */
  private void metrics(Exchange x) throws IOException {
    Protocol protocol = Protocol.OPENAI;
    if (metricsToken == null || metricsText == null) {
      x.error(protocol, Rejection.of(RejectionReason.INVALID_INPUT, "no route for " + x.request.method() + " /metrics"), 404);
    } else if (!MetricsCredential.matches(metricsToken, x.request.header("authorization"))) {
      x.setHeader("www-authenticate", "Bearer");
      x.reject(protocol, Rejection.of(RejectionReason.UNAUTHORIZED, "the metrics credential is missing or wrong"), null);
    } else {
      x.text(200, "text/plain; version=0.0.4; charset=utf-8", metricsText());
    }
  }

  private static void requireGet(Exchange x, String method, Protocol protocol) throws IOException {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      x.setHeader("allow", "GET");
      x.error(protocol, Rejection.of(RejectionReason.INVALID_INPUT, method + " " + x.request.path() + " is not supported (expected: GET)"), 405);
    }
  }

  static Protocol protocolOf(String path) {
    return path.startsWith("/v2/") ? Protocol.OIP : Protocol.OPENAI;
  }

  private static boolean isInference(String path) {
    switch (path) {
      case "/v1/chat/completions":
      case "/v1/completions":
      case "/v1/embeddings":
      case "/chat/completions":
      case "/completions":
      case "/embeddings":
        return true;
      default:
        return path.startsWith("/v2/models/") && path.endsWith("/infer");
    }
  }

  // ------------------------------------------------------------------ model listing and metadata

  private void listModels(Exchange x, Tenant tenant) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (ModelEntry entry : sortedModels(router.registry().snapshot())) {
      if (!tenant.mayUse(entry.name())) {
        continue;
      }
      ObjectNode m = data.addObject();
      m.put("id", entry.name());
      m.put("object", "model");
      m.put("created", 0);
      m.put("owned_by", "modelrouter");
      ArrayNode versions = m.putArray("versions");
      for (ModelVersion v : entry.versions()) {
        versions.add(v.spec().version());
      }
    }
    RouteListing.append(data, router.registry().snapshot(), tenant);
    x.json(200, JSON.writeValueAsString(root));
  }

  private static java.util.List<ModelEntry> sortedModels(RegistrySnapshot snapshot) {
    java.util.List<ModelEntry> list = new java.util.ArrayList<>(snapshot.models());
    list.sort(java.util.Comparator.comparing(ModelEntry::name));
    return list;
  }

  /** {@code GET /v2/models/{name}[/versions/{v}][/ready]}. */
  private void modelMetadata(Exchange x, Tenant tenant, String path) throws IOException {
    String rest = path.substring("/v2/models/".length());
    boolean readyProbe = rest.endsWith("/ready");
    if (readyProbe) {
      rest = rest.substring(0, rest.length() - "/ready".length());
    }
    String name = rest;
    String version = null;
    int v = rest.indexOf("/versions/");
    if (v >= 0) {
      name = rest.substring(0, v);
      version = rest.substring(v + "/versions/".length());
    }
    RegistrySnapshot snapshot = router.registry().snapshot();
    ModelEntry entry = name.isEmpty() || name.indexOf('/') >= 0 ? null : snapshot.model(name);
    io.modelrouter.registry.RouteEntry route = entry == null && !name.isEmpty() ? snapshot.route(name) : null;
    if (route != null) { // a model route: see RouteMetadata
      Rejection refused = RouteMetadata.refusal(route, tenant, version);
      if (refused != null) {
        x.reject(Protocol.OIP, refused, null);
      } else if (readyProbe) {
        boolean up = RouteMetadata.ready(route, tenant);
        x.json(up ? 200 : 503, up ? "{\"ready\":true}" : "{\"ready\":false}");
      } else {
        x.json(200, RouteMetadata.json(route, tenant));
      }
      return;
    }
    if (entry == null || !tenant.mayUse(name)) {
      x.reject(Protocol.OIP, unknownModel(name), null);
      return;
    }
    ModelVersion mv = version == null ? entry.latest() : resolveVersion(entry, version);
    if (mv == null) {
      x.reject(Protocol.OIP, Rejection.of(RejectionReason.NO_MATCHING_VERSION,
          "model '" + name + "' has no version " + version), null);
      return;
    }
    if (readyProbe) {
      boolean up = false;
      for (int i = 0; i < mv.endpointCount(); i++) {
        up |= mv.state(i).status().routable();
      }
      x.json(up ? 200 : 503, up ? "{\"ready\":true}" : "{\"ready\":false}");
      return;
    }
    ModelSpec spec = mv.spec();
    ObjectNode root = JSON.createObjectNode();
    root.put("name", spec.name());
    ArrayNode versions = root.putArray("versions");
    if (version == null) {
      for (ModelVersion each : entry.versions()) {
        versions.add(each.spec().version());
      }
    } else {
      versions.add(spec.version());
    }
    root.put("platform", "modelrouter");
    tensors(root.putArray("inputs"), spec.inputs());
    tensors(root.putArray("outputs"), spec.outputs());
    x.json(200, JSON.writeValueAsString(root));
  }

  /** The version a path selector names; null for none, and for a malformed selector ({@code tag:}, {@code @}). */
  private static @Nullable ModelVersion resolveVersion(ModelEntry entry, String selector) {
    if (selector.isBlank()) {
      return null;
    }
    try {
      return entry.resolve(VersionSelector.parse(selector));
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  static void tensors(ArrayNode array, java.util.List<TensorSpec> specs) {
    for (TensorSpec t : specs) {
      ObjectNode n = array.addObject();
      n.put("name", t.name());
      n.put("datatype", t.datatype());
      ArrayNode shape = n.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
    }
  }

  /** The rejection for a missing model, also used for a model the tenant may not use: the two must look the same. */
  static Rejection unknownModel(String model) {
    return Rejection.of(RejectionReason.UNKNOWN_MODEL, "model '" + model + "' does not exist");
  }

  // ------------------------------------------------------------------ inference

  private void infer(Exchange x, Tenant tenant, Protocol protocol) throws IOException {
    Rejection overLimit = limiter.checkBeforeBody(tenant);
    if (overLimit != null) {
      x.setHeader("connection", "close"); // its body is not read
      x.reject(protocol, overLimit, null);
      return;
    }
    x.request.readBody(maxBodyBytes, Math.min(4 * maxBodyBytes, MAX_DISCARD_BYTES), new GatewayRequest.BodyCallback() {
      @Override
      public void body(byte @Nullable [] body) throws IOException {
        try {
          admit(x, tenant, protocol, body);
        } catch (IOException | RuntimeException e) {
          if (x.async == null) {
            throw e;
          }
          x.fail(e);
        }
      }

      @Override
      public BodyBudget budget() {
        return bodyBudget;
      }

      @Override
      public void failed(IOException e) throws IOException {
        x.setHeader("connection", "close");
        if (e instanceof BodyBudget.Exhausted) {
          x.reject(protocol, Rejection.retryAfter(RejectionReason.OVERLOADED,
              "the gateway is reading as many request bytes as it may at once", SHED_RETRY_AFTER), null);
          return;
        }
        // The client stopped sending (idle timeout, data rate too low) or cut the connection: a
        // 408, if it is still there to read it.
        x.error(protocol, Rejection.of(RejectionReason.INVALID_INPUT, "the request body did not arrive in time"), 408);
      }
    });
  }

  /** Parses and checks a request, admits it under the tenant's quota and the shedder, and forwards it. */
  private void admit(Exchange x, Tenant tenant, Protocol protocol, byte @Nullable [] body) throws IOException {
    if (body == null) {
      x.setHeader("connection", "close");
      x.reject(protocol, Rejection.of(RejectionReason.PAYLOAD_TOO_LARGE,
          "request body is larger than " + maxBodyBytes + " bytes"), null);
      return;
    }
    GatewayRequest request = x.request;
    String target = RequestTarget.forwardable(request.path(), request.pathAndQuery());
    if (target == null) {
      x.reject(protocol, Rejection.of(RejectionReason.INVALID_INPUT,
          "the request path is not in normal form (no dot segments or broken escapes)"), null);
      return;
    }
    x.target = target;
    ParseResult parsed = parser.parse(request.method(), RequestTarget.path(target), request::header, body);
    if (!parsed.isRequest()) {
      x.reject(parsed.protocol(), parsed.rejection(), null);
      return;
    }
    RouteRequest route = parsed.request();
    x.model = route.model();
    if (!tenant.mayUse(route.model())) {
      x.reject(protocol, unknownModel(route.model()), null);
      return;
    }
    RouteRequest.Builder rb = route.toBuilder().tenant(tenant.name()).modelAccess(tenant::mayUse);
    if (route.explain() && !explainTenants.contains(tenant.name()) && !explainTenants.contains(EVERY_TENANT)) {
      rb.explain(false);
    }
    route = hintLimits.getOrDefault(tenant.name(), defaultHintLimits).clamp(rb.build(), requestTimeout);
    Object admitted = limiter.tryAdmit(tenant, TenantLimiter.estimate(route, defaultOutputTokens));
    if (admitted instanceof Rejection) {
      x.reject(protocol, (Rejection) admitted, null);
      return;
    }
    TenantLimiter.Permit permit = (TenantLimiter.Permit) admitted;
    if (!shedder.tryAcquire(route.priority())) {
      limiter.release(permit, TenantLimiter.NOT_SENT);
      x.reject(protocol, Rejection.retryAfter(RejectionReason.OVERLOADED,
          "the gateway is overloaded: " + route.priority().name().toLowerCase(java.util.Locale.ROOT)
              + " requests are shed", SHED_RETRY_AFTER), null);
      return;
    }
    LongConsumer release = tokens -> {
      shedder.release();
      limiter.release(permit, tokens);
    };
    if (x.async != null) {
      forwardAsync(x, x.async, protocol, route, body, release);
      return;
    }
    long tokens = TenantLimiter.NOT_SENT;
    try {
      tokens = forward(x, protocol, route, body);
    } finally {
      release.accept(tokens);
    }
  }

  /**
   * Forwards a routed request and streams the answer back, blocking.
   *
   * @return the tokens its usage reported (0 when unknown), or {@link TenantLimiter#NOT_SENT}
   */
  private long forward(Exchange x, Protocol protocol, RouteRequest route, byte[] body) throws IOException {
    x.routed = true;
    ProxyResponse answer;
    try {
      answer = client.execute(proxyRequest(x, route, body));
    } catch (RejectedException | ForwardingException e) {
      return notForwarded(x, protocol, e);
    }
    try (ProxyResponse r = answer) {
      answerHeaders(x, r);
      try (OutputStream out = x.response().start(r.status(), r.contentLength())) {
        r.transferTo(out);
      } catch (IOException e) {
        answered(x, r);
        throw e;
      }
      return answered(x, r);
    }
  }

  /**
   * Forwards a routed request without blocking and writes the answer as it arrives; {@code
   * release} gets the tokens its usage reported (0 when unknown) or {@link
   * TenantLimiter#NOT_SENT}, once, when the exchange is over.
   */
  private void forwardAsync(Exchange x, AsyncGatewayResponse out, Protocol protocol, RouteRequest route, byte[] body,
      LongConsumer release) {
    x.routed = true;
    CompletableFuture<ProxyResponse> answer;
    try {
      answer = client.executeAsync(proxyRequest(x, route, body));
    } catch (RuntimeException e) {
      release.accept(TenantLimiter.NOT_SENT);
      throw e;
    }
    answer.whenComplete((r, failure) -> {
      if (failure != null) {
        long tokens = TenantLimiter.NOT_SENT;
        try {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
          if (!(cause instanceof RejectedException) && !(cause instanceof ForwardingException)) {
            throw new IllegalStateException("forwarding failed", cause);
          }
          tokens = notForwarded(x, protocol, (Exception) cause);
        } catch (IOException | RuntimeException e) {
          x.fail(e);
        } finally {
          release.accept(tokens);
        }
        return;
      }
      try {
        answerHeaders(x, r);
        out.status(r.status(), r.contentLength());
        r.transferTo(out, broken -> {
          release.accept(answered(x, r));
          if (broken != null) {
            out.abort(broken);
          }
        });
      } catch (RuntimeException e) {
        r.close();
        release.accept(0);
        x.fail(e);
      }
    });
  }

  private ProxyRequest proxyRequest(Exchange x, RouteRequest route, byte[] body) {
    ProxyRequest.Builder pb = ProxyRequest.builder(Objects.requireNonNull(x.target, "target"), route)
        .method(x.request.method());
    forwardedHeaders.forward(x.request, x.request.remoteAddress(), (name, value) -> {
      if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase(RoutingClient.REQUEST_ID_HEADER)) {
        try {
          pb.header(name, value);
        } catch (IllegalArgumentException malformed) {
          log.debug("not forwarding a malformed header: {}", malformed.getMessage()); // a server let it through
        }
      }
    });
    pb.header(RoutingClient.REQUEST_ID_HEADER, x.requestId);
    String contentType = x.request.header("content-type");
    pb.body(body, contentType == null ? "application/json" : contentType);
    return pb.build();
  }

  /**
   * Answers a request the router refused or no endpoint answered.
   *
   * @return the tokens to release: {@link TenantLimiter#NOT_SENT} for a refusal, 0 for a failure
   */
  private long notForwarded(Exchange x, Protocol protocol, Exception e) throws IOException {
    if (e instanceof RejectedException) {
      x.reject(protocol, ((RejectedException) e).rejection(), null);
      return TenantLimiter.NOT_SENT;
    }
    ForwardingException f = (ForwardingException) e;
    RejectionReason reason = f.httpStatus() == 504 ? RejectionReason.DEADLINE_UNMEETABLE : RejectionReason.NO_HEALTHY_ENDPOINT;
    log.info("{} {}: no endpoint answered: {}", x.request.method(), x.request.path(), f.getMessage());
    x.error(protocol, Rejection.of(reason, ClientMessages.notAnswered(f)), f.httpStatus() == 499 ? 502 : f.httpStatus());
    return 0;
  }

  /** Copies the answer's headers (and the explanation) to the client's response. */
  private void answerHeaders(Exchange x, ProxyResponse r) {
    r.forEachHeader((name, value) -> {
      if (headerPolicy.passesToClient(name)) {
        x.addHeader(name, value);
      }
    });
    io.modelrouter.Explanation why = r.decision().explanation();
    io.modelrouter.route.RouteExplanation routeWhy = r.decision().routeExplanation();
    if (why != null) {
      x.setHeader(EXPLAIN_HEADER, (routeWhy == null ? "" : routeWhy.toHeaderValue() + "; ") + why.toHeaderValue());
    }
    x.started = true;
  }

  /**
   * Tells the listeners about a forwarded request once its answer was copied, or failed to be.
   *
   * @return the tokens its usage reported, 0 when unknown
   */
  private long answered(Exchange x, ProxyResponse r) {
    x.done(r.status(), r);
    return r.promptTokens() < 0 ? 0 : (long) r.promptTokens() + r.completionTokens();
  }

  // ------------------------------------------------------------------ responses

  /** One request's response state, and where its response goes: a blocking or an asynchronous one. */
  final class Exchange {
    final GatewayRequest request;
    private final @Nullable GatewayResponse response;
    final @Nullable AsyncGatewayResponse async;
    @Nullable Tenant tenant;
    /** The path and query to forward, once checked ({@link RequestTarget}). */
    @Nullable String target;
    boolean started;
    // What the request listeners hear (CompletedRequest): an API request's facts as they are learnt.
    final long startNanos = System.nanoTime();
    final String requestId;
    boolean observed;
    boolean routed;
    @Nullable String model;
    @Nullable String reason;

    Exchange(GatewayRequest request, @Nullable GatewayResponse response, @Nullable AsyncGatewayResponse async) {
      this.request = request;
      this.response = response;
      this.async = async;
      this.requestId = RequestIds.keepOrCreate(request.header(RoutingClient.REQUEST_ID_HEADER));
    }

    /** Tells the listeners, once, what an API request (not a probe) came to; {@code r} is the endpoint's answer. */
    void done(int status, @Nullable ProxyResponse r) {
      if (!observed || listeners.length == 0) {
        return;
      }
      observed = false;
      CompletedRequest c = new CompletedRequest(requestId, tenant == null ? null : tenant.name(), request.method(),
          request.path(), model, r == null || r.decision().route() == null ? null : r.decision().route().name(),
          r == null ? null : r.decision().model().name(), r == null ? null : r.endpoint().id(),
          status, reason, routed, System.nanoTime() - startNanos,
          r == null || r.firstByteNanos() < 0 ? -1 : r.firstByteNanos() + r.decision().lease().startNanos() - startNanos,
          r == null ? -1 : r.promptTokens(), r == null ? -1 : r.completionTokens(), r == null ? 0 : r.attempts());
      for (RequestListener l : listeners) {
        l.onRequest(c);
      }
    }

    GatewayResponse response() {
      return Objects.requireNonNull(response, "a blocking exchange");
    }

    void setHeader(String name, String value) {
      if (async != null) {
        async.setHeader(name, value);
      } else {
        response().setHeader(name, value);
      }
    }

    void addHeader(String name, String value) {
      if (async != null) {
        async.addHeader(name, value);
      } else {
        response().addHeader(name, value);
      }
    }

    void json(int status, String body) throws IOException {
      text(status, "application/json", body);
    }

    void text(int status, String contentType, String body) throws IOException {
      bytes(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    void bytes(int status, String contentType, byte[] bytes) throws IOException {
      setHeader("content-type", contentType);
      if (observed) {
        setHeader(RoutingClient.REQUEST_ID_HEADER, requestId);
      }
      started = true;
      boolean head = request.method().equals("HEAD");
      if (async != null) {
        async.status(status, bytes.length);
        async.write(ByteBuffer.wrap(bytes, 0, head ? 0 : bytes.length), true, IGNORED);
      } else {
        try (OutputStream out = response().start(status, bytes.length)) {
          if (!head) {
            out.write(bytes);
          }
        }
      }
      done(status, null);
    }

    /**
     * Ends an asynchronous exchange after an unexpected failure: a 500 if nothing was sent yet, a
     * cut connection otherwise.
     */
    void fail(Throwable e) {
      AsyncGatewayResponse out = Objects.requireNonNull(async, "an asynchronous exchange");
      if (started) {
        out.abort(e);
        return;
      }
      log.warn("unexpected failure on {} {}", request.method(), request.path(), e);
      try {
        error(protocolOf(request.path()), Rejection.of(RejectionReason.NO_HEALTHY_ENDPOINT, "internal gateway error"), 500);
      } catch (IOException | RuntimeException again) {
        out.abort(again);
      }
    }

    /** Answers with a rejection in the protocol's error shape, with {@code Retry-After} when it has one. */
    void reject(Protocol protocol, Rejection rejection, @Nullable String explanation) throws IOException {
      if (explanation != null) {
        setHeader(EXPLAIN_HEADER, explanation);
      }
      error(protocol, rejection, rejection.httpStatus());
    }

    void error(Protocol protocol, Rejection rejection, int status) throws IOException {
      Duration retryAfter = rejection.retryAfter();
      if (retryAfter != null) {
        setHeader("retry-after", Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
      }
      setHeader(REASON_HEADER, rejection.reason().code());
      reason = rejection.reason().code();
      bytes(status, "application/json", ErrorBodies.render(protocol, rejection));
    }
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
      this.explainTenants = explain ? java.util.Set.of(EVERY_TENANT) : java.util.Set.of();
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

    public GatewayHandler build() {
      if (maxBytesReading > 0 && maxBytesReading < maxBodyBytes) {
        throw new IllegalArgumentException("maxBytesReading: " + maxBytesReading
            + " (expected: >= maxBodyBytes " + maxBodyBytes + ")");
      }
      return new GatewayHandler(this);
    }
  }
}
