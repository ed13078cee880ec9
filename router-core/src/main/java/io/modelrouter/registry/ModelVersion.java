package io.modelrouter.registry;

import io.modelrouter.health.EndpointState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * One model version inside a {@link RegistrySnapshot}: its spec and the endpoints serving it,
 * held as arrays so that strategies index them without allocating. Indexed accessors, not
 * collections, are the fast path.
 */
public final class ModelVersion {

  private static final VarHandle SEQUENCE;

  static {
    try {
      SEQUENCE = MethodHandles.lookup().findVarHandle(ModelVersion.class, "sequence", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ModelSpec spec;
  private final Endpoint[] endpoints;
  private final EndpointState[] states;
  private final List<Endpoint> endpointList;
  @SuppressWarnings("unused") // updated through SEQUENCE
  private volatile long sequence;

  ModelVersion(ModelSpec spec, Endpoint[] endpoints, EndpointState[] states) {
    this.spec = spec;
    this.endpoints = endpoints;
    this.states = states;
    this.endpointList = List.of(endpoints);
  }

  public ModelSpec spec() {
    return spec;
  }

  /** How many endpoints serve this version. */
  public int endpointCount() {
    return endpoints.length;
  }

  /** The endpoint at {@code index}, in the snapshot's stable order (by endpoint id). */
  public Endpoint endpoint(int index) {
    return endpoints[index];
  }

  /** The live state of the endpoint at {@code index}. */
  public EndpointState state(int index) {
    return states[index];
  }

  /** The endpoints serving this version, by id. */
  public List<Endpoint> endpoints() {
    return endpointList;
  }

  /**
   * Returns and advances a counter that lives as long as this snapshot, for strategies that
   * rotate (round robin). Lock-free.
   */
  public long nextSequence() {
    return (long) SEQUENCE.getAndAdd(this, 1L);
  }

  @Override
  public String toString() {
    return "ModelVersion{" + spec.key() + ", endpoints=" + endpoints.length + '}';
  }
}
