package io.modelrouter.server;

import io.modelrouter.http.gateway.GatewayHandler;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What the admin listener serves, and only there: {@code GET /metrics} (Prometheus text, which names
 * every tenant, endpoint and model), {@code /healthz} and {@code /readyz}, without credentials, since
 * the listener is bound to loopback or an operator's network. A request that came in on another
 * listener is passed on.
 */
final class AdminRoutes extends Handler.Abstract.NonBlocking {

  private final GatewayHandler handler;
  private final Connector admin;

  AdminRoutes(GatewayHandler handler, Connector admin) {
    this.handler = handler;
    this.admin = admin;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (request.getConnectionMetaData().getConnector() != admin) {
      return false;
    }
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      answer(response, callback, 405, "application/json", "{\"error\":\"only GET\"}");
    } else if ("/metrics".equals(path)) {
      answer(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", handler.metricsText());
    } else if ("/healthz".equals(path)) {
      answer(response, callback, 200, "application/json", "{\"status\":\"ok\"}");
    } else if ("/readyz".equals(path)) {
      boolean ready = handler.ready();
      answer(response, callback, ready ? 200 : 503, "application/json",
          ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}");
    } else {
      answer(response, callback, 404, "application/json", "{\"error\":\"no route on the admin listener\"}");
    }
    return true;
  }

  private static void answer(Response response, Callback callback, int status, String contentType, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
  }
}
