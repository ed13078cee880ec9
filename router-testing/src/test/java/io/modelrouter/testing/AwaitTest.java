package io.modelrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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

  @Test
  void untilAsserted_retriesWhileTheAssertionFails() {
    AtomicInteger polls = new AtomicInteger();
    assertThatCode(() -> Await.untilAsserted("three polls", () -> assertThat(polls.incrementAndGet()).isEqualTo(3)))
        .doesNotThrowAnyException();
    assertThat(polls).hasValue(3);
  }

  @Test
  void untilAsserted_failsAtTheDeadlineWithTheLastFailure() {
    assertThatThrownBy(() -> Await.untilAsserted("the answer", Duration.ofMillis(20), () -> assertThat(41).isEqualTo(42)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the answer").hasMessageContaining("42")
        .hasCauseInstanceOf(AssertionError.class);
  }

  @Test
  void untilAsserted_endsAtOnceOnAnyOtherException() {
    AtomicInteger polls = new AtomicInteger();
    assertThatThrownBy(() -> Await.untilAsserted("a request", () -> {
      polls.incrementAndGet();
      throw new IOException("connection refused");
    })).isInstanceOf(IOException.class).hasMessage("connection refused");
    assertThat(polls).hasValue(1);
  }

  @Test
  void holdsWithin_saysWhetherTheConditionCameToHoldInTheWindow() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    assertThat(Await.holdsWithin(Duration.ofSeconds(10), () -> polls.incrementAndGet() >= 3)).isTrue();
    assertThat(Await.holdsWithin(Duration.ofMillis(50), () -> false)).isFalse();
  }
}
