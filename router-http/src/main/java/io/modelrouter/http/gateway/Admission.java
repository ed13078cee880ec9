package io.modelrouter.http.gateway;

import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.RouteRequest;
import io.modelrouter.payload.ParseResult;
import io.modelrouter.payload.PayloadParser;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Whether a request gets in, and on what terms: the caller is authenticated (401 before the body
 * is read), its tenant is checked at its limits before the body is read (429), the body is read
 * within its size limit (413) and the gateway-wide budget of bytes being read (503), the request
 * target and payload are checked (4xx in the protocol's shape), the tenant may use the model (else
 * it looks unknown, 404), explanations are kept to the tenants allowed them, routing hints are
 * clamped to the tenant's {@link HintLimits}, the tenant's quota is charged an estimate of its
 * tokens (429 with {@code Retry-After}), and the load shedder gives a slot by priority (503 with
 * {@code Retry-After}). An admitted request goes to {@link Forwarding} with what gives the quota
 * and the slot back.
 */
final class Admission {

  /** Retry-after hint when shedding: 1 s, about the time in-flight requests take to free slots. */
  static final Duration SHED_RETRY_AFTER = Duration.ofSeconds(1);
  /**
   * The most of an oversized body read and dropped before answering 413 (also at most four times
   * the body limit): enough for clients that send the whole body before reading, such as the
   * official SDKs, to see the 413 rather than a reset; beyond it the connection just closes.
   */
  static final long MAX_DISCARD_BYTES = 64L * 1024 * 1024;
  /** In {@code explainTenants}: every tenant. */
  static final String EVERY_TENANT = "*";

  private final Authenticator authenticator;
  private final PayloadParser parser;
  private final long maxBodyBytes;
  private final BodyBudget bodyBudget;
  private final Duration requestTimeout;
  /** The tenants whose explain requests are honoured; {@code *} for every tenant. */
  private final Set<String> explainTenants;
  private final Map<String, HintLimits> hintLimits;
  private final HintLimits defaultHintLimits;
  private final int defaultOutputTokens;
  private final TenantLimiter limiter;
  private final LoadShedder shedder;
  private final Forwarding forwarding;

  Admission(Authenticator authenticator, PayloadParser parser, long maxBodyBytes, BodyBudget bodyBudget,
      Duration requestTimeout, Set<String> explainTenants, Map<String, HintLimits> hintLimits,
      HintLimits defaultHintLimits, int defaultOutputTokens, TenantLimiter limiter, LoadShedder shedder,
      Forwarding forwarding) {
    this.authenticator = authenticator;
    this.parser = parser;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyBudget = bodyBudget;
    this.requestTimeout = requestTimeout;
    this.explainTenants = Set.copyOf(explainTenants);
    this.hintLimits = Map.copyOf(hintLimits);
    this.defaultHintLimits = defaultHintLimits;
    this.defaultOutputTokens = defaultOutputTokens;
    this.limiter = limiter;
    this.shedder = shedder;
    this.forwarding = forwarding;
  }

  /** The rejection for a missing model, also used for a model the tenant may not use: the two must look the same. */
  static Rejection unknownModel(String model) {
    return Rejection.of(RejectionReason.UNKNOWN_MODEL, "model '" + model + "' does not exist");
  }

  /** The caller's tenant, noted on the exchange; null once a 401 was answered. */
  @Nullable Tenant authenticate(GatewayExchange x, Protocol protocol) throws IOException {
    Tenant tenant = authenticator.authenticate(x.request);
    if (tenant == null) {
      x.setHeader("www-authenticate", "Bearer");
      x.reject(protocol, Rejection.of(RejectionReason.UNAUTHORIZED,
          x.request.header("authorization") == null && x.request.header("x-api-key") == null
              ? "missing API key (expected: Authorization: Bearer KEY)"
              : "invalid API key"), null);
      return null;
    }
    x.tenant = tenant;
    return tenant;
  }

  /** An inference request: the tenant's limits before the body, then the body, then {@link #admit}. */
  void infer(GatewayExchange x, Tenant tenant, Protocol protocol) throws IOException {
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
  private void admit(GatewayExchange x, Tenant tenant, Protocol protocol, byte @Nullable [] body) throws IOException {
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
          "the gateway is overloaded: " + route.priority().name().toLowerCase(Locale.ROOT)
              + " requests are shed", SHED_RETRY_AFTER), null);
      return;
    }
    LongConsumer release = tokens -> {
      shedder.release();
      limiter.release(permit, tokens);
    };
    forwarding.forward(x, protocol, route, body, release);
  }
}
