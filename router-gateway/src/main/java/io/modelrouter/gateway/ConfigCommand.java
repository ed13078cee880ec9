package io.modelrouter.gateway;

import io.modelrouter.registry.RegistryException;
import io.modelrouter.registry.RegistryFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelrouter config check FILE}: validates a gateway configuration (and the registry file
 * it names) without starting anything, and prints the effective configuration with every default
 * filled in. Exit code 0 when valid, 1 with the file, line and column of the first problem.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Checks gateway configuration files.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Validates a configuration file and prints the effective configuration, every default filled in.")
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The gateway configuration (YAML, or JSON for a .json name).")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      GatewayConfig config;
      try {
        config = GatewayConfig.read(file);
      } catch (RegistryException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
      String effective = config.effective(RegistryFiles.Format.forFileName(file.toString()));
      out.print(effective.endsWith("\n") ? effective : effective + "\n");
      out.flush();
      err.printf("%s: valid (%d tenants, registry %s)%n", file, config.tenants().size(), describe(config));
      return 0;
    }

    private static String describe(GatewayConfig c) {
      if (c.registry().etcd() != null) {
        return "on etcd " + String.join(",", c.registry().etcd().endpoints()) + " under " + c.registry().etcd().prefix();
      }
      if (c.registryFile() != null) {
        return "from " + c.registryFile();
      }
      return "inline: " + c.inlineRegistry().models().size() + " models, " + c.inlineRegistry().endpoints().size() + " endpoints, "
          + c.inlineRegistry().routes().size() + " routes";
    }
  }
}
