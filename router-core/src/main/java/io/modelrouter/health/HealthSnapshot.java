package io.modelrouter.health;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time copy of every endpoint's signals, for dashboards, health endpoints and tests.
 * Building one copies; routing never does.
 */
public final class HealthSnapshot {

  /** One endpoint's signals at the time of the snapshot. */
  public record EndpointHealth(
      String endpointId,
      EndpointStatus status,
      int inFlight,
      double latencyEwmaMillis,
      int queueDepth,
      int running,
      double kvCacheUsage,
      long requests,
      long failures,
      int consecutiveFailures) {

    static EndpointHealth of(EndpointState s) {
      return new EndpointHealth(
          s.id(),
          s.status(),
          s.inFlight(),
          s.latencyEwmaNanos() / 1e6,
          s.queueDepth(),
          s.running(),
          s.kvCacheUsage(),
          s.requests(),
          s.failures(),
          s.consecutiveFailures());
    }
  }

  private final List<EndpointHealth> endpoints;

  private HealthSnapshot(List<EndpointHealth> endpoints) {
    this.endpoints = List.copyOf(endpoints);
  }

  /** Copies the signals of the given states. */
  public static HealthSnapshot of(Iterable<EndpointState> states) {
    Objects.requireNonNull(states, "states");
    java.util.ArrayList<EndpointHealth> list = new java.util.ArrayList<>();
    for (EndpointState s : states) {
      list.add(EndpointHealth.of(s));
    }
    list.sort(java.util.Comparator.comparing(EndpointHealth::endpointId));
    return new HealthSnapshot(list);
  }

  /** Every endpoint, sorted by id. */
  public List<EndpointHealth> endpoints() {
    return endpoints;
  }

  public Optional<EndpointHealth> endpoint(String id) {
    return endpoints.stream().filter(e -> e.endpointId().equals(id)).findFirst();
  }

  /** How many endpoints may take new requests. */
  public long routableCount() {
    return endpoints.stream().filter(e -> e.status().routable()).count();
  }
}
