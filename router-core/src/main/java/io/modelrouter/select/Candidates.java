package io.modelrouter.select;

import io.modelrouter.RouteRequest;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.ModelVersion;
import java.util.random.RandomGenerator;

/**
 * The endpoints still in the running for one request, indexed {@code 0..size()-1}, with the
 * request, the clock reading and the random source of this routing call.
 *
 * <p>An instance is reused by the routing thread for its next call: read it during
 * {@link SelectionStrategy#select} or {@link EndpointFilter#accept} only, never keep it.
 */
public interface Candidates {

  /** How many endpoints are in the running. */
  int size();

  /** The candidate at {@code index}. */
  Endpoint endpoint(int index);

  /** The live state of the candidate at {@code index}. */
  EndpointState state(int index);

  /** The request being routed. */
  RouteRequest request();

  /** The resolved model version. */
  ModelSpec model();

  /** The resolved version with all its endpoints (for per-version state such as a rotation counter). */
  ModelVersion version();

  /** The router's clock reading for this call, in nanoseconds. */
  long nanoTime();

  /** The router's random source. */
  RandomGenerator random();

  /**
   * The candidate's position among {@code version().endpoints()}. This default searches the
   * version; the router's own candidates answer in O(1).
   */
  default int versionIndex(int index) {
    Endpoint e = endpoint(index);
    ModelVersion v = version();
    for (int i = 0; i < v.endpointCount(); i++) {
      if (v.endpoint(i) == e) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index of the candidate that is endpoint {@code versionIndex} of {@code version()}, or
   * {@link SelectionStrategy#NONE} when that endpoint is not in the running. This default searches
   * the candidates; the router's own candidates answer in O(1).
   */
  default int indexOfVersionIndex(int versionIndex) {
    Endpoint e = version().endpoint(versionIndex);
    for (int i = 0; i < size(); i++) {
      if (endpoint(i) == e) {
        return i;
      }
    }
    return SelectionStrategy.NONE;
  }
}
