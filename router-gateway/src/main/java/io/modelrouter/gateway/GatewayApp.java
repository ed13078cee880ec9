package io.modelrouter.gateway;

import io.modelrouter.Router;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.health.HealthChecker;
import io.modelrouter.http.metrics.MetricsScraper;
import io.modelrouter.http.outlier.OutlierDetector;
import io.modelrouter.http.gateway.Authenticator;
import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.schema.SchemaValidator;
import io.modelrouter.server.GatewayServer;
import io.modelrouter.server.JettyTransport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The standalone gateway assembled: registry → schema validator, outlier detector, health checker
 * and metrics scraper → router → routing client → gateway handler → Jetty server. Used by the {@code gateway} and {@code demo} commands and by the
 * end-to-end tests, so that all three run the same thing.
 */
final class GatewayApp implements AutoCloseable {

  private final RoutingClient client;
  private final GatewayServer server;
  private final List<AutoCloseable> closeAfter;

  private GatewayApp(RoutingClient client, GatewayServer server, List<AutoCloseable> closeAfter) {
    this.client = client;
    this.server = server;
    this.closeAfter = closeAfter;
  }

  /**
   * The admin listener's port on 127.0.0.1, which serves {@code /metrics} (it names every tenant,
   * endpoint and model, so not on the gateway's port): 9464, the port Prometheus exporters use; a
   * free one when the gateway's own port is 0.
   */
  static final int DEFAULT_ADMIN_PORT = 9464;

  /**
   * Settings the command line may override.
   *
   * @param healthInterval time between active health checks of each endpoint
   * @param baseEjectionTime how long an endpoint failing passively is first taken out
   */
  record Settings(String host, int port, long maxBodyBytes, int maxHeaderBytes, int maxConnections,
      Duration idleTimeout, Duration drainTimeout, int maxInFlight, Duration requestTimeout, boolean explain,
      Duration healthInterval, Duration baseEjectionTime, int maxThreads) {

    static Settings of(GatewayConfig c) {
      return new Settings(c.host(), c.port(), c.maxBodyBytes(), c.maxHeaderBytes(), c.maxConnections(),
          c.idleTimeout(), c.drainTimeout(), c.maxInFlight(), c.requestTimeout(), c.explain(),
          HealthChecker.DEFAULT_INTERVAL, OutlierDetector.DEFAULT_BASE_EJECTION_TIME, c.maxThreads());
    }

    /** The demo's settings: defaults, with quick health checks and short ejections so recoveries show. */
    static Settings demo(int port) {
      return new Settings("127.0.0.1", port, GatewayConfig.DEFAULT_MAX_BODY_BYTES, GatewayConfig.DEFAULT_MAX_HEADER_BYTES,
          GatewayConfig.DEFAULT_MAX_CONNECTIONS, GatewayConfig.DEFAULT_IDLE_TIMEOUT, GatewayConfig.DEFAULT_DRAIN_TIMEOUT,
          GatewayHandler.DEFAULT_MAX_IN_FLIGHT, GatewayHandler.DEFAULT_REQUEST_TIMEOUT, true,
          Duration.ofSeconds(1), Duration.ofSeconds(3), GatewayConfig.DEFAULT_MAX_THREADS);
    }

    Settings withPort(int newPort) {
      return new Settings(host, newPort, maxBodyBytes, maxHeaderBytes, maxConnections, idleTimeout, drainTimeout,
          maxInFlight, requestTimeout, explain, healthInterval, baseEjectionTime, maxThreads);
    }

    Settings withMaxInFlight(int limit) {
      return new Settings(host, port, maxBodyBytes, maxHeaderBytes, maxConnections, idleTimeout, drainTimeout,
          limit, requestTimeout, explain, healthInterval, baseEjectionTime, maxThreads);
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
    OutlierDetector outliers = OutlierDetector.builder(registry).baseEjectionTime(s.baseEjectionTime()).build();
    Router router = Router.builder(registry)
        .inputValidator(validator)
        .addOutcomeListener(outliers)
        .addFilter(outliers.halfOpenFilter())
        .build();
    // Forwarding on Jetty's asynchronous client, on the server's threads: no thread waits on an
    // endpoint, and one pool serves both sides.
    QueuedThreadPool threads = GatewayServer.threadPool(s.maxThreads());
    try {
      threads.start();
    } catch (Exception e) {
      throw new IOException("cannot start the gateway's threads: " + e.getMessage(), e);
    }
    JettyTransport transport = JettyTransport.builder().executor(threads).build();
    RoutingClient client = RoutingClient.builder(router).transport(transport).build();
    HealthChecker health = HealthChecker.builder(registry).interval(s.healthInterval()).addListener(outliers).build();
    MetricsScraper scraper = MetricsScraper.builder(registry).build();
    List<AutoCloseable> closeAfter = new ArrayList<>(List.of(transport, threads::stop, health, scraper, outliers));
    if (fleet != null) {
      closeAfter.add(fleet);
    }
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
        .threadPool(threads)
        .adminHost("127.0.0.1")
        .adminPort(s.port() == 0 ? 0 : DEFAULT_ADMIN_PORT)
        .build();
    try {
      outliers.start();
      health.start();
      scraper.start();
      server.start();
    } catch (IOException | RuntimeException e) {
      client.close();
      closeAll(closeAfter);
      throw e;
    }
    return new GatewayApp(client, server, closeAfter);
  }

  int port() {
    return server.port();
  }

  /** {@code http://127.0.0.1:PORT} of the admin listener ({@code /metrics}). */
  String adminUrl() {
    return "http://127.0.0.1:" + server.adminPort();
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
    closeAll(closeAfter);
  }

  private static void closeAll(List<AutoCloseable> all) {
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        // Background checkers and simulated servers: nothing left to report at shutdown.
      }
    }
  }
}
