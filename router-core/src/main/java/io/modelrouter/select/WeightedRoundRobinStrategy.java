package io.modelrouter.select;

/**
 * Smooth weighted round robin by stride scheduling (as gRPC's static stride scheduler): a shared
 * sequence walks the candidates in turn, and in generation {@code g} the candidate at {@code i}
 * with reduced weight {@code w} (weights divided by their greatest common divisor, largest
 * {@code M}) is accepted when {@code (w * g + offset(i)) mod M >= M - w}. Over {@code M}
 * generations that is exactly {@code w} times, so the weights are honoured exactly over each
 * cycle of {@code n * M} sequence numbers, and picks of different endpoints interleave instead of
 * coming in runs. Lock-free: the only shared write is the version's sequence counter.
 *
 * <p>Expected sequence numbers per pick are {@code n * M / sum(w)}, at most {@code n}; after
 * {@value #MAX_STEPS_PER_CANDIDATE}{@code  * n} rejected steps a weighted random pick decides. Zero weights are
 * never picked unless every weight is zero, then it is plain round robin.
 */
final class WeightedRoundRobinStrategy implements SelectionStrategy {

  static final int MAX_STEPS_PER_CANDIDATE = 4;
  /** Spreads the offsets so that endpoints of equal weight are accepted in different generations. */
  private static final long OFFSET_STRIDE = 0x9E3779B9L;

  private final WeightCache cache = new WeightCache();

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n <= 1) {
      return n == 1 ? 0 : NONE;
    }
    WeightCache.Table table = cache.tableFor(c);
    int g;
    int m;
    if (table != null) {
      g = table.gcd;
      m = table.maxReduced;
    } else {
      int max = 0;
      int gcd = 0;
      for (int i = 0; i < n; i++) {
        int w = c.endpoint(i).weight();
        max = Math.max(max, w);
        gcd = WeightCache.gcd(gcd, w);
      }
      g = gcd == 0 ? 1 : gcd;
      m = max / g;
    }
    if (m == 0) {
      return (int) Math.floorMod(c.version().nextSequence(), (long) n);
    }
    long limit = (long) MAX_STEPS_PER_CANDIDATE * n;
    for (long step = 0; step < limit; step++) {
      long seq = c.version().nextSequence() & Long.MAX_VALUE;
      long generation = seq / n;
      int i = (int) (seq - generation * n);
      int w = table != null ? table.reduced[i] : c.endpoint(i).weight() / g;
      if (w >= m) {
        return i;
      }
      long offset = (i * OFFSET_STRIDE) % m;
      if ((w * (generation % m) + offset) % m >= m - w) {
        return i;
      }
    }
    return WeightedRandomStrategy.pick(c, table);
  }

  @Override
  public double score(Candidates c, int index) {
    return -c.endpoint(index).weight();
  }

  @Override
  public String name() {
    return "weighted-round-robin";
  }
}
