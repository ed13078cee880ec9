package io.modelrouter.gateway;

import io.modelrouter.registry.InMemoryRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelrouter demo}: starts the simulated fleet and a gateway in front of it, drives a
 * mixed workload for about 30 seconds with a live progress line (killing and restarting one
 * endpoint on the way), prints a table and writes an HTML report to {@code target/demo-report/}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Runs a gateway in front of a simulated fleet, drives a mixed workload, and reports.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--duration", description = "How long the workload runs, in seconds (default: ${DEFAULT-VALUE}).", defaultValue = "30")
  int durationSeconds;

  @Option(names = "--concurrency", description = "Concurrent clients (default: ${DEFAULT-VALUE}).", defaultValue = "16")
  int concurrency;

  @Option(names = "--port", description = "Gateway port; 0 picks a free one (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  int port;

  @Option(names = "--report-dir", description = "Where the HTML report goes (default: ${DEFAULT-VALUE}).", defaultValue = "target/demo-report")
  Path reportDir;

  @Option(names = "--seed", description = "Seed of the workload's random choices (default: ${DEFAULT-VALUE}).", defaultValue = "7")
  long seed;

  @Option(names = "--speed", hidden = true, description = "Multiplies the fleet's latencies (tests use less).", defaultValue = "1.0")
  double speed;

  @Override
  public Integer call() throws Exception {
    if (durationSeconds < 1 || concurrency < 1) {
      System.err.println("demo: --duration and --concurrency must be >= 1");
      return 2;
    }
    System.out.println("modelrouter demo: starting 9 simulated model servers and a gateway");
    DemoFleet fleet = DemoFleet.start(speed);
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(fleet.registry());
    try (GatewayApp app = GatewayApp.start(GatewayApp.demoConfig(port), registry, DemoFleet.authenticator(), fleet)) {
      System.out.println("listening on " + app.baseUrl());
      System.out.println("fleet: " + describe(fleet));
      System.out.println("driving a mixed workload for " + durationSeconds + " s with " + concurrency
          + " clients (API key " + DemoFleet.DEMO_KEY + ")");
      DemoWorkload workload = new DemoWorkload(app.baseUrl(), fleet, Duration.ofSeconds(durationSeconds), concurrency, seed,
          System.out, System.console() != null);
      DemoWorkload.Result result = workload.run();
      DemoReport report = new DemoReport(result);
      System.out.println();
      System.out.print(report.table());
      Path html = report.writeHtml(reportDir);
      System.out.println();
      System.out.println("report: " + html.toAbsolutePath());
    }
    return 0;
  }

  private static String describe(DemoFleet fleet) {
    StringBuilder sb = new StringBuilder();
    for (DemoFleet.Member m : fleet.members()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(m.endpoint().id()).append(' ').append(m.endpoint().serves());
    }
    return sb.toString();
  }
}
