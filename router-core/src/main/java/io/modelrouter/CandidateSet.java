package io.modelrouter;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.select.Candidates;
import io.modelrouter.select.EndpointFilter;
import java.util.random.RandomGenerator;

/**
 * The mutable, per-thread {@link Candidates} of one routing call: positions into a model
 * version's endpoint arrays. Reused from call to call so that routing allocates nothing once the
 * index arrays have grown to the largest version seen.
 */
final class CandidateSet implements Candidates {

  private static final ThreadLocal<CandidateSet> PER_THREAD = ThreadLocal.withInitial(CandidateSet::new);

  private int[] indices = new int[16];
  private int[] saved = new int[16];
  /** For each version index, its candidate position when it is one (checked against indices). */
  private int[] positions = new int[16];
  private int size;
  private @org.jspecify.annotations.Nullable ModelVersion version;
  private @org.jspecify.annotations.Nullable RouteRequest request;
  private long nanoTime;
  private @org.jspecify.annotations.Nullable RandomGenerator random;

  static CandidateSet forCurrentThread() {
    return PER_THREAD.get();
  }

  void reset(ModelVersion version, RouteRequest request, long nanoTime, RandomGenerator random) {
    this.version = version;
    this.request = request;
    this.nanoTime = nanoTime;
    this.random = random;
    int n = version.endpointCount();
    if (indices.length < n) {
      indices = new int[n];
      saved = new int[n];
      positions = new int[n];
    }
    size = 0;
  }

  /** Drops references so a finished call keeps no snapshot alive. */
  void clear() {
    version = null;
    request = null;
    random = null;
    size = 0;
  }

  void add(int versionIndex) {
    positions[versionIndex] = size;
    indices[size++] = versionIndex;
  }

  /**
   * Keeps the candidates the filter accepts. A soft filter that would remove everything is
   * skipped.
   *
   * @return whether any candidate remains
   */
  boolean retain(EndpointFilter filter) {
    return retain(filter, filter.soft());
  }

  /**
   * Keeps the candidates the filter accepts.
   *
   * @param keepWhenEmpty leave the set as it was when the filter would remove everything (soft
   *     filters, and hard ones whose rejection message needs the candidates)
   * @return whether the filter accepted any candidate, or it was soft
   */
  boolean retain(EndpointFilter filter, boolean keepWhenEmpty) {
    int n = size;
    if (keepWhenEmpty) {
      System.arraycopy(indices, 0, saved, 0, n);
    }
    int kept = 0;
    for (int i = 0; i < n; i++) {
      // Compacting in place is safe: kept <= i, so positions after i are still unread originals.
      if (filter.accept(this, i)) {
        positions[indices[i]] = kept;
        indices[kept++] = indices[i];
      }
    }
    if (kept == 0 && keepWhenEmpty) {
      System.arraycopy(saved, 0, indices, 0, n);
      return filter.soft();
    }
    size = kept;
    return kept > 0;
  }

  /**
   * Keeps only the candidates at {@code count} distinct positions {@code positions[from ..]}, in
   * that order.
   */
  void keepPositions(int[] positions, int from, int count) {
    for (int k = 0; k < count; k++) {
      saved[k] = indices[positions[from + k]];
    }
    System.arraycopy(saved, 0, indices, 0, count);
    size = count;
  }

  /** The version index of the candidate at {@code position}. */
  @Override
  public int versionIndex(int position) {
    return indices[position];
  }

  /** The position of the endpoint with this version index, or -1: O(1). */
  @Override
  public int indexOfVersionIndex(int versionIndex) {
    if (versionIndex < 0 || versionIndex >= positions.length) {
      return -1;
    }
    int p = positions[versionIndex];
    return p < size && indices[p] == versionIndex ? p : -1;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Endpoint endpoint(int index) {
    return version().endpoint(indices[index]);
  }

  @Override
  public EndpointState state(int index) {
    return version().state(indices[index]);
  }

  @Override
  public RouteRequest request() {
    RouteRequest r = request;
    if (r == null) {
      throw new IllegalStateException("candidates used outside a routing call");
    }
    return r;
  }

  @Override
  public ModelSpec model() {
    return version().spec();
  }

  @Override
  public ModelVersion version() {
    ModelVersion v = version;
    if (v == null) {
      throw new IllegalStateException("candidates used outside a routing call");
    }
    return v;
  }

  @Override
  public long nanoTime() {
    return nanoTime;
  }

  @Override
  public RandomGenerator random() {
    RandomGenerator r = random;
    if (r == null) {
      throw new IllegalStateException("candidates used outside a routing call");
    }
    return r;
  }
}
