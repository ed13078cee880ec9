package io.modelrouter.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompositeStrategyTest {

  @Test
  void score_isTheWeightedSumOfTheScorers() {
    Pool pool = Pool.of(2);
    pool.inFlight(0, 4); // in-flight score 4 / (4 + 4) = 0.5
    EndpointScorer constant = (c, i) -> 0.25;
    CompositeStrategy s = CompositeStrategy.builder()
        .scorer(Scorers.inFlight(), 2)
        .scorer(constant, 4)
        .build();
    assertThat(s.score(pool, 0)).isEqualTo(2 * 0.5 + 4 * 0.25);
    assertThat(s.score(pool, 1)).isEqualTo(4 * 0.25);
  }

  @Test
  void lowestScorePicker_takesTheBest_twoChoicesNeverTheWorseOfTwo() {
    Pool pool = Pool.of(2);
    pool.inFlight(1, 2);
    for (Picker picker : new Picker[] {Pickers.lowestScore(), Pickers.twoChoices()}) {
      SelectionStrategy s = CompositeStrategy.builder().scorer(Scorers.inFlight(), 1).picker(picker).build();
      assertThat(pool.counts(s, 20)).containsExactly(20, 0);
    }
  }

  @Test
  void vetoedCandidatesAreNeverPicked() {
    Pool pool = Pool.of(5, (i, b) -> b.labels(Map.of("zone", i == 3 ? "near" : "far")));
    EndpointScorer nearOnly = (c, i) -> "near".equals(c.endpoint(i).labels().get("zone")) ? 0 : Double.POSITIVE_INFINITY;
    for (Picker picker : new Picker[] {Pickers.lowestScore(), Pickers.twoChoices()}) {
      SelectionStrategy s = CompositeStrategy.builder().scorer(nearOnly, 1).picker(picker).build();
      assertThat(pool.counts(s, 200)).containsExactly(0, 0, 0, 200, 0);
    }
    SelectionStrategy none = CompositeStrategy.builder().scorer((c, i) -> Double.POSITIVE_INFINITY, 1).build();
    assertThat(none.select(pool)).isEqualTo(SelectionStrategy.NONE);
  }

  @Test
  void adapterAffinityScorer_ranksHoldersThenFreeSlots() {
    Pool pool = Pool.of(3, (i, b) -> b.maxAdapters(1).adapters(i == 0 ? Set.of("sql") : Set.of()));
    pool.state(2).updateLoadedAdapters(Set.of("other"));
    pool.request(b -> b.adapter("sql"));
    EndpointScorer s = Scorers.adapterAffinity();
    assertThat(new double[] {s.score(pool, 0), s.score(pool, 1), s.score(pool, 2)}).containsExactly(0, 0.5, 1);
  }

  @Test
  void cheapScorer_usesTheReferenceCost() {
    Pool pool = Pool.of(2, (i, b) -> b.costPerRequest(i == 0 ? 1 : 3));
    EndpointScorer cost = Scorers.cost(1);
    assertThat(cost.score(pool, 0)).isEqualTo(0.5);
    assertThat(cost.score(pool, 1)).isEqualTo(0.75);
  }

  @Test
  void name_listsPickerAndScorers_unlessNamed() {
    assertThat(CompositeStrategy.builder().scorer(Scorers.queueDepth(), 1).scorer(Scorers.kvCacheUsage(), 1)
            .picker(Pickers.lowestScore()).build().name())
        .isEqualTo("lowest(queue+kv-cache)");
    assertThat(Strategies.llmAware().name()).isEqualTo("llm-aware");
  }

  @Test
  void builder_rejectsBadWeights() {
    assertThatThrownBy(() -> CompositeStrategy.builder().scorer(Scorers.inFlight(), -1))
        .hasMessage("weight of scorer in-flight: -1.0 (expected: a finite number >= 0)");
  }
}
