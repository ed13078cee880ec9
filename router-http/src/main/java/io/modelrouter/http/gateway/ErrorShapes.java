package io.modelrouter.http.gateway;

import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.Violation;
import tools.jackson.databind.node.ObjectNode;

/** Renders a rejection as each protocol's error body. */
final class ErrorShapes {

  private ErrorShapes() {}

  static String render(Protocol protocol, Rejection rejection) {
    ObjectNode root = GatewayHandler.JSON.createObjectNode();
    if (protocol == Protocol.OIP) {
      root.put("error", rejection.message());
      return GatewayHandler.JSON.writeValueAsString(root);
    }
    ObjectNode error = root.putObject("error");
    error.put("message", rejection.message());
    int status = rejection.httpStatus();
    error.put("type", status == 401 ? "authentication_error" : status == 429 ? "rate_limit_error"
        : status >= 500 ? "server_error" : "invalid_request_error");
    error.put("code", rejection.reason().code());
    if (rejection.violations().isEmpty()) {
      error.putNull("param");
    } else {
      Violation v = rejection.violations().get(0);
      error.put("param", v.pointer());
    }
    return GatewayHandler.JSON.writeValueAsString(root);
  }
}
