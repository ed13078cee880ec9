package io.modelrouter.http.gateway;

import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Which part of the gateway answers a path: the probes ({@code /healthz}, {@code /readyz}, without
 * authentication), {@code /metrics} (only with its own credential), and, once {@link Admission}
 * authenticated the caller, the model list ({@link ModelListing}), the OIP model metadata ({@link
 * ModelMetadata}) and inference ({@link Admission#infer}). Anything else is a protocol-shaped 404,
 * a wrong method a 405 with {@code Allow}.
 */
final class Dispatch {

  private final Admission admission;
  private final ModelListing listing;
  private final ModelMetadata metadata;
  private final BooleanSupplier ready;
  private final @Nullable String metricsToken;
  private final @Nullable Supplier<String> metricsText;

  Dispatch(Admission admission, ModelListing listing, ModelMetadata metadata, BooleanSupplier ready,
      @Nullable String metricsToken, @Nullable Supplier<String> metricsText) {
    this.admission = admission;
    this.listing = listing;
    this.metadata = metadata;
    this.ready = ready;
    this.metricsToken = metricsToken;
    this.metricsText = metricsText;
  }

  void dispatch(GatewayExchange x) throws IOException {
    String path = x.request.path();
    String method = x.request.method();
    switch (path) {
      case "/healthz":
        x.json(200, "{\"status\":\"ok\"}");
        return;
      case "/readyz":
        boolean up = ready.getAsBoolean();
        x.json(up ? 200 : 503, up ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}");
        return;
      case "/metrics":
        metrics(x);
        return;
      default:
        break;
    }
    x.observed = true;
    Protocol protocol = protocolOf(path);
    Tenant tenant = admission.authenticate(x, protocol);
    if (tenant == null) {
      return;
    }
    if (path.equals("/v1/models") || path.equals("/models")) {
      if (requireGet(x, method, protocol)) {
        listing.list(x, tenant);
      }
      return;
    }
    if (path.startsWith("/v2/models/") && !path.endsWith("/infer")) {
      if (requireGet(x, method, protocol)) {
        metadata.answer(x, tenant, path);
      }
      return;
    }
    if (isInference(path)) {
      if (!method.equals("POST")) {
        x.setHeader("allow", "POST");
        x.error(protocol, Rejection.of(RejectionReason.INVALID_INPUT, method + " " + path + " is not supported (expected: POST)"), 405);
        return;
      }
      admission.infer(x, tenant, protocol);
      return;
    }
    x.error(protocol, Rejection.of(RejectionReason.INVALID_INPUT, "no route for " + method + " " + path), 404);
  }

  /**
   * {@code /metrics} on the gateway's own listener: it names every tenant, endpoint and model, so
   * it is served only with the metrics credential, and is a 404 when none is configured (an admin
   * listener serves it instead).
   */
  private void metrics(GatewayExchange x) throws IOException {
    Protocol protocol = Protocol.OPENAI;
    if (metricsToken == null || metricsText == null) {
      x.error(protocol, Rejection.of(RejectionReason.INVALID_INPUT, "no route for " + x.request.method() + " /metrics"), 404);
    } else if (!MetricsCredential.matches(metricsToken, x.request.header("authorization"))) {
      x.setHeader("www-authenticate", "Bearer");
      x.reject(protocol, Rejection.of(RejectionReason.UNAUTHORIZED, "the metrics credential is missing or wrong"), null);
    } else {
      x.text(200, "text/plain; version=0.0.4; charset=utf-8", metricsText.get());
    }
  }

  /** Whether the method is GET or HEAD; otherwise answers 405 and returns false. */
  private static boolean requireGet(GatewayExchange x, String method, Protocol protocol) throws IOException {
    if (method.equals("GET") || method.equals("HEAD")) {
      return true;
    }
    x.setHeader("allow", "GET");
    x.error(protocol, Rejection.of(RejectionReason.INVALID_INPUT, method + " " + x.request.path() + " is not supported (expected: GET)"), 405);
    return false;
  }

  /** The protocol a path speaks, and so the shape of its errors: OIP under {@code /v2/}, OpenAI elsewhere. */
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
}
