package io.modelrouter.benchmarks.http;

import org.eclipse.jetty.server.ServerConnector;

/** What the JVM peers of the gateway load test share: their command line and their server. */
final class Peers {

  private Peers() {}

  /** {@code PORT UPSTREAM_PORT[,UPSTREAM_PORT...]}, parsed. */
  record Upstreams(int port, int[] ports) {}

  /** Parses {@code PORT UPSTREAM_PORT[,UPSTREAM_PORT...]}, or prints the usage line for {@code peer} and exits with status 2. */
  static Upstreams parse(String peer, String[] args) {
    if (args.length != 2) {
      System.err.println("usage: " + peer + " PORT UPSTREAM_PORT[,UPSTREAM_PORT...]");
      System.exit(2);
    }
    String[] parts = args[1].split(",");
    int[] ports = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      ports[i] = Integer.parseInt(parts[i].trim());
    }
    return new Upstreams(Integer.parseInt(args[0]), ports);
  }

  /** The worker count, {@code -Dthreads}: 32 by default, as the gateway in the load test. */
  static int threads() {
    return Integer.getInteger("threads", 32);
  }

  /** Starts the connector's server and prints the {@code listening on} line the load script waits for. */
  static void serve(ServerConnector connector) throws Exception {
    connector.getServer().start();
    System.out.println("listening on http://127.0.0.1:" + connector.getLocalPort());
    connector.getServer().join();
  }
}
