package io.modelrouter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The peak-EWMA maths the P2C strategy and the latency model rely on. */
class EndpointStateEwmaTest {

  private static final long TAU = 10_000_000_000L; // 10 s
  private static final long MS = 1_000_000L;

  @Test
  void firstSampleIsTakenAsIs() {
    EndpointState s = new EndpointState("a", 0);
    assertThat(s.hasLatencySample()).isFalse();
    s.recordLatency(80 * MS, 0, TAU);
    assertThat(s.hasLatencySample()).isTrue();
    assertThat(s.latencyEwmaNanos(0, TAU)).isEqualTo(80.0 * MS);
  }

  @Test
  void aHigherSampleIsANewPeakAtOnce() {
    EndpointState s = new EndpointState("a", 0);
    s.recordLatency(50 * MS, 0, TAU);
    s.recordLatency(400 * MS, 1 * MS, TAU);
    assertThat(s.latencyEwmaNanos(1 * MS, TAU)).isEqualTo(400.0 * MS);
  }

  @Test
  void aLowerSampleBlendsWithAWeightFromTheRealGap() {
    EndpointState s = new EndpointState("a", 0);
    s.recordLatency(100 * MS, 0, TAU);
    long gap = 2_000 * MS;
    s.recordLatency(20 * MS, gap, TAU);
    double w = Math.exp(-(double) gap / TAU);
    double decayed = 100.0 * MS * w;
    assertThat(s.latencyEwmaNanos(gap, TAU)).isCloseTo(decayed * w + 20.0 * MS * (1 - w), within(1.0));
  }

  @Test
  void samplesCloseTogetherMoveTheAverageLittle() {
    EndpointState s = new EndpointState("a", 0);
    s.recordLatency(100 * MS, 0, TAU);
    s.recordLatency(10 * MS, 10 * MS, TAU); // 10 ms later: weight 1 - e^-0.001
    assertThat(s.latencyEwmaNanos(10 * MS, TAU)).isGreaterThan(99.0 * MS);
  }

  @Test
  void theAverageDecaysTowardZeroWhileIdle() {
    EndpointState s = new EndpointState("a", 0);
    s.recordLatency(100 * MS, 0, TAU);
    assertThat(s.latencyEwmaNanos(TAU, TAU)).isCloseTo(100.0 * MS / Math.E, within(1.0));
    assertThat(s.latencyEwmaNanos(10 * TAU, TAU)).isLessThan(0.01 * MS);
    // the undecayed value stays as recorded
    assertThat(s.latencyEwmaNanos()).isEqualTo(100.0 * MS);
  }
}
