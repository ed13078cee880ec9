package io.modelrouter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrefixBlockCacheTest {

  private static final long MS = 1_000_000L;

  @Test
  void contains_onlyWhatWasAdded() {
    PrefixBlockCache t = new PrefixBlockCache(64);
    t.add(0x1234_5678_9abc_def0L, 10 * MS);
    assertThat(t.contains(0x1234_5678_9abc_def0L)).isTrue();
    assertThat(t.contains(0x1234_5678_9abc_def1L)).isFalse();
  }

  @Test
  void add_whenFull_evictsTheLeastRecentlyUsedBlock() {
    PrefixBlockCache t = new PrefixBlockCache(4); // one set of four
    for (long b = 1; b <= 4; b++) {
      t.add(b, b * 10 * MS);
    }
    t.add(1, 50 * MS); // used again: now the most recent
    t.add(5, 60 * MS);
    assertThat(t.contains(1)).isTrue();
    assertThat(t.contains(2)).as("least recently used").isFalse();
    assertThat(t.contains(3)).isTrue();
    assertThat(t.contains(4)).isTrue();
    assertThat(t.contains(5)).isTrue();
  }

  @Test
  void capacity_isRoundedUpToAPowerOfTwo_andFootprintIsEightBytesABlock() {
    assertThat(new PrefixBlockCache(1).capacity()).isEqualTo(4);
    assertThat(new PrefixBlockCache(4096).capacity()).isEqualTo(4096);
    assertThat(new PrefixBlockCache(5000).capacity()).isEqualTo(8192);
    assertThat(new PrefixBlockCache(4096).footprintBytes()).isEqualTo(32 * 1024);
  }

  @Test
  void holdsNoMoreThanItsCapacity() {
    PrefixBlockCache t = new PrefixBlockCache(256);
    for (long b = 1; b <= 10_000; b++) {
      t.add(b * 0x9E3779B97F4A7C15L, b * MS);
    }
    int held = 0;
    for (long b = 1; b <= 10_000; b++) {
      held += t.contains(b * 0x9E3779B97F4A7C15L) ? 1 : 0;
    }
    assertThat(held).isLessThanOrEqualTo(256).isGreaterThan(200);
  }

  @Test
  void rejectsAnUnusableCapacity() {
    assertThatThrownBy(() -> new PrefixBlockCache(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacityBlocks: 0 (expected: 1 to 2^28)");
  }

  @Test
  void endpointState_createsItsTableOnce() {
    EndpointState s = new EndpointState("e", 0);
    assertThat(s.prefixBlocks()).isNull();
    PrefixBlockCache first = s.prefixBlocks(64);
    assertThat(s.prefixBlocks(4096)).isSameAs(first);
    assertThat(first.capacity()).isEqualTo(64);
  }
}
