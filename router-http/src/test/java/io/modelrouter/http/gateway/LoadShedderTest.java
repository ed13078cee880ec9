package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Priority;
import org.junit.jupiter.api.Test;

class LoadShedderTest {

  @Test
  void tryAcquire_shedsSheddableFirstThenStandardAndKeepsAReserveForCritical() {
    LoadShedder shedder = new LoadShedder(8);
    for (int i = 0; i < 6; i++) {
      assertThat(shedder.tryAcquire(Priority.SHEDDABLE)).isTrue();
    }
    assertThat(shedder.tryAcquire(Priority.SHEDDABLE)).isFalse();
    assertThat(shedder.tryAcquire(Priority.STANDARD)).isTrue();
    assertThat(shedder.tryAcquire(Priority.STANDARD)).isTrue();
    assertThat(shedder.tryAcquire(Priority.STANDARD)).isFalse();
    assertThat(shedder.tryAcquire(Priority.CRITICAL)).isTrue();
    assertThat(shedder.tryAcquire(Priority.CRITICAL)).isTrue();
    assertThat(shedder.tryAcquire(Priority.CRITICAL)).isFalse();
    assertThat(shedder.inFlight()).isEqualTo(10);
    shedder.release();
    shedder.release();
    assertThat(shedder.tryAcquire(Priority.STANDARD)).isFalse();
    assertThat(shedder.tryAcquire(Priority.CRITICAL)).isTrue();
  }

  @Test
  void tryAcquire_withNoLimit_neverSheds() {
    LoadShedder shedder = new LoadShedder(0);
    for (int i = 0; i < 100_000; i++) {
      assertThat(shedder.tryAcquire(Priority.SHEDDABLE)).isTrue();
    }
  }
}
