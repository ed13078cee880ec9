package io.modelrouter.registry;

import java.util.List;

/**
 * The models and endpoints a registry holds, as read from a registry file or a shared store,
 * before they are indexed into a {@link RegistrySnapshot}.
 */
public record RegistryContent(List<ModelSpec> models, List<Endpoint> endpoints) {

  public RegistryContent {
    models = List.copyOf(models);
    endpoints = List.copyOf(endpoints);
  }

  /** Nothing: no models and no endpoints. */
  public static RegistryContent empty() {
    return new RegistryContent(List.of(), List.of());
  }
}
