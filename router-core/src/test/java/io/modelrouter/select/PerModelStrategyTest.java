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
    SelectionStrategy s = Strategies.perModel(Map.of(Pool.MODEL, LAST), FIRST);

    assertThat(s.select(pool)).isEqualTo(2);
  }

  @Test
  void select_otherModels_useTheFallback() {
    Pool pool = Pool.of(3);
    SelectionStrategy s = Strategies.perModel(Map.of("another-model", LAST), FIRST);

    assertThat(s.select(pool)).isZero();
  }

  @Test
  void select_aRequestThroughARoute_takesTheRoutesStrategyBeforeItsTargetModels() {
    Pool pool = Pool.of(3);
    pool.request = io.modelrouter.RouteRequest.of("assistant"); // a route whose chosen target is the pool's model

    assertThat(Strategies.perModel(Map.of("assistant", LAST, Pool.MODEL, FIRST), FIRST).select(pool)).isEqualTo(2);
    assertThat(Strategies.perModel(Map.of(Pool.MODEL, LAST), FIRST).select(pool)).isEqualTo(2);
  }

  @Test
  void filters_applyOnlyToTheModelsTheirStrategyPicksFor() {
    Pool pool = Pool.of(2);

    SelectionStrategy forOther = Strategies.perModel(Map.of("another-model", REFUSING), FIRST);
    SelectionStrategy forThis = Strategies.perModel(Map.of(Pool.MODEL, REFUSING), FIRST);

    assertThat(forOther.filters()).singleElement().satisfies(f -> assertThat(f.accept(pool, 0)).isTrue());
    assertThat(forThis.filters()).singleElement().satisfies(f -> assertThat(f.accept(pool, 0)).isFalse());
  }

  @Test
  void perModel_withoutOverrides_isTheFallbackItself() {
    assertThat(Strategies.perModel(Map.of(), FIRST)).isSameAs(FIRST);
  }
}
