package io.modelrouter.gateway;

import io.modelrouter.http.gateway.TenantQuota;

/**
 * A tenant's {@code quota:}; a missing or 0 limit is no limit. With replicas on etcd each replica
 * enforces its share of these (see docs/scale-out.md).
 *
 * <pre>{@code
 * quota: {requestsPerSecond: 50, tokensPerMinute: 200000, maxConcurrent: 16}
 * }</pre>
 */
public record QuotaConfig(Double requestsPerSecond, Long tokensPerMinute, Integer maxConcurrent) {

  public QuotaConfig {
    requestsPerSecond = requestsPerSecond == null ? 0 : requestsPerSecond;
    tokensPerMinute = tokensPerMinute == null ? 0 : tokensPerMinute;
    maxConcurrent = maxConcurrent == null ? 0 : maxConcurrent;
    toQuota(requestsPerSecond, tokensPerMinute, maxConcurrent);
  }

  TenantQuota toQuota() {
    return toQuota(requestsPerSecond, tokensPerMinute, maxConcurrent);
  }

  /** The quota, checked by {@link TenantQuota}'s constructor, whose messages start with the key. */
  private static TenantQuota toQuota(double rps, long tpm, int concurrent) {
    try {
      return new TenantQuota(rps, tpm, concurrent);
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      throw new ConfigValueException(message.substring(0, Math.max(0, message.indexOf(':'))), message);
    }
  }
}
