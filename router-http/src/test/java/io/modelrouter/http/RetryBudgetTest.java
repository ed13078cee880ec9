package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  private final long[] now = {TimeUnit.SECONDS.toNanos(100)};

  private int withdrawals(RetryBudget b, int tries) {
    int ok = 0;
    for (int i = 0; i < tries; i++) {
      ok += b.tryWithdraw() ? 1 : 0;
    }
    return ok;
  }

  @Test
  void tryWithdraw_allowsTheRatioOfRequestsPlusTheMinimum() {
    RetryBudget b = RetryBudget.of(0.2, 1, Duration.ofSeconds(10), () -> now[0]);
    for (int i = 0; i < 100; i++) {
      b.deposit();
    }
    assertThat(withdrawals(b, 100)).isEqualTo(20 + 10);
  }

  @Test
  void tryWithdraw_forgetsRequestsAndRetriesOutsideTheWindow() {
    RetryBudget b = RetryBudget.of(0.5, 0, Duration.ofSeconds(2), () -> now[0]);
    for (int i = 0; i < 10; i++) {
      b.deposit();
    }
    assertThat(withdrawals(b, 10)).isEqualTo(5);

    now[0] += TimeUnit.SECONDS.toNanos(1);
    assertThat(withdrawals(b, 1)).as("still inside the window").isZero();

    now[0] += TimeUnit.SECONDS.toNanos(2);
    assertThat(withdrawals(b, 1)).as("requests aged out too").isZero();
    for (int i = 0; i < 4; i++) {
      b.deposit();
    }
    assertThat(withdrawals(b, 10)).isEqualTo(2);
  }

  @Test
  void noneAndUnlimited() {
    assertThat(withdrawals(RetryBudget.none(), 5)).isZero();
    assertThat(withdrawals(RetryBudget.unlimited(), 5)).isEqualTo(5);
  }

  @Test
  void of_rejectsBadArguments() {
    assertThatThrownBy(() -> RetryBudget.of(-1, 0, Duration.ofSeconds(1), () -> 0))
        .hasMessage("ratio: -1.0 (expected: a finite number >= 0)");
    assertThatThrownBy(() -> RetryBudget.of(0.2, 0, Duration.ofMillis(10), () -> 0))
        .hasMessage("window: PT0.01S (expected: 1 s to 60 s)");
  }
}
