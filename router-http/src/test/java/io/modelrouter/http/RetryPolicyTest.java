package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.http.internal.Redelivery;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void defaults_retryOnceAfterReceiptAndTimeOutAtThreeTimesP99AtLeastOneSecond() {
    RetryPolicy p = RetryPolicy.ofDefaults();
    assertThat(p.retryAfterReceived()).isTrue();
    assertThat(p.attemptTimeoutEnabled()).isTrue();
    assertThat(p.timeoutPercentile()).isEqualTo(0.99);
    assertThat(p.attemptTimeoutNanos(100 * MS, Long.MAX_VALUE)).as("the floor").isEqualTo(1000 * MS);
    assertThat(p.attemptTimeoutNanos(2000 * MS, Long.MAX_VALUE)).isEqualTo(6000 * MS);
  }

  @Test
  void attemptTimeout_pastTheDeadline_isHalfTheTimeLeftIfThatIsPastThePercentile() {
    RetryPolicy p = RetryPolicy.ofDefaults();
    assertThat(p.attemptTimeoutNanos(1200 * MS, 3000 * MS)).as("3.6 s > 3 s left").isEqualTo(1500 * MS);
    assertThat(p.attemptTimeoutNanos(1600 * MS, 3000 * MS)).as("it may still answer in time").isEqualTo(-1);
    assertThat(p).isEqualTo(RetryPolicy.builder().build()).hasSameHashCodeAs(RetryPolicy.builder().build());
  }

  @Test
  void builder_rejectsNonsenseWithTheExpectedRange() {
    assertThatThrownBy(() -> RetryPolicy.builder().attemptTimeout(0.5, 0.99, Duration.ofSeconds(1)))
        .hasMessage("multiple: 0.5 (expected: a finite number >= 1)");
    assertThatThrownBy(() -> RetryPolicy.builder().attemptTimeout(3, 1, Duration.ofSeconds(1)))
        .hasMessage("percentile: 1.0 (expected: > 0 and < 1)");
    assertThatThrownBy(() -> RetryPolicy.builder().attemptTimeout(3, 0.9, Duration.ZERO))
        .hasMessage("floor: PT0S (expected: > 0)");
    assertThat(RetryPolicy.builder().noAttemptTimeout().build().attemptTimeoutEnabled()).isFalse();
  }

  @Test
  void redelivery_notReceivedFreely_receivedOnceMoreAtMost() {
    assertThat(Redelivery.mayRetryElsewhere(false, 5, false)).isTrue();
    assertThat(Redelivery.mayRetryElsewhere(true, 1, true)).isTrue();
    assertThat(Redelivery.mayRetryElsewhere(true, 2, true)).as("a second endpoint failed it").isFalse();
    assertThat(Redelivery.mayRetryElsewhere(true, 1, false)).isFalse();
  }

  @Test
  void redelivery_attemptsAgainWithinAttemptsAndTime_thenAsksTheBudgetLast() {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.BooleanSupplier budget = () -> asked.incrementAndGet() > 0;
    assertThat(Redelivery.mayAttemptAgain(3, 3, Long.MAX_VALUE, budget)).as("no attempt left").isFalse();
    assertThat(Redelivery.mayAttemptAgain(1, 3, 0, budget)).as("deadline passed").isFalse();
    assertThat(asked).as("the budget is not charged for a retry refused otherwise").hasValue(0);
    assertThat(Redelivery.mayAttemptAgain(1, 3, 1, budget)).isTrue();
    assertThat(Redelivery.mayAttemptAgain(1, 3, 1, () -> false)).as("budget spent").isFalse();
    assertThat(asked).hasValue(1);
  }

  @Test
  void redelivery_onlyAPooledConnectionFailingWhileWritingIsNotReceived() {
    java.io.IOException reset = new java.io.IOException("reset");
    assertThat(Redelivery.notReceived(true, true, false, reset)).isTrue();
    assertThat(Redelivery.notReceived(false, true, false, reset)).as("a fresh connection").isFalse();
    assertThat(Redelivery.notReceived(true, false, false, reset)).as("written whole").isFalse();
    assertThat(Redelivery.notReceived(true, true, true, reset)).as("an answer began").isFalse();
    assertThat(Redelivery.notReceived(true, true, false, new java.net.SocketTimeoutException())).isFalse();
    assertThat(Redelivery.resendOnSameEndpoint(Redelivery.MAX_STALE_RESENDS)).isFalse();
  }

  @Test
  void attemptLatencies_quantileOfTheEndpointOrItsModelOnceEnoughSamples() {
    AttemptLatencies l = new AttemptLatencies();
    for (int i = 0; i < RetryPolicy.MIN_SAMPLES - 1; i++) {
      l.record("e0", "chat", false, 100 * MS);
    }
    assertThat(l.quantileNanos("e0", "chat", false, 0.99)).as("too few").isEqualTo(-1);
    l.record("e0", "chat", false, 100 * MS);
    long p99 = l.quantileNanos("e0", "chat", false, 0.99);
    assertThat(p99).isBetween(100 * MS, 120 * MS);
    assertThat(l.quantileNanos("e1", "chat", false, 0.99)).as("the model's, for a new endpoint").isEqualTo(p99);
    assertThat(l.quantileNanos("e0", "chat", true, 0.99)).as("streams apart").isEqualTo(-1);
    for (int i = 0; i < 5 * AttemptLatencies.WINDOW; i++) {
      l.record("e0", "chat", false, 2000 * MS);
    }
    assertThat(l.quantileNanos("e0", "chat", false, 0.5)).as("the past fades").isBetween(2000 * MS, 2400 * MS);
  }
}
