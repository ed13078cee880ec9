package io.modelrouter.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.RouteRequest;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.ModelVersion;
import java.util.Arrays;
import java.util.BitSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** {@link Strategies#llmCombined()} over pools above its full-scan limit: a bounded pick. */
class LlmCombinedLargePoolTest {

  private static final int N = 1000;

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

  private static Pool fleet() {
    Pool pool = Pool.of(N, (i, b) -> b.server("vllm"));
    for (int i = 0; i < N; i++) {
      pool.state(i).updateServerMetrics(0, 0, 0.1, pool.now);
    }
    return pool;
  }

  @Test
  void longestHolder_isTheEndpointLastSentTheDeepestMatchingBlock_firstBlockHolderTheLastSentTheFirst() {
    Pool pool = fleet();
    PrefixCacheIndex index = PrefixCacheIndex.estimated(4096);
    long[] doc = chain(1, 12);
    pool.request(b -> b.prefixBlocks(doc));
    index.chosen(pool, 300);
    pool.request(b -> b.prefixBlocks(Arrays.copyOf(doc, 4)));
    index.chosen(pool, 700);

    long[] longer = Arrays.copyOf(doc, 20);
    System.arraycopy(chain(2, 8), 0, longer, 12, 8);
    pool.request(b -> b.prefixBlocks(longer));
    assertThat(index.longestHolder(pool)).isEqualTo(300);
    assertThat(index.firstBlockHolder(pool)).isEqualTo(700);
    pool.request(b -> b.prefixBlocks(chain(3, 12)));
    assertThat(index.longestHolder(pool)).isEqualTo(SelectionStrategy.NONE);
    assertThat(index.firstBlockHolder(pool)).isEqualTo(SelectionStrategy.NONE);
  }

  @Test
  void select_sendsEachConversationsNextTurnWhereThePreviousWent() {
    Pool pool = fleet();
    SelectionStrategy s = LlmCombinedStrategy.builder().prefixIndex(PrefixCacheIndex.estimated(4096)).build();
    int[] first = new int[50];
    for (int conv = 0; conv < first.length; conv++) {
      long[] turn1 = chain(100 + conv, 16);
      pool.request(b -> b.prefixBlocks(turn1));
      first[conv] = s.select(pool);
    }
    for (int conv = 0; conv < first.length; conv++) {
      long[] turn2 = Arrays.copyOf(chain(100 + conv, 16), 24);
      System.arraycopy(chain(200 + conv, 8), 0, turn2, 16, 8);
      pool.request(b -> b.prefixBlocks(turn2));
      assertThat(s.select(pool)).as("conversation %d", conv).isEqualTo(first[conv]);
    }
  }

  @Test
  void select_scoresAtMostFourCandidatesOfALargePool() {
    Pool pool = fleet();
    SelectionStrategy s = LlmCombinedStrategy.builder().prefixIndex(PrefixCacheIndex.estimated(4096)).build();
    long[] doc = chain(5, 16);
    pool.request(b -> b.prefixBlocks(doc));
    s.select(pool);
    s.select(pool);
    Touched touched = new Touched(pool);
    for (int k = 0; k < 100; k++) {
      touched.seen.clear();
      s.select(touched);
      assertThat(touched.seen.cardinality()).isBetween(2, 4);
    }
  }

  @Test
  void loadBound_spreadsAHotPrefixOverAFewEndpoints_eachUnderTheBound() {
    Pool pool = fleet();
    for (int i = 0; i < N; i++) {
      pool.inFlight(i, 2);
    }
    SelectionStrategy s = LlmCombinedStrategy.builder().prefixIndex(PrefixCacheIndex.estimated(4096)).build();
    long[] hot = chain(9, 32);
    pool.request(b -> b.prefixBlocks(hot));
    for (int k = 0; k < 100; k++) {
      pool.state(s.select(pool)).acquire();
    }
    int holders = 0;
    int max = 0;
    for (int i = 0; i < N; i++) {
      int load = pool.state(i).inFlight();
      holders += load > 2 ? 1 : 0;
      max = Math.max(max, load);
    }
    // The bound at a mean of 2 in flight: 3 * (2 + 2/N) = 6.006, so a holder takes a pick at 6, not 7.
    assertThat(max).as("no endpoint over the bound").isLessThanOrEqualTo(7);
    assertThat(max).as("the holder keeps its prefix until the bound").isGreaterThanOrEqualTo(6);
    assertThat(holders).as("the hot prefix stays on a few endpoints").isLessThan(40);
  }

  @Test
  void select_prefersTheHolderUnlessItIsBusierThanTheBound() {
    Pool pool = fleet();
    SelectionStrategy s = LlmCombinedStrategy.builder().prefixIndex(PrefixCacheIndex.estimated(4096)).build();
    long[] doc = chain(11, 32);
    pool.request(b -> b.prefixBlocks(doc));
    int holder = s.select(pool);
    assertThat(s.select(pool)).isEqualTo(holder);
    pool.inFlight(holder, 50);
    assertThat(s.select(pool)).isNotEqualTo(holder);
  }

  @Test
  void builder_rejectsAFullScanLimitBelowTwo() {
    assertThatThrownBy(() -> LlmCombinedStrategy.builder().fullScanLimit(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fullScanLimit: 1");
  }

  /** The pool, noting which candidates' states a pick reads. */
  private static final class Touched implements Candidates {
    final Pool pool;
    final BitSet seen = new BitSet();

    Touched(Pool pool) {
      this.pool = pool;
    }

    @Override
    public int size() {
      return pool.size();
    }

    @Override
    public Endpoint endpoint(int index) {
      return pool.endpoint(index);
    }

    @Override
    public EndpointState state(int index) {
      seen.set(index);
      return pool.state(index);
    }

    @Override
    public RouteRequest request() {
      return pool.request();
    }

    @Override
    public ModelSpec model() {
      return pool.model();
    }

    @Override
    public ModelVersion version() {
      return pool.version();
    }

    @Override
    public long nanoTime() {
      return pool.nanoTime();
    }

    @Override
    public RandomGenerator random() {
      return pool.random();
    }

    @Override
    public int versionIndex(int index) {
      return index;
    }

    @Override
    public int indexOfVersionIndex(int versionIndex) {
      return versionIndex;
    }
  }
}
