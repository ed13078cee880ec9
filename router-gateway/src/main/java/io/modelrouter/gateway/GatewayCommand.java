package io.modelrouter.gateway;

import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.RegistryException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelrouter gateway --config FILE [--port N]} serves the gateway routes from a
 * configuration file; {@code gateway --demo [--port N]} serves them in front of an in-process
 * simulated fleet (see {@link DemoFleet}). Prints {@code listening on http://127.0.0.1:PORT} when
 * ready and runs until stopped; stopping drains in-flight requests.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Runs the standalone gateway from a config file, or in front of the simulated demo fleet.")
final class GatewayCommand implements Callable<Integer> {

  static final class Source {
    @Option(names = "--config", paramLabel = "FILE", description = "Gateway configuration file (YAML or JSON): tenants, limits, registry.")
    Path config;

    @Option(names = "--demo", description = "Serve the simulated demo fleet (API key sk-demo).")
    boolean demo;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source = new Source();

  @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: the config's, or 8080).")
  Integer port;

  @Override
  public Integer call() throws Exception {
    AutoCloseable running;
    String baseUrl;
    @Nullable String adminUrl;
    if (source.demo) {
      DemoFleet fleet = DemoFleet.start(1.0);
      InMemoryRegistry registry = InMemoryRegistry.create();
      registry.replace(fleet.registry());
      GatewayApp app;
      try {
        app = GatewayApp.start(GatewayApp.demoConfig(port == null ? 8080 : port), registry, DemoFleet.authenticator(), fleet);
      } catch (Exception e) {
        fleet.close();
        throw e;
      }
      running = app;
      baseUrl = app.baseUrl();
      adminUrl = app.adminUrl();
    } else {
      GatewayConfig config;
      try {
        config = GatewayConfig.read(source.config);
      } catch (RegistryException e) {
        System.err.println("gateway: " + e.getMessage());
        return 2;
      }
      if (port != null) {
        config = config.withServer(config.server().withPort(port));
      }
      ConfiguredGateway gateway = ConfiguredGateway.start(config);
      Signals.onHangUp(gateway::reload);
      running = gateway;
      baseUrl = gateway.app().baseUrl();
      adminUrl = gateway.app().adminUrl();
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (Exception e) {
        // Shutting down: nothing left to report to.
      }
      stopped.countDown();
    }, "gateway-shutdown"));
    System.out.println("listening on " + baseUrl);
    if (adminUrl != null) {
      System.out.println("metrics on " + adminUrl + "/metrics");
    }
    System.out.flush();
    stopped.await();
    return 0;
  }
}
