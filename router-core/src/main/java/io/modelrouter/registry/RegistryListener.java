package io.modelrouter.registry;

/** Hears about every snapshot a registry publishes, after it is visible to routing. */
@FunctionalInterface
public interface RegistryListener {

  /**
   * Called once per published snapshot, on the thread that published it. It must not block;
   * exceptions it throws are caught and do not stop other listeners.
   */
  void onUpdate(RegistrySnapshot previous, RegistrySnapshot current);
}
