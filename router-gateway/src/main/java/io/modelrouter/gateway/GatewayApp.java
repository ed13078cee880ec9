package io.modelrouter.gateway;

import io.modelrouter.Router;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.health.HealthChecker;
import io.modelrouter.http.metrics.MetricsScraper;
import io.modelrouter.http.outlier.OutlierDetector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelrouter.http.gateway.AccessLog;
import io.modelrouter.http.gateway.Authenticator;
import io.modelrouter.http.observability.RouterMetrics;
import io.modelrouter.http.observability.RouterTracing;
import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.schema.SchemaValidator;
import io.modelrouter.server.GatewayServer;
import io.modelrouter.server.JettyTransport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import java.io.IOException;
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
  private final String adminHost;

  private GatewayApp(RoutingClient client, GatewayServer server, List<AutoCloseable> closeAfter, String adminHost) {
    this.client = client;
    this.server = server;
    this.closeAfter = closeAfter;
    this.adminHost = adminHost;
  }

  /**
   * The demo's configuration: defaults, with quick health checks and short ejections so recoveries
   * show, and explanations on (a demo on loopback shows how it decides; a configured gateway does
   * not unless told to).
   */
  static GatewayConfig demoConfig(int port) {
    GatewayConfig d = GatewayConfig.defaults();
    return d.withServer(d.server().withPort(port).withExplain(true))
        .withHealth(d.health().withIntervalMs(1000))
        .withOutliers(d.outliers().withBaseEjectionTimeMs(3000));
  }

  /**
   * Starts a gateway with every section of {@code config} wired in.
   *
   * @param registry the models and endpoints to route to
   * @param authenticator maps API keys to tenants
   * @param closeWithApp closed after the gateway, in order (the demo's simulated servers, a
   *     registry's watch, a file watcher)
   */
  static GatewayApp start(GatewayConfig config, ModelRegistry registry, Authenticator authenticator,
      AutoCloseable... closeWithApp) throws IOException {
    ServerConfig s = config.server();
    SchemaValidator validator = SchemaValidator.create().attachTo(registry);
    OutlierDetector outliers = config.outliers().build(registry);
    Router router = config.routing().applyTo(Router.builder(registry))
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
    JettyTransport transport = config.forwarding().applyTo(JettyTransport.builder().executor(threads)).build();
    // Observability: Micrometer's Prometheus registry behind /metrics, OpenTelemetry traces
    // configured by OTEL_* (off when unset), the access log through SLF4J.
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RouterMetrics metrics = RouterMetrics.builder(prometheus, registry).outliers(outliers).build();
    Telemetry telemetry = Telemetry.fromEnvironment();
    RoutingClient client = config.forwarding().applyTo(RoutingClient.builder(router).transport(transport))
        .addObserver(metrics)
        .addObserver(RouterTracing.create(telemetry.openTelemetry(), router))
        .build();
    List<AutoCloseable> closeAfter = new ArrayList<>(List.of(transport, threads::stop, outliers, metrics, telemetry));
    // A passed probe returns an ejected endpoint half-open at once.
    HealthChecker health = config.health().enabled()
        ? config.health().applyTo(HealthChecker.builder(registry)).addListener(outliers).build()
        : null;
    MetricsScraper scraper = config.scraping().enabled() ? config.scraping().build(registry) : null;
    if (health != null) {
      closeAfter.add(health);
    }
    if (scraper != null) {
      closeAfter.add(scraper);
    }
    closeAfter.addAll(List.of(closeWithApp));
    GatewayHandler.Builder hb = config.security().applyTo(GatewayHandler.builder(client), s.requestTimeout())
        .authenticator(authenticator)
        .maxBodyBytes(s.maxBodyBytes())
        .maxInFlight(s.maxInFlight())
        .requestTimeout(s.requestTimeout())
        .explainTenants(s.explaining())
        .askStreamUsage(config.forwarding().askStreamUsage())
        .addRequestListener(metrics)
        .addRequestListener(AccessLog.create())
        .metricsText(prometheus::scrape);
    if (s.maxBytesReading() > 0) {
      hb.maxBytesReading(s.maxBytesReading());
    }
    AdminConfig admin = config.admin();
    if (admin.metricsToken() != null) {
      hb.metricsTokenHash(admin.metricsToken());
    }
    GatewayHandler handler = hb.build();
    GatewayServer server = GatewayServer.builder(handler)
        .host(s.host())
        .port(s.port())
        .maxHeaderBytes(s.maxHeaderBytes())
        .maxConnections(s.maxConnections())
        .idleTimeout(s.idleTimeout())
        .drainTimeout(s.drainTimeout())
        .headTimeout(s.headTimeout())
        .maxConnectionsPerAddress(s.maxConnectionsPerAddress())
        .minRequestBytesPerSecond(s.minRequestBytesPerSecond())
        .threadPool(threads)
        .adminHost(admin.host())
        .adminPort(admin.port(s.port()))
        .build();
    try {
      outliers.start();
      if (health != null) {
        health.start();
      }
      if (scraper != null) {
        scraper.start();
      }
      server.start();
    } catch (IOException | RuntimeException e) {
      client.close();
      closeAll(closeAfter);
      throw e;
    }
    return new GatewayApp(client, server, closeAfter, admin.host());
  }

  int port() {
    return server.port();
  }

  /** {@code http://HOST:PORT} of the admin listener ({@code /metrics}), or null when there is none. */
  @Nullable String adminUrl() {
    return server.adminPort() < 0 ? null : "http://" + adminHost + ":" + server.adminPort();
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
