package io.modelrouter.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * A simulated server's one HTTP handler: {@code /metrics}, else the protocol's routes. A route
 * asked for with the wrong method gets a 405 in the protocol's error shape; an exchange whose
 * client went away, or whose server was killed, is dropped; every exchange is closed.
 */
final class SimHandler implements HttpHandler {

  private final MetricsExposition metrics;
  private final Emulation emulation;

  SimHandler(MetricsExposition metrics, Emulation emulation) {
    this.metrics = metrics;
    this.emulation = emulation;
  }

  @Override
  public void handle(HttpExchange ex) {
    try {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      if (path.equals("/metrics")) {
        HttpExchanges.requireGet(method);
        HttpExchanges.send(ex, 200, MetricsExposition.CONTENT_TYPE, metrics.text());
        return;
      }
      emulation.route(ex, method, path);
    } catch (HttpExchanges.MethodNotAllowed e) {
      HttpExchanges.drain(ex);
      try {
        emulation.sendError(ex, 405, "method " + ex.getRequestMethod() + " is not allowed here");
      } catch (IOException | RuntimeException gone) {
        // the client went away
      }
    } catch (IOException | RuntimeException e) {
      // The client went away or the server was killed; nothing left to answer.
    } finally {
      ex.close();
    }
  }
}
