package io.modelrouter.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PerModelStrategyTest {

  private static final SelectionStrategy FIRST = c -> 0;
  private static final SelectionStrategy LAST = c -> c.size() - 1;

  /** Picks the first candidate and refuses every candidate in its filter. */
  private static final SelectionStrategy REFUSING = new SelectionStrategy() {
    @Override
    public int select(Candidates c) {
      return 0;
    }

    @Override
    public List<EndpointFilter> filters() {
      return List.of((c, i) -> false);
    }
  };

  @Test
  void select_usesTheModelsOwnStrategy() {
    Pool pool = Pool.of(3);
    SelectionStrategy s = Strategies.perModel(FIRST, Map.of(Pool.MODEL, LAST));

    assertThat(s.select(pool)).isEqualTo(2);
  }

  @Test
  void select_otherModels_useTheFallback() {
    Pool pool = Pool.of(3);
    SelectionStrategy s = Strategies.perModel(FIRST, Map.of("another-model", LAST));

    assertThat(s.select(pool)).isZero();
  }

  @Test
  void filters_applyOnlyToTheModelsTheirStrategyPicksFor() {
    Pool pool = Pool.of(2);

    SelectionStrategy forOther = Strategies.perModel(FIRST, Map.of("another-model", REFUSING));
    SelectionStrategy forThis = Strategies.perModel(FIRST, Map.of(Pool.MODEL, REFUSING));

    assertThat(forOther.filters()).singleElement().satisfies(f -> assertThat(f.accept(pool, 0)).isTrue());
    assertThat(forThis.filters()).singleElement().satisfies(f -> assertThat(f.accept(pool, 0)).isFalse());
  }

  @Test
  void perModel_withoutOverrides_isTheFallbackItself() {
    assertThat(Strategies.perModel(FIRST, Map.of())).isSameAs(FIRST);
  }
}
