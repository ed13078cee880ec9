package io.modelrouter.gateway;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code modelrouter.jar} entry point: one executable jar, one subcommand per program.
 * Add a subcommand by listing its class in {@code subcommands}.
 */
@Command(
    name = "modelrouter",
    mixinStandardHelpOptions = true,
    version = "modelrouter 0.1.0-SNAPSHOT",
    description = "Routes ML inference requests to the best model endpoint.",
    subcommands = {
      GatewayCommand.class,
      SimServerCommand.class,
      DemoCommand.class,
      RegistryCommand.class,
      ConfigCommand.class,
      RegisterCommand.class,
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
