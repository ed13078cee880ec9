package io.modelrouter.route;

/**
 * Chooses the model of a route: among the targets eligible for a request, in the route's order,
 * which one serves it. The router then lets its endpoint strategy pick among that target's
 * endpoints. A route names its selector by {@link #name()} in its {@code policy}; {@link
 * ModelSelectors} holds the built-in ones, and {@link io.modelrouter.Router.Builder#modelSelector}
 * registers more.
 *
 * <p>Called on the routing path: thread-safe, no lock, no allocation, no I/O. {@link
 * TargetChoices} is valid during the call only.
 */
public interface ModelSelector {

  /**
   * @param choices the eligible targets (at least one) with their best endpoints' predictions,
   *     and the request's features
   * @return the position in {@code choices} of the chosen target, or -1 to route nowhere (the
   *     request is then rejected)
   */
  int select(TargetChoices choices);

  /** The name a route's {@code policy} uses for this selector. */
  String name();
}
