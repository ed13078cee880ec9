package io.modelrouter.examples;

import io.modelrouter.Router;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.gateway.Authenticator;
import io.modelrouter.http.gateway.GatewayConfig;
import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.schema.SchemaValidator;
import io.modelrouter.server.GatewayServer;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The standalone gateway assembled: registry → schema validator → router → routing client →
 * gateway handler → Jetty server. Used by the {@code gateway} and {@code demo} commands and by the
 * end-to-end tests, so that all three run the same thing.
 */
final class GatewayApp implements AutoCloseable {

  private final RoutingClient client;
  private final GatewayServer server;
  private final @Nullable AutoCloseable fleet;

  private GatewayApp(RoutingClient client, GatewayServer server, @Nullable AutoCloseable fleet) {
    this.client = client;
    this.server = server;
    this.fleet = fleet;
  }

  /** Settings the command line may override. */
  record Settings(String host, int port, long maxBodyBytes, int maxHeaderBytes, int maxConnections,
      java.time.Duration idleTimeout, java.time.Duration drainTimeout, int maxInFlight,
      java.time.Duration requestTimeout, boolean explain) {

    static Settings of(GatewayConfig c) {
      return new Settings(c.host(), c.port(), c.maxBodyBytes(), c.maxHeaderBytes(), c.maxConnections(),
          c.idleTimeout(), c.drainTimeout(), c.maxInFlight(), c.requestTimeout(), c.explain());
    }

    static Settings defaults(int port) {
      return new Settings("127.0.0.1", port, GatewayConfig.DEFAULT_MAX_BODY_BYTES, GatewayConfig.DEFAULT_MAX_HEADER_BYTES,
          GatewayConfig.DEFAULT_MAX_CONNECTIONS, GatewayConfig.DEFAULT_IDLE_TIMEOUT, GatewayConfig.DEFAULT_DRAIN_TIMEOUT,
          GatewayHandler.DEFAULT_MAX_IN_FLIGHT, GatewayHandler.DEFAULT_REQUEST_TIMEOUT, true);
    }

    Settings withPort(int newPort) {
      return new Settings(host, newPort, maxBodyBytes, maxHeaderBytes, maxConnections, idleTimeout, drainTimeout,
          maxInFlight, requestTimeout, explain);
    }

    Settings withMaxInFlight(int limit) {
      return new Settings(host, port, maxBodyBytes, maxHeaderBytes, maxConnections, idleTimeout, drainTimeout,
          limit, requestTimeout, explain);
    }
  }

  /**
   * Starts a gateway.
   *
   * @param fleet closed with the gateway (the demo's simulated servers), or null
   */
  static GatewayApp start(ModelRegistry registry, Authenticator authenticator, Settings s, @Nullable AutoCloseable fleet)
      throws IOException {
    SchemaValidator validator = SchemaValidator.create().attachTo(registry);
    Router router = Router.builder(registry).inputValidator(validator).build();
    RoutingClient client = RoutingClient.builder(router).build();
    GatewayHandler handler = GatewayHandler.builder(client)
        .authenticator(authenticator)
        .maxBodyBytes(s.maxBodyBytes())
        .maxInFlight(s.maxInFlight())
        .requestTimeout(s.requestTimeout())
        .explain(s.explain())
        .build();
    GatewayServer server = GatewayServer.builder(handler)
        .host(s.host())
        .port(s.port())
        .maxHeaderBytes(s.maxHeaderBytes())
        .maxConnections(s.maxConnections())
        .idleTimeout(s.idleTimeout())
        .drainTimeout(s.drainTimeout())
        .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
    return new GatewayApp(client, server, fleet);
  }

  int port() {
    return server.port();
  }

  /** {@code http://127.0.0.1:PORT}. */
  String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  GatewayHandler handler() {
    return server.handler();
  }

  void join() throws InterruptedException {
    server.join();
  }

  /** Drains the server, then closes the client and the fleet. */
  @Override
  public void close() {
    server.close();
    client.close();
    if (fleet != null) {
      try {
        fleet.close();
      } catch (Exception e) {
        // Simulated servers only; nothing to report.
      }
    }
  }
}
