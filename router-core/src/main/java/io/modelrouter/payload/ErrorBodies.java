package io.modelrouter.payload;

import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.Violation;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * Renders a {@link Rejection} as the JSON error body the clients of each protocol expect, to send
 * with {@link Rejection#httpStatus()} and {@code Content-Type: application/json}.
 *
 * <ul>
 *   <li>OpenAI: {@code {"error": {"message", "type", "code", "param", "violations"}}}, where
 *       {@code type} is OpenAI's error class ({@code invalid_request_error},
 *       {@code authentication_error}, {@code rate_limit_error}, {@code server_error}),
 *       {@code code} the stable {@linkplain RejectionReason#code() reason code},
 *       {@code param} the JSON pointer of the first violation (or null), and
 *       {@code violations} (an extension OpenAI clients ignore) every violation with its
 *       pointer, message, expected and found;
 *   <li>Open Inference Protocol: {@code {"error": "message"}}, the message naming each
 *       violation, as KServe and Triton answer.
 * </ul>
 *
 * <p>Pure functions: thread-safe, no state.
 */
public final class ErrorBodies {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private ErrorBodies() {}

  /** The error body for {@code rejection} in {@code protocol}'s shape, as UTF-8 JSON. */
  public static byte[] render(Protocol protocol, Rejection rejection) {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(rejection, "rejection");
    return protocol == Protocol.OIP ? oip(rejection) : openAi(rejection);
  }

  /** OpenAI's {@code error.type} for a reason. */
  static String openAiType(RejectionReason reason) {
    switch (reason.httpStatus()) {
      case 401:
        return "authentication_error";
      case 429:
        return "rate_limit_error";
      default:
        return reason.httpStatus() >= 500 ? "server_error" : "invalid_request_error";
    }
  }

  private static byte[] openAi(Rejection rejection) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeName("error");
      g.writeStartObject();
      g.writeStringProperty("message", rejection.message());
      g.writeStringProperty("type", openAiType(rejection.reason()));
      g.writeStringProperty("code", rejection.reason().code());
      if (rejection.violations().isEmpty() || rejection.violations().get(0).pointer().isEmpty()) {
        g.writeNullProperty("param");
      } else {
        g.writeStringProperty("param", rejection.violations().get(0).pointer());
      }
      if (!rejection.violations().isEmpty()) {
        g.writeName("violations");
        g.writeStartArray();
        for (Violation v : rejection.violations()) {
          g.writeStartObject();
          g.writeStringProperty("pointer", v.pointer());
          g.writeStringProperty("message", v.message());
          if (v.expected() != null) {
            g.writeStringProperty("expected", v.expected());
          }
          if (v.found() != null) {
            g.writeStringProperty("found", v.found());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private static byte[] oip(Rejection rejection) {
    StringBuilder message = new StringBuilder(rejection.message());
    List<Violation> violations = rejection.violations();
    for (int i = 0; i < violations.size(); i++) {
      Violation v = violations.get(i);
      if (i > 0 || !rejection.message().contains(v.message())) {
        message.append("; ").append(v.pointer().isEmpty() ? "(body)" : v.pointer()).append(": ").append(v.message());
      }
      if (v.expected() != null) {
        message.append(" (expected: ").append(v.expected());
        if (v.found() != null) {
          message.append(", found: ").append(v.found());
        }
        message.append(')');
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringProperty("error", message.toString());
      g.writeEndObject();
    }
    return out.toByteArray();
  }
}
