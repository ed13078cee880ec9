package io.modelrouter.gateway;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.Tenant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenants of one configuration, with the authenticator that maps each key hash to its tenant.
 * Immutable; a reload builds a new one.
 */
record Tenants(List<Tenant> list, ApiKeyAuthenticator authenticator) {

  /**
   * Checks the entries and indexes their keys.
   *
   * @throws IllegalArgumentException when a key is listed twice or two tenants share a name
   */
  static Tenants of(List<TenantConfig> entries) {
    Map<String, Tenant> byHash = new LinkedHashMap<>();
    Map<String, Tenant> byName = new LinkedHashMap<>();
    List<Tenant> tenants = new ArrayList<>();
    for (TenantConfig t : entries) {
      Tenant tenant = t.toTenant();
      if (byName.put(tenant.name(), tenant) != null) {
        throw new IllegalArgumentException("tenant " + tenant.name() + " is listed twice (expected: unique names)");
      }
      tenants.add(tenant);
      for (String key : t.keys()) {
        if (byHash.put(ApiKeyAuthenticator.normalizeHash(key), tenant) != null) {
          throw new IllegalArgumentException("key " + key + " is listed twice (expected: one tenant per key)");
        }
      }
    }
    return new Tenants(List.copyOf(tenants), ApiKeyAuthenticator.of(byHash));
  }
}
