package io.modelrouter.gateway;

import io.modelrouter.http.gateway.Authenticator;
import io.modelrouter.http.gateway.GatewayRequest;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.http.gateway.TenantQuota;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Each replica's share of every tenant's quota: with {@code n} live gateway replicas, the tenant
 * this replica admits has {@code 1/n} of the configured requests per second and tokens per minute
 * and {@code ceil(maxConcurrent / n)} requests in flight, so the fleet as a whole holds the
 * configured quota (with traffic spread evenly across replicas, as a load balancer does). When the
 * count changes the limiter starts the tenant's buckets afresh at the new share.
 *
 * <p>Wraps the authenticator that knows the tenants; the scaled tenant is computed once per
 * tenant and replica count, so a request allocates nothing.
 */
final class QuotaShare implements Authenticator {

  private record Scaled(Tenant original, int replicas, Tenant scaled) {}

  private final Authenticator tenants;
  private final IntSupplier liveReplicas;
  private final ConcurrentHashMap<String, Scaled> cache = new ConcurrentHashMap<>();

  /**
   * @param tenants finds the tenant with its whole quota
   * @param liveReplicas the live replicas, this one included
   */
  QuotaShare(Authenticator tenants, IntSupplier liveReplicas) {
    this.tenants = tenants;
    this.liveReplicas = liveReplicas;
  }

  @Override
  public @Nullable Tenant authenticate(GatewayRequest request) {
    Tenant t = tenants.authenticate(request);
    int n = liveReplicas.getAsInt();
    if (t == null || n <= 1) {
      return t;
    }
    Scaled s = cache.get(t.name());
    if (s == null || s.original() != t || s.replicas() != n) {
      s = new Scaled(t, n, share(t, n));
      cache.put(t.name(), s);
    }
    return s.scaled();
  }

  /** {@code tenant} with its share of the quota when {@code replicas} split it. */
  static Tenant share(Tenant tenant, int replicas) {
    TenantQuota q = tenant.quota();
    TenantQuota mine = new TenantQuota(
        q.requestsPerSecond() / replicas,
        q.tokensPerMinute() == 0 ? 0 : Math.max(1, q.tokensPerMinute() / replicas),
        q.maxConcurrent() == 0 ? 0 : (q.maxConcurrent() + replicas - 1) / replicas);
    return new Tenant(tenant.name(), tenant.models(), mine);
  }
}
