package io.modelrouter.benchmarks.http;

/** The command line both JVM peers of the gateway load test take: {@code PORT UPSTREAM_PORT[,UPSTREAM_PORT...]}. */
final class PeerArgs {

  final int port;
  final int[] upstreams;

  private PeerArgs(int port, int[] upstreams) {
    this.port = port;
    this.upstreams = upstreams;
  }

  /** Parses the arguments, or prints the usage line for {@code peer} and exits with status 2. */
  static PeerArgs parse(String peer, String[] args) {
    if (args.length != 2) {
      System.err.println("usage: " + peer + " PORT UPSTREAM_PORT[,UPSTREAM_PORT...]");
      System.exit(2);
    }
    String[] parts = args[1].split(",");
    int[] upstreams = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      upstreams[i] = Integer.parseInt(parts[i].trim());
    }
    return new PeerArgs(Integer.parseInt(args[0]), upstreams);
  }
}
