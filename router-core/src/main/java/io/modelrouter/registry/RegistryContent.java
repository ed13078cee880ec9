package io.modelrouter.registry;

import java.util.List;

/**
 * The models, endpoints and model routes a registry holds, as read from a registry file or a
 * shared store, before they are indexed into a {@link RegistrySnapshot}.
 */
public record RegistryContent(List<ModelSpec> models, List<Endpoint> endpoints, List<RouteSpec> routes) {

  public RegistryContent {
    models = List.copyOf(models);
    endpoints = List.copyOf(endpoints);
    routes = List.copyOf(routes);
  }

  /** Models and endpoints, without routes. */
  public RegistryContent(List<ModelSpec> models, List<Endpoint> endpoints) {
    this(models, endpoints, List.of());
  }

  /** Nothing: no models, no endpoints, no routes. */
  public static RegistryContent empty() {
    return new RegistryContent(List.of(), List.of(), List.of());
  }
}
