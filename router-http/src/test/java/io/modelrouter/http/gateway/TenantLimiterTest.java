package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final TenantLimiter limiter = new TenantLimiter(now::get);

  private static Tenant tenant(double rps, long tpm, int concurrent) {
    return new Tenant("t", Set.of("*"), new TenantQuota(rps, tpm, concurrent));
  }

  @Test
  void tryAdmit_withoutQuota_admitsEverything() {
    Tenant t = Tenant.unlimited("free");
    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.tryAdmit(t, 1_000)).isInstanceOf(TenantLimiter.Permit.class);
    }
  }

  @Test
  void tryAdmit_overRequestsPerSecond_rejectsWithRetryAfterUntilTheBucketRefills() {
    Tenant t = tenant(2, 0, 0);
    assertThat(limiter.tryAdmit(t, 0)).isInstanceOf(TenantLimiter.Permit.class);
    assertThat(limiter.tryAdmit(t, 0)).isInstanceOf(TenantLimiter.Permit.class);
    Object third = limiter.tryAdmit(t, 0);
    assertThat(third).isInstanceOf(Rejection.class);
    Rejection r = (Rejection) third;
    assertThat(r.reason()).isEqualTo(RejectionReason.QUOTA_EXCEEDED);
    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.message()).contains("requests per second (2)");
    now.addAndGet(500_000_000L);
    assertThat(limiter.tryAdmit(t, 0)).isInstanceOf(TenantLimiter.Permit.class);
    assertThat(limiter.tryAdmit(t, 0)).isInstanceOf(Rejection.class);
  }

  @Test
  void tryAdmit_overConcurrency_rejectsUntilAPermitIsReleased() {
    Tenant t = tenant(0, 0, 2);
    TenantLimiter.Permit a = (TenantLimiter.Permit) limiter.tryAdmit(t, 0);
    assertThat(limiter.tryAdmit(t, 0)).isInstanceOf(TenantLimiter.Permit.class);
    Object third = limiter.tryAdmit(t, 0);
    assertThat(((Rejection) third).message()).contains("concurrent requests (2)");
    limiter.release(a, 0);
    assertThat(limiter.tryAdmit(t, 0)).isInstanceOf(TenantLimiter.Permit.class);
    assertThat(limiter.inFlight("t")).isEqualTo(2);
  }

  @Test
  void tryAdmit_overTokensPerMinute_rejectsAndTheRetryAfterCoversTheDeficit() {
    Tenant t = tenant(0, 6_000, 0);
    assertThat(limiter.tryAdmit(t, 5_000)).isInstanceOf(TenantLimiter.Permit.class);
    Object second = limiter.tryAdmit(t, 3_000);
    assertThat(second).isInstanceOf(Rejection.class);
    // 2,000 tokens short at 100 tokens/s: 20 s.
    assertThat(((Rejection) second).retryAfter()).isEqualTo(Duration.ofSeconds(20));
    assertThat(limiter.tryAdmit(t, 1_000)).isInstanceOf(TenantLimiter.Permit.class);
  }

  @Test
  void release_withActualUsageBelowTheEstimate_givesTheDifferenceBack() {
    Tenant t = tenant(0, 6_000, 0);
    TenantLimiter.Permit p = (TenantLimiter.Permit) limiter.tryAdmit(t, 6_000);
    assertThat(limiter.tryAdmit(t, 1_000)).isInstanceOf(Rejection.class);
    limiter.release(p, 1_000);
    assertThat(limiter.tryAdmit(t, 4_000)).isInstanceOf(TenantLimiter.Permit.class);
  }

  @Test
  void release_notSent_givesTheWholeEstimateBackButUnknownUsageKeepsIt() {
    Tenant t = tenant(0, 6_000, 0);
    TenantLimiter.Permit refused = (TenantLimiter.Permit) limiter.tryAdmit(t, 6_000);
    limiter.release(refused, TenantLimiter.NOT_SENT);
    TenantLimiter.Permit unknown = (TenantLimiter.Permit) limiter.tryAdmit(t, 6_000);
    limiter.release(unknown, 0);
    assertThat(limiter.tryAdmit(t, 100)).isInstanceOf(Rejection.class);
  }

  @Test
  void release_withActualUsageAboveTheEstimate_chargesTheDifference() {
    Tenant t = tenant(0, 6_000, 0);
    TenantLimiter.Permit p = (TenantLimiter.Permit) limiter.tryAdmit(t, 100);
    limiter.release(p, 5_950);
    assertThat(limiter.tryAdmit(t, 100)).isInstanceOf(Rejection.class);
  }

  @Test
  void tryAdmit_rejectedByTokens_refundsTheRequestAndConcurrencySlots() {
    Tenant t = tenant(1, 1_000, 1);
    TenantLimiter.Permit p = (TenantLimiter.Permit) limiter.tryAdmit(t, 1_000);
    limiter.release(p, 0);
    now.addAndGet(1_000_000_000L);
    assertThat(limiter.tryAdmit(t, 500)).isInstanceOf(Rejection.class);
    assertThat(limiter.inFlight("t")).isZero();
    now.addAndGet(59_000_000_000L);
    assertThat(limiter.tryAdmit(t, 500)).isInstanceOf(TenantLimiter.Permit.class);
  }

  @Test
  void tryAdmit_afterTheQuotaChanges_usesTheNewQuota() {
    assertThat(limiter.tryAdmit(tenant(1, 0, 0), 0)).isInstanceOf(TenantLimiter.Permit.class);
    assertThat(limiter.tryAdmit(tenant(1, 0, 0), 0)).isInstanceOf(Rejection.class);
    assertThat(limiter.tryAdmit(tenant(100, 0, 0), 0)).isInstanceOf(TenantLimiter.Permit.class);
  }
}
