package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.health.EndpointState;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HedgePolicyTest {

  @Test
  void afterLatencyMultiple_followsTheEndpointsPeakEwmaAboveTheFloor() {
    HedgePolicy p = HedgePolicy.afterLatencyMultiple(2, Duration.ofMillis(10));
    EndpointState s = new EndpointState("e", 0);
    assertThat(p.delayNanos(s)).as("no sample yet: the floor").isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));

    s.recordLatency(TimeUnit.MILLISECONDS.toNanos(40), 1, TimeUnit.SECONDS.toNanos(10));

    assertThat(p.delayNanos(s)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(80));
    assertThat(p.enabled()).isTrue();
  }

  @Test
  void afterAndNone() {
    assertThat(HedgePolicy.after(Duration.ofMillis(7)).delayNanos(new EndpointState("e", 0)))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(7));
    assertThat(HedgePolicy.none().enabled()).isFalse();
    assertThatThrownBy(() -> HedgePolicy.after(Duration.ZERO)).hasMessage("delay: PT0S (expected: > 0)");
  }
}
