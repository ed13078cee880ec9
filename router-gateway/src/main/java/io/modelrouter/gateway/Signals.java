package io.modelrouter.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP, the Unix way to ask a daemon to read its configuration again. Uses {@code
 * sun.misc.Signal} (module jdk.unsupported, in every JDK); where the signal is not available
 * (Windows, or a JVM run with {@code -Xrs}) the gateway still reloads on file changes.
 */
final class Signals {

  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Runs {@code action} on each SIGHUP; logs and carries on where there is no such signal. */
  @SuppressWarnings("restriction")
  static void onHangUp(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
        log.info("SIGHUP: reloading the configuration");
        action.run();
      });
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.info("no SIGHUP here ({}); the configuration reloads when its file changes", e.getMessage());
    }
  }
}
