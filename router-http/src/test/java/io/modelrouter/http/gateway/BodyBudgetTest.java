package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {

  @Test
  void read_bodyPastTheBudget_isRefusedAndGivesItsReservationBack() {
    BodyBudget budget = BodyBudget.of(20_000);
    byte[] body = new byte[30_000];
    assertThatThrownBy(() -> BodyReader.read(new ByteArrayInputStream(body), -1, 100_000, budget))
        .isInstanceOf(BodyBudget.Exhausted.class);
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void read_bodyWithinTheBudget_isReadAndGivesItBack() throws IOException {
    BodyBudget budget = BodyBudget.of(20_000);
    assertThat(BodyReader.read(new ByteArrayInputStream(new byte[10_000]), -1, 100_000, budget)).hasSize(10_000);
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void tryReserve_neverPassesTheBudget() {
    BodyBudget budget = BodyBudget.of(100);
    assertThat(budget.tryReserve(60)).isTrue();
    assertThat(budget.tryReserve(60)).isFalse();
    budget.release(60);
    assertThat(budget.tryReserve(100)).isTrue();
  }
}
