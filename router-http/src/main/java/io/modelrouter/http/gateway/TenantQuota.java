package io.modelrouter.http.gateway;

/**
 * A tenant's limits; 0 means no limit.
 *
 * <p>Value-based and immutable.
 *
 * @param requestsPerSecond sustained requests per second (a token bucket whose burst is one
 *     second's worth)
 * @param tokensPerMinute prompt plus output tokens per minute: estimated when a request comes
 *     in, corrected from the response's usage when it ends
 * @param maxConcurrent requests in flight at once
 */
public record TenantQuota(double requestsPerSecond, long tokensPerMinute, int maxConcurrent) {

  private static final TenantQuota UNLIMITED = new TenantQuota(0, 0, 0);

  public TenantQuota {
    if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException("requestsPerSecond: " + requestsPerSecond + " (expected: >= 0)");
    }
    if (tokensPerMinute < 0) {
      throw new IllegalArgumentException("tokensPerMinute: " + tokensPerMinute + " (expected: >= 0)");
    }
    if (maxConcurrent < 0) {
      throw new IllegalArgumentException("maxConcurrent: " + maxConcurrent + " (expected: >= 0)");
    }
  }

  /** No limits. */
  public static TenantQuota unlimited() {
    return UNLIMITED;
  }
}
