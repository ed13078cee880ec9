package io.modelrouter.select;

import org.jspecify.annotations.Nullable;

/**
 * A random candidate with probability proportional to its weight: a binary search in the
 * version's cached cumulative weights when every endpoint is a candidate (O(log n)), otherwise two
 * passes over the candidates (O(n)). Every weight zero: uniform.
 */
final class WeightedRandomStrategy implements SelectionStrategy {

  private final WeightCache cache = new WeightCache();

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n <= 1) {
      return n == 1 ? 0 : NONE;
    }
    return pick(c, cache.tableFor(c));
  }

  static int pick(Candidates c, WeightCache.@Nullable Table table) {
    int n = c.size();
    if (table != null) {
      long total = table.total();
      if (total <= 0) {
        return c.random().nextInt(n);
      }
      return firstAbove(table.cumulative, c.random().nextLong(total));
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += c.endpoint(i).weight();
    }
    if (total <= 0) {
      return c.random().nextInt(n);
    }
    long point = c.random().nextLong(total);
    for (int i = 0; i < n; i++) {
      point -= c.endpoint(i).weight();
      if (point < 0) {
        return i;
      }
    }
    return n - 1;
  }

  /** The first index whose cumulative weight exceeds {@code point} (skips zero weights). */
  static int firstAbove(long[] cumulative, long point) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > point) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  @Override
  public double score(Candidates c, int index) {
    return -c.endpoint(index).weight();
  }

  @Override
  public String name() {
    return "weighted-random";
  }
}
