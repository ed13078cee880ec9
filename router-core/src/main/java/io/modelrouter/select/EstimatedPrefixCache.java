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
 *
 * <p>Alongside, one {@link PrefixOwners} table for all endpoints remembers which endpoint last
 * received each block, so that {@link #longestHolder} finds the likely holder of the longest
 * prefix by binary search over the chain without touching the candidates' tables.
 */
final class EstimatedPrefixCache implements PrefixCacheIndex {

  private static final int NONE = SelectionStrategy.NONE;

  static final EstimatedPrefixCache DEFAULT = new EstimatedPrefixCache(DEFAULT_CAPACITY_BLOCKS);

  private final int capacityBlocks;
  private final PrefixOwners owners = new PrefixOwners(PrefixOwners.DEFAULT_SLOTS);

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

  /**
   * The owner of the deepest block of the chain the global table has an owner among the candidates
   * for: the endpoint that last received the longest prefix (a binary search, as in {@link
   * #matchedBlocks}).
   */
  @Override
  public int longestHolder(Candidates c) {
    RouteRequest r = c.request();
    int n = r.prefixBlockCount();
    int owner = n == 0 ? NONE : owners.owner(r.prefixBlock(0), c);
    if (owner == NONE) {
      return NONE;
    }
    int last = owners.owner(r.prefixBlock(n - 1), c);
    if (last != NONE) {
      return last;
    }
    // Block lo-1 has an owner (owner), block hi does not.
    int lo = 1;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      int o = owners.owner(r.prefixBlock(mid - 1), c);
      if (o != NONE) {
        lo = mid;
        owner = o;
      } else {
        hi = mid - 1;
      }
    }
    return owner;
  }

  @Override
  public int firstBlockHolder(Candidates c) {
    RouteRequest r = c.request();
    return r.prefixBlockCount() == 0 ? NONE : owners.owner(r.prefixBlock(0), c);
  }

  /** Records the request's whole chain as just sent to the chosen endpoint, in its table and the global one. */
  @Override
  public void chosen(Candidates c, int index) {
    RouteRequest r = c.request();
    int n = r.prefixBlockCount();
    if (n == 0) {
      return;
    }
    PrefixBlockCache t = c.state(index).prefixBlocks(capacityBlocks);
    long now = c.nanoTime();
    long owner = PrefixOwners.owner(c.version(), c.versionIndex(index));
    for (int k = 0; k < n; k++) {
      long block = r.prefixBlock(k);
      t.add(block, now);
      owners.record(block, owner);
    }
  }

  @Override
  public String name() {
    return "estimated";
  }
}
