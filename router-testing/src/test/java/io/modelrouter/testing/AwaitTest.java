package io.modelrouter.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void until_returnsOnceTheConditionHolds() {
    AtomicInteger polls = new AtomicInteger();
    assertThatCode(() -> Await.until("three polls", () -> polls.incrementAndGet() >= 3)).doesNotThrowAnyException();
  }

  @Test
  void until_failsNamingWhatWasAwaited() {
    assertThatThrownBy(() -> Await.until("the moon", Duration.ofMillis(20), () -> false))
        .isInstanceOf(AssertionError.class).hasMessageContaining("the moon");
  }

  @Test
  void until_rejectsANonPositiveTimeout() {
    assertThatThrownBy(() -> Await.until("x", Duration.ZERO, () -> true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }
}
