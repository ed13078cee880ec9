package io.modelrouter.select;

import io.modelrouter.RouteRequest;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2016) over
 * rendezvous hashing: each candidate gets a pseudo-random rank for the request's key, and the key
 * goes to the highest-ranked candidate whose in-flight load is under
 * {@code ceil(c * (total + 1) / n)}. A candidate over that bound passes the key on to the next
 * rank, so only the overflow moves and the rest of the keys keep their endpoint (and its prefix
 * cache). Rendezvous ranks need no ring to build or keep per snapshot, and a candidate removed by
 * a filter moves only its own keys.
 *
 * <p>The key is {@link RouteRequest#affinityKey()} when set (sessions), else
 * {@link RouteRequest#prefixHash()} when non-zero (prompt prefixes); requests with neither go to
 * the fallback strategy. O(n) per pick: the mean load is a sum over the candidates anyway.
 */
final class BoundedLoadHashStrategy implements SelectionStrategy {

  private final double loadFactor;
  private final SelectionStrategy fallback;

  BoundedLoadHashStrategy(double loadFactor, SelectionStrategy fallback) {
    this.loadFactor = loadFactor;
    this.fallback = fallback;
  }

  @Override
  public int select(Candidates c) {
    int n = c.size();
    if (n == 0) {
      return NONE;
    }
    RouteRequest r = c.request();
    String affinityKey = r.affinityKey();
    if (affinityKey == null && r.prefixHash() == 0) {
      return fallback.select(c);
    }
    if (n == 1) {
      return 0;
    }
    long key = key(r);
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += Math.max(c.state(i).inFlight(), 0);
    }
    long bound = (long) Math.ceil(loadFactor * (total + 1) / n);
    int best = NONE;
    long bestRank = 0;
    for (int i = 0; i < n; i++) {
      if (c.state(i).inFlight() >= bound) {
        continue;
      }
      long rank = rank(key, c.endpoint(i).id().hashCode());
      if (best == NONE || Long.compareUnsigned(rank, bestRank) > 0) {
        best = i;
        bestRank = rank;
      }
    }
    // Unreachable with loadFactor >= 1 (some load is under the mean), but never fail a request.
    return best != NONE ? best : fallback.select(c);
  }

  static long key(RouteRequest r) {
    String k = r.affinityKey();
    return k != null ? mix64(k.hashCode() ^ ((long) k.length() << 32)) : r.prefixHash();
  }

  /** The candidate's rendezvous rank for a key; higher wins. */
  static long rank(long key, int endpointHash) {
    return mix64(key ^ (endpointHash * 0x9E3779B97F4A7C15L));
  }

  /** The SplitMix64 finaliser: every input bit affects every output bit. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The candidate's rank for the request's key (higher wins), or the fallback's score without a key. */
  @Override
  public double score(Candidates c, int index) {
    RouteRequest r = c.request();
    if (r.affinityKey() == null && r.prefixHash() == 0) {
      return fallback.score(c, index);
    }
    // Lower is better in explanations: the unsigned rank mapped to [0, 1), negated order.
    return 1 - (rank(key(r), c.endpoint(index).id().hashCode()) >>> 11) * 0x1.0p-53;
  }

  @Override
  public java.util.List<EndpointFilter> filters() {
    return fallback.filters();
  }

  @Override
  public String name() {
    return "bounded-load-hash";
  }
}
