package io.modelrouter.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LlmCombinedStrategyTest {

  /** A chain of {@code n} block hashes; chains of the same {@code doc} share their leading blocks. */
  private static long[] chain(int doc, int n) {
    long[] c = new long[n];
    long h = doc * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < n; i++) {
      h = BoundedLoadHashStrategy.mix64(h + i);
      c[i] = h == 0 ? 1 : h;
    }
    return c;
  }

  private static long[] concat(long[] a, long[] b) {
    long[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static void fresh(Pool pool) {
    for (int i = 0; i < pool.size(); i++) {
      pool.state(i).updateServerMetrics(0, 0, 0.1, pool.now);
    }
  }

  @Test
  void estimatedIndex_matchesTheLongestLeadingRunOfBlocksSentThere() {
    Pool pool = Pool.of(3);
    PrefixCacheIndex index = PrefixCacheIndex.estimated();
    long[] shared = chain(1, 10);
    pool.request(b -> b.prefixBlocks(shared));
    index.chosen(pool, 1);
    // Same first 6 blocks, then a different continuation: a partial match of 6.
    pool.request(b -> b.prefixBlocks(concat(Arrays.copyOf(shared, 6), chain(2, 4))));
    assertThat(index.matchedBlocks(pool, 1)).isEqualTo(6);
    assertThat(index.matchedBlocks(pool, 0)).isZero();
    // The whole chain and more: a multi-turn prompt extending the earlier one.
    pool.request(b -> b.prefixBlocks(concat(shared, chain(3, 5))));
    assertThat(index.matchedBlocks(pool, 1)).isEqualTo(10);
    pool.request(b -> b.prefixBlocks(chain(4, 10)));
    assertThat(index.matchedBlocks(pool, 1)).isZero();
  }

  @Test
  void select_sendsTheNextTurnOfAConversationWhereThePreviousWent() {
    Pool pool = Pool.of(8, (i, b) -> b.server("vllm"));
    fresh(pool);
    SelectionStrategy s = Strategies.llmCombined();
    long[] turn1 = chain(7, 20);
    pool.request(b -> b.prefixBlocks(turn1));
    int first = s.select(pool);
    long[] turn2 = concat(turn1, chain(8, 12));
    pool.request(b -> b.prefixBlocks(turn2));
    for (int k = 0; k < 10; k++) {
      assertThat(s.select(pool)).isEqualTo(first);
    }
  }

  @Test
  void estimatedIndex_creditsNoPrefixToAServerThatFailedItsHealthChecks() {
    Pool pool = Pool.of(3, (i, b) -> b.server("vllm"));
    PrefixCacheIndex index = PrefixCacheIndex.estimated();
    long[] doc = chain(21, 10);
    pool.request(b -> b.prefixBlocks(doc));
    index.chosen(pool, 2);
    assertThat(index.matchedBlocks(pool, 2)).isEqualTo(10);
    pool.state(2).setStatus(io.modelrouter.health.EndpointStatus.UNHEALTHY, pool.now);
    pool.state(2).setStatus(io.modelrouter.health.EndpointStatus.HEALTHY, pool.now + 1);
    assertThat(index.matchedBlocks(pool, 2)).isZero();
  }

  @Test
  void estimatedIndex_forgetsBlocksEvictedFromABoundedTable() {
    Pool pool = Pool.of(2);
    PrefixCacheIndex index = PrefixCacheIndex.estimated(64);
    long[] old = chain(1, 8);
    pool.request(b -> b.prefixBlocks(old));
    index.chosen(pool, 0);
    assertThat(index.matchedBlocks(pool, 0)).isEqualTo(8);
    for (int doc = 2; doc < 40; doc++) {
      pool.advanceMillis(10);
      long[] other = chain(doc, 8);
      pool.request(b -> b.prefixBlocks(other));
      index.chosen(pool, 0);
    }
    pool.request(b -> b.prefixBlocks(old));
    assertThat(index.matchedBlocks(pool, 0)).as("evicted by 300 newer blocks in a table of 64").isLessThan(8);
    assertThat(pool.state(0).prefixBlocks().capacity()).isEqualTo(64);
  }

  @Test
  void loadBound_spillsAHotPrefixOnceItsHolderCarriesMoreThanItsShare() {
    int n = 4;
    Pool pool = Pool.of(n, (i, b) -> b.server("vllm"));
    fresh(pool);
    SelectionStrategy s = Strategies.llmCombined();
    long[] hot = chain(9, 32);
    pool.request(b -> b.prefixBlocks(hot));
    int holder = s.select(pool);
    pool.state(holder).acquire();
    for (int k = 1; k < 40; k++) {
      int total = k;
      long bound = (long) Math.ceil(Strategies.DEFAULT_LLM_LOAD_FACTOR * (total + 1) / n);
      int pick = s.select(pool);
      assertThat(pool.state(pick).inFlight()).isLessThan((int) bound);
      pool.state(pick).acquire();
    }
    int[] load = new int[n];
    for (int i = 0; i < n; i++) {
      load[i] = pool.state(i).inFlight();
    }
    assertThat(load[holder]).isEqualTo(Arrays.stream(load).max().getAsInt());
    assertThat(load[holder]).isLessThanOrEqualTo((int) Math.ceil(Strategies.DEFAULT_LLM_LOAD_FACTOR * 40 / n));
    assertThat(Arrays.stream(load).filter(l -> l > 0).count()).as("the overflow went elsewhere").isGreaterThan(1);
  }

  @Test
  void prefillBacklog_sendsTheNextColdPromptAwayFromTheServerJustSentOne_untilItIsWorkedOff() {
    Pool pool = Pool.of(2, (i, b) -> b.server("vllm"));
    fresh(pool);
    SelectionStrategy s = Strategies.llmCombined();
    pool.request(b -> b.prefixBlocks(chain(31, 100))); // a cold prompt: 100 blocks to prefill
    int first = s.select(pool);
    assertThat(pool.state(first).prefillBacklog().blocks(pool.now, Strategies.DEFAULT_LLM_PREFILL_BLOCKS_PER_SECOND))
        .isCloseTo(100, org.assertj.core.data.Offset.offset(0.01));
    assertThat(s.explain(pool, first)).contains("backlog_blocks=100.0 ");
    // In flight counts as equal (neither lease taken): only the backlog tells them apart.
    pool.request(b -> b.prefixBlocks(chain(32, 100)));
    int second = s.select(pool);
    assertThat(second).isEqualTo(1 - first);
    pool.advanceMillis(1_000); // 200 blocks a second: both worked off
    assertThat(pool.state(first).prefillBacklog().blocks(pool.now, Strategies.DEFAULT_LLM_PREFILL_BLOCKS_PER_SECOND))
        .isZero();
    // A cached prompt adds only the blocks the server lacks.
    pool.request(b -> b.prefixBlocks(concat(chain(31, 100), chain(33, 4))));
    assertThat(s.select(pool)).isEqualTo(first);
    assertThat(pool.state(first).prefillBacklog().blocks(pool.now, Strategies.DEFAULT_LLM_PREFILL_BLOCKS_PER_SECOND))
        .isCloseTo(4, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void prefillBacklog_withoutThePrefixTerm_stillAddsOnlyTheBlocksTheChosenServerLacks() {
    Pool pool = Pool.of(2, (i, b) -> b.server("vllm"));
    fresh(pool);
    SelectionStrategy s = LlmCombinedStrategy.builder().prefixWeight(0).build();
    long[] held = chain(41, 20);
    pool.request(b -> b.prefixBlocks(held));
    PrefixCacheIndex.estimated().chosen(pool, 0);
    PrefixCacheIndex.estimated().chosen(pool, 1);
    pool.request(b -> b.prefixBlocks(concat(held, chain(42, 6))));
    int chosen = s.select(pool);
    assertThat(pool.state(chosen).prefillBacklog().blocks(pool.now, Strategies.DEFAULT_LLM_PREFILL_BLOCKS_PER_SECOND))
        .as("the 6 blocks past the 20 it holds").isCloseTo(6, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void loadBound_followsTheEndpointsWeights() {
    Pool pool = Pool.of(2, (i, b) -> b.server("vllm").weight(i == 0 ? 300 : 100));
    fresh(pool);
    SelectionStrategy s = LlmCombinedStrategy.builder().prefixWeight(0).queueWeight(0).runningWeight(0)
        .kvCacheWeight(0).inFlightWeight(0).latencyWeight(0).loadFactor(1).build();
    for (int k = 0; k < 40; k++) {
      pool.state(s.select(pool)).acquire();
    }
    assertThat(pool.state(0).inFlight()).isEqualTo(30);
    assertThat(pool.state(1).inFlight()).isEqualTo(10);
  }

  @Test
  void staleMetrics_scoreAsUnknownNotIdle() {
    Pool pool = Pool.of(2, (i, b) -> b.server("vllm"));
    pool.state(0).updateServerMetrics(0, 0, 0.0, pool.now); // looked idle, long ago
    pool.advanceMillis(5_000);
    pool.state(1).updateServerMetrics(3, 8, 0.6, pool.now); // busy but fresh
    SelectionStrategy s = Strategies.llmCombined();
    assertThat(pool.counts(s, 20)).containsExactly(0, 20);
    assertThat(s.explain(pool, 0)).contains("queue=1.000").contains("kv=1.000").endsWith("metrics=stale");
  }

  @Test
  void slowEndpoint_countsItsQueueAsLonger() {
    Pool pool = Pool.of(2, (i, b) -> b.server("vllm"));
    fresh(pool);
    long tau = Strategies.DEFAULT_EWMA_DECAY.toNanos();
    pool.state(0).recordTpot(30_000_000, pool.now, tau); // three times slower per token
    pool.state(1).recordTpot(10_000_000, pool.now, tau);
    pool.inFlight(0, 2);
    pool.inFlight(1, 4);
    assertThat(pool.counts(Strategies.llmCombined(), 20)).containsExactly(0, 20);
  }

  @Test
  void withoutTokenCounts_theLatencyEwmaTellsTheSlowEndpoint_andAnIdleOneIsProbedAgain() {
    Pool pool = Pool.of(3, (i, b) -> b.server("vllm"));
    fresh(pool);
    pool.latency(0, 300);
    pool.latency(1, 20);
    pool.latency(2, 60);
    assertThat(pool.counts(Strategies.llmCombined(), 20)).containsExactly(0, 20, 0);
    pool.advanceMillis(30_000); // the slow one idle for three time constants, the others answering
    pool.latency(1, 20);
    pool.latency(2, 60);
    assertThat(Strategies.llmCombined().select(pool)).as("probed again").isZero();
  }

  @Test
  void withoutTokenCounts_anUntriedEndpointIsTried() {
    Pool pool = Pool.of(3, (i, b) -> b.server("vllm"));
    fresh(pool);
    pool.latency(0, 300);
    pool.latency(1, 200);
    assertThat(Strategies.llmCombined().select(pool)).as("e002 at the initial 30 ms").isEqualTo(2);
  }

  @Test
  void explain_showsTheMatchedBlocksAndEveryTerm_whoseWeightedSumIsTheScore() {
    Pool pool = Pool.of(3, (i, b) -> b.server("vllm"));
    pool.state(0).updateServerMetrics(3, 10, 0.4, pool.now);
    pool.state(1).updateServerMetrics(0, 2, 0.1, pool.now);
    pool.state(2).updateServerMetrics(1, 5, 0.2, pool.now);
    pool.inFlight(2, 2);
    long tau = Strategies.DEFAULT_EWMA_DECAY.toNanos();
    pool.state(0).recordTpot(12_000_000, pool.now, tau);
    pool.state(1).recordTpot(8_000_000, pool.now, tau);
    LlmCombinedStrategy s = (LlmCombinedStrategy) Strategies.llmCombined();
    long[] c = chain(5, 24);
    pool.request(b -> b.prefixBlocks(c));
    PrefixCacheIndex.estimated().chosen(pool, 0);
    pool.request(b -> b.prefixBlocks(concat(Arrays.copyOf(c, 16), chain(6, 8))));
    for (int i = 0; i < 3; i++) {
      String terms = s.explain(pool, i);
      assertThat(terms).startsWith("prefix_blocks=" + (i == 0 ? 16 : 0) + "/24 ");
      Matcher m = Pattern.compile("(\\w+)=([0-9.]+)\\*([0-9.]+)").matcher(terms);
      double sum = 0;
      int count = 0;
      while (m.find()) {
        sum += Double.parseDouble(m.group(2)) * Double.parseDouble(m.group(3));
        count++;
      }
      assertThat(count).isEqualTo(7);
      assertThat(sum).isCloseTo(s.score(pool, i), org.assertj.core.data.Offset.offset(0.01));
    }
  }

  @Test
  void builder_rejectsNegativeWeightsAndALoadFactorBelowOne() {
    assertThatThrownBy(() -> LlmCombinedStrategy.builder().queueWeight(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queueWeight: -1.0 (expected: a finite number >= 0)");
    assertThatThrownBy(() -> LlmCombinedStrategy.builder().prefillBlocksPerSecond(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefillBlocksPerSecond: 0.0 (expected: a finite number > 0)");
    assertThatThrownBy(() -> LlmCombinedStrategy.builder().loadFactor(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("loadFactor: 0.5 (expected: a finite number >= 1)");
    assertThatThrownBy(() -> PrefixCacheIndex.estimated(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacityBlocks: 0 (expected: 1 to 2^28)");
  }
}
