package io.modelrouter.registry;

import org.jspecify.annotations.Nullable;

/**
 * A {@link RouteSpec} inside a {@link RegistrySnapshot}, its targets resolved to the snapshot's
 * {@link ModelEntry}s once, when the snapshot is built, so that routing looks nothing up by name.
 * A target whose model is not registered resolves to null (the snapshot warns about it).
 */
public final class RouteEntry {

  private final RouteSpec spec;
  private final RouteTarget[] targets;
  private final @Nullable ModelEntry[] models;
  private final int weightTotal;

  RouteEntry(RouteSpec spec, @Nullable ModelEntry[] models) {
    this.spec = spec;
    this.targets = spec.targets().toArray(new RouteTarget[0]);
    this.models = models;
    int sum = 0;
    for (RouteTarget t : targets) {
      sum += t.weight();
    }
    this.weightTotal = sum;
  }

  public RouteSpec spec() {
    return spec;
  }

  public String name() {
    return spec.name();
  }

  /** How many targets the route lists. */
  public int targetCount() {
    return targets.length;
  }

  /** The target at {@code index}, in the route's order. */
  public RouteTarget target(int index) {
    return targets[index];
  }

  /** The registered model of the target at {@code index}, or null when it is not registered. */
  public @Nullable ModelEntry model(int index) {
    return models[index];
  }

  /** The sum of every target's weight. */
  public int weightTotal() {
    return weightTotal;
  }

  @Override
  public String toString() {
    return "RouteEntry{" + spec + '}';
  }
}
