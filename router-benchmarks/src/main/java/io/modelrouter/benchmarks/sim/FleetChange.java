package io.modelrouter.benchmarks.sim;

/**
 * A change to one endpoint at a point in simulated time.
 *
 * @param atNanos when it happens
 * @param endpointId which endpoint
 * @param kind what happens
 * @param value the slowdown factor or the failing share; unused otherwise
 */
record FleetChange(long atNanos, String endpointId, Kind kind, double value) {

  /** What happens to the endpoint. */
  enum Kind {
    /** Service times are multiplied by {@code value} from now on (1 restores them). */
    SLOW_DOWN,
    /** A share {@code value} of new requests fails fast with a 500 (0 restores it). */
    FAIL_SHARE,
    /** The process dies: in-flight requests fail, connections are refused; the registry still lists it. */
    CRASH,
    /** The process is back (with an empty cache). */
    RESTART,
    /** Service discovery removes the endpoint from the registry. */
    DEREGISTER,
    /** Service discovery lists the endpoint again. */
    REGISTER
  }

  static FleetChange slowDown(double atSeconds, String endpointId, double factor) {
    return new FleetChange(Units.seconds(atSeconds), endpointId, Kind.SLOW_DOWN, factor);
  }

  static FleetChange failShare(double atSeconds, String endpointId, double share) {
    return new FleetChange(Units.seconds(atSeconds), endpointId, Kind.FAIL_SHARE, share);
  }

  static FleetChange of(double atSeconds, String endpointId, Kind kind) {
    return new FleetChange(Units.seconds(atSeconds), endpointId, kind, 0);
  }

  @Override
  public String toString() {
    String what = switch (kind) {
      case SLOW_DOWN -> "slows down x" + value;
      case FAIL_SHARE -> "fails " + Math.round(value * 100) + "% of requests";
      case CRASH -> "crashes";
      case RESTART -> "restarts";
      case DEREGISTER -> "is deregistered";
      case REGISTER -> "is registered again";
    };
    return "t=" + Units.formatSeconds(atNanos) + " " + endpointId + " " + what;
  }
}
