package io.modelrouter.http.gateway;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: a tenant's name, the models it may use, and its {@link TenantQuota}. A model
 * it may not use looks exactly like a model that does not exist.
 *
 * <p>Value-based and immutable.
 *
 * @param name the tenant's name, used in metrics and as the routing tenant
 * @param models the model names it may use; {@code *} means every model
 * @param quota its limits
 */
public record Tenant(String name, Set<String> models, TenantQuota quota) {

  /** The model pattern that allows every model. */
  public static final String ANY_MODEL = "*";

  public Tenant {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name: '' (expected: a non-blank tenant name)");
    }
    models = Set.copyOf(models);
    Objects.requireNonNull(quota, "quota");
  }

  /** A tenant that may use every model without limits. */
  public static Tenant unlimited(String name) {
    return new Tenant(name, Set.of(ANY_MODEL), TenantQuota.unlimited());
  }

  /** Whether this tenant may use the named model. */
  public boolean mayUse(String model) {
    return models.contains(ANY_MODEL) || models.contains(model);
  }
}
