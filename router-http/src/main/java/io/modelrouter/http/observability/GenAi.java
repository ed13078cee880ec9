package io.modelrouter.http.observability;

import io.modelrouter.Decision;
import io.modelrouter.Operation;
import io.modelrouter.Outcome;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.RegistrySnapshot;
import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The OpenTelemetry GenAI semantic conventions' names and values, shared by metrics and traces
 * (no Micrometer or OpenTelemetry type here, so either may be absent).
 */
final class GenAi {

  static final String OPERATION_NAME = "gen_ai.operation.name";
  static final String PROVIDER_NAME = "gen_ai.provider.name";
  static final String REQUEST_MODEL = "gen_ai.request.model";
  static final String RESPONSE_MODEL = "gen_ai.response.model";
  static final String TOKEN_TYPE = "gen_ai.token.type";
  static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
  static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  static final String SERVER_ADDRESS = "server.address";
  static final String SERVER_PORT = "server.port";
  static final String ERROR_TYPE = "error.type";

  /** The values above, made once: these are written on every request. */
  private static final String[] OUTCOME_KINDS = lower(Outcome.Kind.values());
  private static final String[] FAILURE_KINDS = lower(ForwardingException.Kind.values());
  private static final String[] STATUS_CODES = new String[200];

  static {
    for (int i = 0; i < STATUS_CODES.length; i++) {
      STATUS_CODES[i] = Integer.toString(400 + i);
    }
  }

  private GenAi() {}

  /** {@code gen_ai.operation.name}: the conventions' well-known values, {@code infer} for OIP. */
  static String operation(Operation op) {
    switch (op) {
      case CHAT:
        return "chat";
      case COMPLETION:
        return "text_completion";
      case EMBEDDING:
        return "embeddings";
      default:
        return "infer";
    }
  }

  /** {@code gen_ai.provider.name}: the endpoint's server kind from the registry (vllm, sglang, triton, ...). */
  static String provider(Endpoint endpoint) {
    return endpoint.server();
  }

  /**
   * {@code gen_ai.request.model} as a label value: the route the request named, else the name the
   * client asked for when the registry knows it, else the model that answered. A name a client
   * made up never comes out of here.
   */
  static String requestModel(String asked, RegistrySnapshot snapshot, Decision decision) {
    io.modelrouter.registry.RouteSpec route = decision.route();
    if (route != null) {
      return route.name();
    }
    return snapshot.model(asked) != null ? asked : decision.model().name();
  }

  /** The route a decision went through, as a label or attribute value: empty for a model named directly. */
  static String routeLabel(Decision decision) {
    io.modelrouter.registry.RouteSpec route = decision.route();
    return route == null ? "" : route.name();
  }

  static String host(Endpoint endpoint) {
    String host = endpoint.baseUrl().getHost();
    return host == null ? "" : host;
  }

  static int port(Endpoint endpoint) {
    URI uri = endpoint.baseUrl();
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** {@code error.type} of an answer: its status code from 400 up, else null (no error). */
  static @Nullable String errorType(int status) {
    if (status < 400) {
      return null;
    }
    return status < 600 ? STATUS_CODES[status - 400] : Integer.toString(status);
  }

  /** {@code error.type} of an attempt's outcome: null for a success. */
  static @Nullable String errorType(Outcome outcome) {
    if (outcome.httpStatus() > 0) {
      return errorType(outcome.httpStatus());
    }
    return outcome.isFailure() || outcome.kind() == Outcome.Kind.CANCELLED ? name(outcome.kind()) : null;
  }

  /** An outcome's kind as a label or attribute value ({@code success}, {@code timeout}, ...). */
  static String name(Outcome.Kind kind) {
    return OUTCOME_KINDS[kind.ordinal()];
  }

  /** A forwarding failure's kind as a label or attribute value. */
  static String name(ForwardingException.Kind kind) {
    return FAILURE_KINDS[kind.ordinal()];
  }

  private static String[] lower(Enum<?>[] values) {
    String[] names = new String[values.length];
    for (Enum<?> v : values) {
      names[v.ordinal()] = v.name().toLowerCase(Locale.ROOT);
    }
    return names;
  }
}
