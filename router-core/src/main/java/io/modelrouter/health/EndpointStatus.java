package io.modelrouter.health;

/** Where an endpoint stands in its life: only {@link #HEALTHY} and {@link #DEGRADED} take new requests. */
public enum EndpointStatus {
  /** Passing health checks, taking traffic. */
  HEALTHY(true),
  /** Taking traffic but known to be slower or failing more than it should; strategies may prefer others. */
  DEGRADED(true),
  /** Being taken out of service by its operator: finishes what it has, takes nothing new. */
  DRAINING(false),
  /** Removed by passive outlier detection for a while; comes back half-open. */
  EJECTED(false),
  /** Failing active health checks. */
  UNHEALTHY(false);

  private final boolean routable;

  EndpointStatus(boolean routable) {
    this.routable = routable;
  }

  /** Whether new requests may be sent to an endpoint in this status. */
  public boolean routable() {
    return routable;
  }
}
