package io.modelrouter.http.gateway;

import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.internal.RequestIds;
import io.modelrouter.payload.ErrorBodies;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its answer: where the answer goes (a blocking {@link GatewayResponse} or an
 * {@link AsyncGatewayResponse}), the gateway's own answers (small JSON or text bodies, and
 * rejections in the protocol's error shape with their reason code and {@code Retry-After}), the
 * endpoint's headers as they pass to the client, and what the {@link RequestListener}s hear once
 * an API request was answered ({@link CompletedRequest}, built from the facts learnt on the way).
 */
final class GatewayExchange {

  private static final Logger log = LoggerFactory.getLogger(GatewayHandler.class);
  /** The completion of a small answer's only write: a failed one ends the exchange in the binding. */
  private static final Consumer<@Nullable Throwable> IGNORED = failure -> {};

  final GatewayRequest request;
  private final @Nullable GatewayResponse response;
  final @Nullable AsyncGatewayResponse async;
  private final RequestListener[] listeners;
  @Nullable Tenant tenant;
  /** The path and query to forward, once checked ({@link RequestTarget}). */
  @Nullable String target;
  /** Whether the status line went out (or is about to): no error answer can follow. */
  boolean started;
  // What the request listeners hear (CompletedRequest): an API request's facts as they are learnt.
  final long startNanos = System.nanoTime();
  final String requestId;
  /** Whether this is an API request the listeners hear of (not a probe); cleared once they did. */
  boolean observed;
  boolean routed;
  @Nullable String model;
  @Nullable String reason;

  GatewayExchange(GatewayRequest request, @Nullable GatewayResponse response, @Nullable AsyncGatewayResponse async,
      RequestListener[] listeners) {
    this.request = request;
    this.response = response;
    this.async = async;
    this.listeners = listeners;
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

  /**
   * Copies the endpoint's answer headers that the policy lets through, and the explanation when
   * the decision carries one, to the client's response; the status follows.
   */
  void endpointHeaders(ProxyResponse r, HeaderPolicy policy) {
    r.forEachHeader((name, value) -> {
      if (policy.passesToClient(name)) {
        addHeader(name, value);
      }
    });
    io.modelrouter.Explanation why = r.decision().explanation();
    io.modelrouter.route.RouteExplanation routeWhy = r.decision().routeExplanation();
    if (why != null) {
      setHeader(GatewayHandler.EXPLAIN_HEADER, (routeWhy == null ? "" : routeWhy.toHeaderValue() + "; ") + why.toHeaderValue());
    }
    started = true;
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
      internalError();
    } catch (IOException | RuntimeException again) {
      out.abort(again);
    }
  }

  /** The 500 of an unexpected failure, in the request's protocol: never a stack trace. */
  void internalError() throws IOException {
    error(Dispatch.protocolOf(request.path()), Rejection.of(RejectionReason.NO_HEALTHY_ENDPOINT, "internal gateway error"), 500);
  }

  /** Answers with a rejection in the protocol's error shape, with {@code Retry-After} when it has one. */
  void reject(Protocol protocol, Rejection rejection, @Nullable String explanation) throws IOException {
    if (explanation != null) {
      setHeader(GatewayHandler.EXPLAIN_HEADER, explanation);
    }
    error(protocol, rejection, rejection.httpStatus());
  }

  void error(Protocol protocol, Rejection rejection, int status) throws IOException {
    Duration retryAfter = rejection.retryAfter();
    if (retryAfter != null) {
      setHeader("retry-after", Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
    }
    setHeader(GatewayHandler.REASON_HEADER, rejection.reason().code());
    reason = rejection.reason().code();
    bytes(status, "application/json", ErrorBodies.render(protocol, rejection));
  }
}
