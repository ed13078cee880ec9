package io.modelrouter.examples;

import picocli.CommandLine.Command;

/** {@code modelrouter quickstart}: runs the README's embedding quickstart. */
@Command(name = "quickstart", mixinStandardHelpOptions = true, description = "Runs the embedding quickstart and prints a routing decision.")
final class QuickstartCommand implements Runnable {

  @Override
  public void run() {
    Quickstart.main(new String[0]);
  }
}
