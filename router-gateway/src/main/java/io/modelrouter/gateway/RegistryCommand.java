package io.modelrouter.gateway;

import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RegistryException;
import io.modelrouter.registry.RegistryFiles;
import io.modelrouter.registry.etcd.EtcdClient;
import io.modelrouter.registry.etcd.EtcdException;
import io.modelrouter.registry.etcd.EtcdRegistry;
import io.modelrouter.registry.etcd.EtcdRegistryStore;
import io.modelrouter.registry.etcd.KeyProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelrouter registry import|list}: puts a registry file into etcd for every gateway
 * replica to see, and shows what etcd holds. See docs/scale-out.md.
 */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = "Imports a registry file into etcd, or lists the registry held there.",
    subcommands = {RegistryCommand.Import.class, RegistryCommand.ListKeys.class})
final class RegistryCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the registry lives in etcd. */
  static final class EtcdOptions {
    @Option(names = "--etcd", required = true, split = ",", paramLabel = "URL",
        description = "etcd client URL(s), such as http://127.0.0.1:2379 (comma-separated or repeated).")
    List<String> urls;

    @Option(names = "--prefix", paramLabel = "P", defaultValue = EtcdRegistry.DEFAULT_PREFIX,
        description = "Key prefix of the registry (default: ${DEFAULT-VALUE}).")
    String prefix;
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Writes every model and endpoint of a registry file (YAML or JSON) into etcd, in one transaction per 128 keys.")
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin EtcdOptions etcd;

    @Option(names = "--prune", description = "Also delete keys under the prefix that are not in the file.")
    boolean prune;

    @Parameters(paramLabel = "FILE", description = "The registry file; .json is read as JSON, anything else as YAML.")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      RegistryContent content;
      try {
        content = RegistryFiles.read(file);
      } catch (RegistryException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
      try (EtcdClient client = EtcdClient.builder(etcd.urls).build()) {
        EtcdRegistryStore store = EtcdRegistryStore.of(client, etcd.prefix);
        long revision = store.importContent(content, prune);
        out.printf("imported %d models and %d endpoints into %s under %s (revision %d)%n",
            content.models().size(), content.endpoints().size(), String.join(",", etcd.urls), store.prefix(), revision);
        return 0;
      } catch (EtcdException | IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Prints the registry held in etcd as a registry document (re-importable); skipped keys go to stderr.")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin EtcdOptions etcd;

    @Option(names = "--format", defaultValue = "yaml", description = "yaml or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      RegistryFiles.Format syntax;
      switch (format.toLowerCase(Locale.ROOT)) {
        case "yaml" -> syntax = RegistryFiles.Format.YAML;
        case "json" -> syntax = RegistryFiles.Format.JSON;
        default -> {
          err.println("error: --format " + format + " (expected: yaml or json)");
          return 2;
        }
      }
      try (EtcdClient client = EtcdClient.builder(etcd.urls).build()) {
        EtcdRegistryStore store = EtcdRegistryStore.of(client, etcd.prefix);
        EtcdRegistryStore.Listing listing = store.list();
        out.print(RegistryFiles.write(listing.content(), syntax));
        out.flush();
        err.printf("%d models and %d endpoints under %s at revision %d%n",
            listing.content().models().size(), listing.content().endpoints().size(), store.prefix(), listing.revision());
        for (KeyProblem p : listing.problems()) {
          err.println("skipped " + p);
        }
        return 0;
      } catch (EtcdException | IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
    }
  }
}
