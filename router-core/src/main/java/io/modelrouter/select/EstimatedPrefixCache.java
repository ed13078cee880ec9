package io.modelrouter.select;

import io.modelrouter.RouteRequest;
import io.modelrouter.health.PrefixBlockCache;

/**
 * {@link PrefixCacheIndex#estimated(int)}: the blocks this router sent to each endpoint, in the
 * endpoint's {@link PrefixBlockCache}. A match is found by binary search over the chain, so it
 * costs {@code O(log blocks)} lookups: a server caches a prompt's blocks together and, least
 * recently used first, drops the later ones of a chain no sooner than the earlier ones, so the
 * blocks it holds are a leading run of the chain. A candidate that lacks the first block costs one
 * lookup.
 */
final class EstimatedPrefixCache implements PrefixCacheIndex {

  static final EstimatedPrefixCache DEFAULT = new EstimatedPrefixCache(DEFAULT_CAPACITY_BLOCKS);

  private final int capacityBlocks;

  EstimatedPrefixCache(int capacityBlocks) {
    this.capacityBlocks = capacityBlocks;
  }

  @Override
  public int matchedBlocks(Candidates c, int index) {
    RouteRequest r = c.request();
    int n = r.prefixBlockCount();
    PrefixBlockCache t = n == 0 ? null : c.state(index).prefixBlocks();
    if (t == null || !t.contains(r.prefixBlock(0))) {
      return 0;
    }
    if (t.contains(r.prefixBlock(n - 1))) {
      return n;
    }
    // Blocks 0..lo-1 are held, block hi is not: the answer is in [lo, hi].
    int lo = 1;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (t.contains(r.prefixBlock(mid - 1))) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Records the request's whole chain as just sent to the chosen endpoint. */
  @Override
  public void chosen(Candidates c, int index) {
    RouteRequest r = c.request();
    int n = r.prefixBlockCount();
    if (n == 0) {
      return;
    }
    PrefixBlockCache t = c.state(index).prefixBlocks(capacityBlocks);
    long now = c.nanoTime();
    for (int k = 0; k < n; k++) {
      t.add(r.prefixBlock(k), now);
    }
  }

  @Override
  public String name() {
    return "estimated";
  }
}
