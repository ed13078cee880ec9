package io.modelrouter.select;

import io.modelrouter.registry.ModelVersion;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Per-version endpoint weight tables for weighted strategies, computed once per registry snapshot
 * and model version so that a pick over all of a version's endpoints does not sum weights. Looked
 * up by model name and version (two lock-free map reads, no allocation); a table built for an
 * older snapshot is replaced on first use of the new one; the table used last is kept at hand.
 */
final class WeightCache {

  /** The weights of one version's endpoints, in endpoint order. */
  static final class Table {
    final ModelVersion version;
    /** {@code cumulative[i]} = sum of the weights of endpoints {@code 0..i}. */
    final long[] cumulative;
    /** Each endpoint's weight divided by {@link #gcd}, contiguous so a pick does not chase endpoints. */
    final int[] reduced;
    /** The largest weight divided by the greatest common divisor of the non-zero weights. */
    final int maxReduced;
    /** The greatest common divisor of the non-zero weights (1 when all are zero). */
    final int gcd;

    Table(ModelVersion version) {
      this.version = version;
      int n = version.endpointCount();
      this.cumulative = new long[n];
      this.reduced = new int[n];
      long sum = 0;
      int max = 0;
      int g = 0;
      for (int i = 0; i < n; i++) {
        int w = version.endpoint(i).weight();
        sum += w;
        cumulative[i] = sum;
        max = Math.max(max, w);
        g = gcd(g, w);
      }
      this.gcd = g == 0 ? 1 : g;
      this.maxReduced = max / this.gcd;
      for (int i = 0; i < n; i++) {
        reduced[i] = version.endpoint(i).weight() / this.gcd;
      }
    }

    long total() {
      return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    }
  }

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Table>> tables = new ConcurrentHashMap<>();
  /** The table used last: one volatile read when a router serves mostly one version. */
  private volatile @Nullable Table last;

  /** The table of the candidates' version when the candidates are all its endpoints, else null. */
  @Nullable Table tableFor(Candidates c) {
    ModelVersion version = c.version();
    if (c.size() != version.endpointCount()) {
      return null;
    }
    Table recent = last;
    if (recent != null && recent.version == version) {
      return recent;
    }
    Table t = lookup(version);
    last = t;
    return t;
  }

  private Table lookup(ModelVersion version) {
    String name = version.spec().name();
    String v = version.spec().version();
    ConcurrentHashMap<String, Table> byVersion = tables.get(name);
    if (byVersion != null) {
      Table t = byVersion.get(v);
      if (t != null && t.version == version) {
        return t;
      }
    } else {
      byVersion = tables.computeIfAbsent(name, k -> new ConcurrentHashMap<>());
    }
    Table t = new Table(version);
    byVersion.put(v, t);
    return t;
  }

  static int gcd(int a, int b) {
    while (b != 0) {
      int r = a % b;
      a = b;
      b = r;
    }
    return a;
  }
}
