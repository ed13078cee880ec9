package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.check;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.http.gateway.TenantQuota;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code tenants:}: its name, the SHA-256 hashes of its API keys, the models it may
 * use and its quota. Reloaded with the file (see {@link TenantReloader}).
 *
 * <pre>{@code
 * - name: team-a
 *   keys: ["sha256:2a97...e1"]      # SHA-256 of the API key, hex: printf %s KEY | sha256sum
 *   models: [demo-chat]             # or ["*"]; none by default
 *   quota: {requestsPerSecond: 50}  # see QuotaConfig; unlimited by default
 * }</pre>
 */
public record TenantConfig(String name, List<String> keys, List<String> models, @Nullable QuotaConfig quota) {

  public TenantConfig {
    check(name != null && !name.isBlank(), "name", "missing", "the tenant's name");
    keys = keys == null ? List.of() : List.copyOf(keys);
    models = models == null ? List.of() : List.copyOf(models);
    for (String k : keys) {
      try {
        ApiKeyAuthenticator.normalizeHash(k);
      } catch (IllegalArgumentException e) {
        throw new ConfigValueException("keys", String.valueOf(e.getMessage()));
      }
    }
  }

  Tenant toTenant() {
    TenantQuota q = quota == null ? TenantQuota.unlimited() : quota.toQuota();
    return new Tenant(name, Set.copyOf(models), q);
  }
}
