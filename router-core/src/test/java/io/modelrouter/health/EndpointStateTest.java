package io.modelrouter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointStateTest {

  private static final long MS = 1_000_000L;
  private static final long TAU = 10_000 * MS;

  @Test
  void healthCheckFailure_forgetsThePrefixEstimate_aRestartedServerHoldsNoPrefix() {
    EndpointState s = new EndpointState("x", 0);
    s.prefixBlocks(64).add(42, 1_000 * MS);
    s.setStatus(EndpointStatus.DEGRADED, 1_001 * MS);
    assertThat(s.prefixBlocks()).as("degraded is no restart").isNotNull();
    assertThat(s.prefixBlocks().contains(42)).isTrue();
    s.setStatus(EndpointStatus.UNHEALTHY, 1_002 * MS);
    assertThat(s.prefixBlocks()).isNull();
    s.prefixBlocks(64).add(43, 1_003 * MS); // a pick racing with the failure
    s.setStatus(EndpointStatus.HEALTHY, 1_004 * MS);
    assertThat(s.prefixBlocks()).as("recovery starts from an empty cache").isNull();
    assertThat(s.prefixBlocks(64).contains(42)).isFalse();
  }

  @Test
  void peakEwma_firstSampleIsTakenAsIs() {
    EndpointState s = new EndpointState("x", 0);
    assertThat(s.hasLatencySample()).isFalse();
    s.recordLatency(50 * MS, 1_000 * MS, TAU);
    assertThat(s.hasLatencySample()).isTrue();
    assertThat(s.latencyEwmaNanos()).isEqualTo(50.0 * MS);
  }

  @Test
  void peakEwma_jumpsToAHigherSampleAtOnce() {
    EndpointState s = new EndpointState("x", 0);
    s.recordLatency(50 * MS, 1_000 * MS, TAU);
    s.recordLatency(400 * MS, 1_001 * MS, TAU);
    assertThat(s.latencyEwmaNanos()).isEqualTo(400.0 * MS);
  }

  @Test
  void peakEwma_blendsALowerSampleByTheRealGapBetweenSamples() {
    EndpointState s = new EndpointState("x", 0);
    s.recordLatency(100 * MS, 0, TAU);
    s.recordLatency(40 * MS, TAU, TAU); // one time constant later: the old value weighs exp(-1)
    double w = Math.exp(-1);
    assertThat(s.latencyEwmaNanos()).isCloseTo(100.0 * MS * w + 40.0 * MS * (1 - w), within(1.0));
  }

  @Test
  void peakEwma_samplesCloseTogetherMoveTheAverageLittle() {
    EndpointState s = new EndpointState("x", 0);
    s.recordLatency(100 * MS, 0, TAU);
    s.recordLatency(10 * MS, 10 * MS, TAU); // 10 ms later: weight 1 - e^-0.001
    assertThat(s.latencyEwmaNanos(10 * MS, TAU)).isGreaterThan(99.0 * MS);
  }

  @Test
  void plainEwma_blendsEverySamplePeaksIncluded_andStaysAtOrBelowThePeakEwma() {
    EndpointState s = new EndpointState("x", 0);
    s.recordLatency(100 * MS, 0, TAU);
    assertThat(s.latencyMeanNanos()).isEqualTo(100.0 * MS);
    s.recordLatency(400 * MS, TAU, TAU); // one time constant later: the old value weighs exp(-1)
    double w = Math.exp(-1);
    assertThat(s.latencyEwmaNanos()).isEqualTo(400.0 * MS);
    double mean = 100.0 * MS * w + 400.0 * MS * (1 - w);
    assertThat(s.latencyMeanNanos()).isCloseTo(mean, within(1.0));
    s.recordLatency(10 * MS, 2 * TAU, TAU);
    assertThat(s.latencyMeanNanos()).isCloseTo(mean * w + 10.0 * MS * (1 - w), within(1.0));
    assertThat(s.latencyMeanNanos()).isLessThanOrEqualTo(s.latencyEwmaNanos());
  }

  @Test
  void peakEwma_decaysTowardZeroWhileIdle() {
    EndpointState s = new EndpointState("x", 0);
    s.recordLatency(100 * MS, 0, TAU);
    assertThat(s.latencyEwmaNanos(0, TAU)).isEqualTo(100.0 * MS);
    assertThat(s.latencyEwmaNanos(TAU, TAU)).isCloseTo(100.0 * MS * Math.exp(-1), within(1.0));
    assertThat(s.latencyEwmaNanos(10 * TAU, TAU)).isLessThan(0.01 * MS);
  }

  @Test
  void quota_letsTheRateThroughAndRefillsWithTime() {
    EndpointState s = new EndpointState("x", 0);
    long t = 1_000 * MS;
    assertThat(s.tryAcquireQuota(10, 1, t)).isTrue();
    assertThat(s.quotaAvailable(10, 1, t)).isFalse();
    assertThat(s.tryAcquireQuota(10, 1, t)).isFalse();
    assertThat(s.tryAcquireQuota(10, 1, t + 100 * MS)).isTrue();
    assertThat(s.tryAcquireQuota(0, 1, t)).as("0 means unlimited").isTrue();
  }

  @Test
  void quota_burstAllowsThatManyAtOnceAfterIdling() {
    EndpointState s = new EndpointState("x", 0);
    long t = 1_000 * MS;
    int accepted = 0;
    for (int i = 0; i < 10; i++) {
      if (s.tryAcquireQuota(5, 3, t)) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(3);
  }

  @Test
  void status_changeTimeMovesOnlyWhenTheStatusChanges() {
    EndpointState s = new EndpointState("x", 7);
    assertThat(s.status()).isEqualTo(EndpointStatus.HEALTHY);
    s.setStatus(EndpointStatus.HEALTHY, 99);
    assertThat(s.statusSinceNanos()).isEqualTo(7);
    s.setStatus(EndpointStatus.EJECTED, 100);
    assertThat(s.statusSinceNanos()).isEqualTo(100);
    assertThat(s.status().routable()).isFalse();
  }

  @Test
  void serverMetrics_areUnknownUntilScraped_andStaleAfterTheirMaxAge() {
    EndpointState s = new EndpointState("x", 0);
    assertThat(s.queueDepth()).isEqualTo(-1);
    assertThat(s.kvCacheUsage()).isNaN();
    assertThat(s.serverMetricsFresh(0, 1_000 * MS)).isFalse();
    s.updateServerMetrics(3, 8, 0.75, 100 * MS);
    assertThat(s.queueDepth()).isEqualTo(3);
    assertThat(s.running()).isEqualTo(8);
    assertThat(s.serverMetricsFresh(500 * MS, 1_000 * MS)).isTrue();
    assertThat(s.serverMetricsFresh(2_000 * MS, 1_000 * MS)).isFalse();
    s.updateLoadedAdapters(Set.of("a"));
    assertThat(s.loadedAdapters()).containsExactly("a");
  }

  @Test
  void failures_countRunsThatASuccessResets() {
    EndpointState s = new EndpointState("x", 0);
    assertThat(s.recordFailure()).isEqualTo(1);
    assertThat(s.recordFailure()).isEqualTo(2);
    s.recordSuccess();
    assertThat(s.consecutiveFailures()).isZero();
    assertThat(s.failures()).isEqualTo(2);
    assertThat(s.requests()).isEqualTo(3);
  }

  @Test
  void pendingAge_growsWhileBusyWithoutAnswers_andRestartsWithEachAnswer() {
    EndpointState s = new EndpointState("a", 0);
    assertThat(s.pendingAgeNanos(500 * MS)).isZero(); // idle
    s.acquire(1_000 * MS);
    s.acquire(1_100 * MS); // already busy: the clock keeps running from the first
    assertThat(s.pendingAgeNanos(1_400 * MS)).isEqualTo(400 * MS);
    s.recordAnswer(1_500 * MS);
    s.release();
    assertThat(s.pendingAgeNanos(1_700 * MS)).isEqualTo(200 * MS);
    s.release();
    assertThat(s.pendingAgeNanos(9_000 * MS)).isZero(); // idle again
    s.acquire(10_000 * MS); // busy again: counted from now, not from the last answer
    assertThat(s.pendingAgeNanos(10_050 * MS)).isEqualTo(50 * MS);
  }

  @Test
  void pendingAge_isZeroWhenTheEndpointBecameBusyWithoutAClockReading() {
    EndpointState s = new EndpointState("a", 0);
    s.acquire();
    assertThat(s.pendingAgeNanos(5_000 * MS)).isZero();
    s.recordAnswer(6_000 * MS);
    assertThat(s.pendingAgeNanos(6_300 * MS)).isEqualTo(300 * MS);
  }

  @Test
  void prefillRate_isTheSlopeOfTtftOverPromptTokens() {
    EndpointState s = new EndpointState("x", 0);
    assertThat(s.prefillNanosPerToken()).as("unknown before any sample").isZero();
    // 20 ms fixed plus 0.1 ms per prompt token, prompts of four lengths, one answer every 100 ms
    int[] prompts = {200, 4_000, 1_000, 12_000};
    for (int i = 0; i < 40; i++) {
      int p = prompts[i % prompts.length];
      s.recordPrefill(p, 20 * MS + p * 100_000L, (1_000 + 100 * i) * MS, TAU);
    }
    assertThat(s.prefillNanosPerToken()).isCloseTo(100_000, within(1.0));
    assertThat(s.prefillMeanTokens()).isBetween(200.0, 12_000.0);
  }

  @Test
  void prefillRate_staysUnknownWhilePromptsHaveOneLength_andIgnoresAnswersWithoutTokens() {
    EndpointState s = new EndpointState("x", 0);
    for (int i = 0; i < 10; i++) {
      s.recordPrefill(500, (30 + i) * MS, (1_000 + i) * MS, TAU);
    }
    assertThat(s.prefillNanosPerToken()).isZero();
    assertThat(s.prefillMeanTokens()).isEqualTo(500.0);
    s.recordPrefill(0, 5_000 * MS, 2_000 * MS, TAU);
    s.recordPrefill(9_000, -1, 2_000 * MS, TAU);
    assertThat(s.prefillNanosPerToken()).isZero();
    assertThat(s.prefillMeanTokens()).isEqualTo(500.0);
  }

  @Test
  void prefillRate_isNeverNegativeNorAboveTheMeanTtftPerToken() {
    EndpointState s = new EndpointState("x", 0);
    // longer prompts answered sooner (a queue that drained): no negative rate
    s.recordPrefill(1_000, 900 * MS, 1_000 * MS, TAU);
    s.recordPrefill(8_000, 100 * MS, 1_100 * MS, TAU);
    assertThat(s.prefillNanosPerToken()).isZero();
    // a steep line through two close lengths: bounded by mean TTFT / mean tokens (intercept >= 0)
    EndpointState t = new EndpointState("y", 0);
    t.recordPrefill(1_000, 10 * MS, 1_000 * MS, TAU);
    t.recordPrefill(1_010, 500 * MS, 1_100 * MS, TAU);
    assertThat(t.prefillNanosPerToken()).isPositive();
    assertThat(t.prefillNanosPerToken() * t.prefillMeanTokens()).as("the mean prompt's prefill")
        .isLessThanOrEqualTo(500.0 * MS);
  }
}
