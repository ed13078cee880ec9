package io.modelrouter.http.health;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;

/**
 * Hears every active health probe's result, after the {@link HealthChecker} applied it: how an
 * outlier detector learns that an ejected endpoint recovered (see
 * {@code OutlierDetector#onProbe}). Called on the checker's threads; must be quick and must not
 * throw.
 */
@FunctionalInterface
public interface ProbeListener {

  /** @param passed whether every health URL of the endpoint answered 2xx in time */
  void onProbe(Endpoint endpoint, EndpointState state, boolean passed);
}
