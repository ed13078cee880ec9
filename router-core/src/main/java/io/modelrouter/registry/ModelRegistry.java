package io.modelrouter.registry;

/**
 * Where the router learns which models exist and which endpoints serve them. An implementation
 * publishes immutable {@link RegistrySnapshot}s and swaps them atomically; {@link #snapshot()}
 * is a single volatile read and never blocks. {@link InMemoryRegistry} and {@link FileRegistry}
 * are built in; a shared store (etcd) implements this interface to serve many gateway replicas.
 */
public interface ModelRegistry {

  /** The current snapshot. Never blocks; safe from any thread. */
  RegistrySnapshot snapshot();

  /** Registers a listener for future snapshots. */
  void addListener(RegistryListener listener);

  /** Removes a listener; unknown listeners are ignored. */
  void removeListener(RegistryListener listener);
}
