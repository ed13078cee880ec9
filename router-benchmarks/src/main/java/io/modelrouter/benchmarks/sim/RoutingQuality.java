package io.modelrouter.benchmarks.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs every routing-quality scenario, prints the tables and writes the HTML report.
 *
 * <pre>
 * ./mvnw -B -q -pl router-benchmarks -am package -DskipTests
 * java -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.sim.RoutingQuality
 * </pre>
 *
 * <p>Options: {@code --quick} (the short versions the tests run), {@code --seed N} (default
 * {@value #DEFAULT_SEED}), {@code --out FILE} (default {@value #DEFAULT_OUT}), {@code --only N}
 * (one scenario, 1 to 7).
 */
public final class RoutingQuality {

  /** The seed of the published tables. */
  public static final long DEFAULT_SEED = 20160316L;

  /** Where the report goes unless {@code --out} says otherwise. */
  public static final String DEFAULT_OUT = "router-benchmarks/target/routing-quality/report.html";

  private RoutingQuality() {}

  /** Entry point; exits with status 2 on a bad argument. */
  public static void main(String[] args) throws IOException {
    long seed = DEFAULT_SEED;
    boolean quick = false;
    Path out = Path.of(DEFAULT_OUT);
    int only = 0;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> quick = true;
          case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
          case "--out" -> out = Path.of(value(args, ++i, "--out"));
          case "--only" -> only = Integer.parseInt(value(args, ++i, "--only"));
          case "-h", "--help" -> {
            System.out.println("usage: RoutingQuality [--quick] [--seed N] [--out FILE] [--only 1..7]");
            return;
          }
          default -> throw new IllegalArgumentException("unknown option: " + args[i]
              + " (expected: --quick, --seed N, --out FILE, --only 1..7)");
        }
      }
      if (only < 0 || only > 7) {
        throw new IllegalArgumentException("--only: " + only + " (expected: 1..7)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("routing-quality: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrintStream err = System.err;
    long started = System.nanoTime();
    Scenarios.Progress progress = new Scenarios.Progress() {
      int n;

      @Override
      public void starting(String scenario, String run) {
        err.printf(Locale.ROOT, "[%3d | %5.1fs] %s · %s%n", ++n, (System.nanoTime() - started) / 1e9, scenario, run);
      }
    };
    List<ScenarioReport> reports = run(seed, quick, only, progress);
    for (ScenarioReport r : reports) {
      System.out.println();
      System.out.println("== " + r.title());
      System.out.println(r.table().toText());
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, HtmlReport.render(reports, seed, quick), StandardCharsets.UTF_8);
    err.printf(Locale.ROOT, "done in %.1fs; report: %s%n", (System.nanoTime() - started) / 1e9, out.toAbsolutePath());
  }

  static List<ScenarioReport> run(long seed, boolean quick, int only, Scenarios.Progress progress) {
    List<ScenarioReport> reports = new ArrayList<>();
    if (only == 0 || only == 1) {
      reports.add(Scenarios.linkerd(seed, quick, progress));
    }
    if (only == 0 || only == 2) {
      reports.add(Scenarios.heterogeneous(seed, quick, progress, 0.70, 0.85, 0.95));
    }
    if (only == 0 || only == 3) {
      reports.add(Scenarios.prefixSharing(seed, quick, progress));
    }
    if (only == 0 || only == 4) {
      reports.add(Scenarios.budgetsAndCost(seed, quick, progress));
    }
    if (only == 0 || only == 5) {
      reports.add(Scenarios.failureDrill(seed, quick, progress));
    }
    if (only == 0 || only == 6) {
      reports.add(ModelRouteScenario.report(seed, quick, progress));
    }
    if (only == 0 || only == 7) {
      reports.add(Scenarios.multiTurn(seed, quick, progress));
    }
    return reports;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + ": missing value");
    }
    return args[i];
  }
}
