package io.modelrouter.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgsTest {

  @Test
  void fraction_acceptsZeroUpToButExcludingOne() {
    assertThat(Args.fraction(0, "jitter")).isZero();
    assertThat(Args.fraction(0.99, "jitter")).isEqualTo(0.99);
    assertThatThrownBy(() -> Args.fraction(1, "jitter"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jitter: 1.0 (expected: 0 <= jitter < 1)");
    assertThatThrownBy(() -> Args.fraction(-0.1, "share"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("share: -0.1 (expected: 0 <= share < 1)");
    assertThatThrownBy(() -> Args.fraction(Double.NaN, "jitter"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jitter: NaN (expected: 0 <= jitter < 1)");
  }

  @Test
  void positive_rejectsZeroNegativeAndNullDurations() {
    assertThat(Args.positive(Duration.ofNanos(1), "interval")).isEqualTo(Duration.ofNanos(1));
    assertThatThrownBy(() -> Args.positive(Duration.ZERO, "interval"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> Args.positive(Duration.ofSeconds(-1), "timeout"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout: PT-1S (expected: > 0)");
    assertThatThrownBy(() -> Args.positive(null, "timeout"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout");
  }

  @Test
  void atLeastOne_rejectsZero() {
    assertThat(Args.atLeastOne(1, "threshold")).isEqualTo(1);
    assertThatThrownBy(() -> Args.atLeastOne(0, "threshold"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threshold: 0 (expected: >= 1)");
  }
}
