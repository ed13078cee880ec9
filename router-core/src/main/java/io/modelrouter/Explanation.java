package io.modelrouter;

import io.modelrouter.health.EndpointStatus;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Why a decision came out as it did: every endpoint serving the resolved version, its signals, the
 * filter that removed it or the score the strategy gave it, and which one was chosen. Built only
 * when a request asks for it.
 */
public record Explanation(String model, String version, String strategy, List<Candidate> candidates) {

  public Explanation {
    candidates = List.copyOf(candidates);
  }

  /**
   * One endpoint's part in a decision.
   *
   * @param removedBy the filter that removed it, or null when it stayed in the running
   * @param score the strategy's score (lower is better), NaN when the strategy does not score
   * @param scoreTerms the terms of the score as the strategy shows them ({@link
   *     io.modelrouter.select.SelectionStrategy#explain}), such as the matched prefix blocks; null
   *     when it shows none
   */
  public record Candidate(
      String endpointId,
      EndpointStatus status,
      int inFlight,
      double latencyEwmaMillis,
      int queueDepth,
      double kvCacheUsage,
      @Nullable String removedBy,
      double score,
      boolean chosen,
      @Nullable String scoreTerms) {

    /** A candidate whose score has no terms to show. */
    public Candidate(
        String endpointId,
        EndpointStatus status,
        int inFlight,
        double latencyEwmaMillis,
        int queueDepth,
        double kvCacheUsage,
        @Nullable String removedBy,
        double score,
        boolean chosen) {
      this(endpointId, status, inFlight, latencyEwmaMillis, queueDepth, kvCacheUsage, removedBy, score, chosen, null);
    }
  }

  /** The chosen candidate's id, or null when none was chosen. */
  public @Nullable String chosen() {
    for (Candidate c : candidates) {
      if (c.chosen()) {
        return c.endpointId();
      }
    }
    return null;
  }

  /** A one-line summary for a response header: {@code chosen=a; a:score=1.2; b:removed=status}. */
  public String toHeaderValue() {
    StringBuilder sb = new StringBuilder();
    sb.append("model=").append(model).append(':').append(version);
    sb.append("; strategy=").append(strategy);
    sb.append("; chosen=").append(chosen());
    for (Candidate c : candidates) {
      sb.append("; ").append(c.endpointId()).append(":status=").append(c.status().name().toLowerCase(java.util.Locale.ROOT));
      sb.append(",inflight=").append(c.inFlight());
      sb.append(",ewma_ms=").append(String.format(java.util.Locale.ROOT, "%.2f", c.latencyEwmaMillis()));
      if (c.queueDepth() >= 0) {
        sb.append(",queue=").append(c.queueDepth());
      }
      if (!Double.isNaN(c.kvCacheUsage())) {
        sb.append(",kv=").append(String.format(java.util.Locale.ROOT, "%.2f", c.kvCacheUsage()));
      }
      if (c.removedBy() != null) {
        sb.append(",removed=").append(c.removedBy());
      } else if (!Double.isNaN(c.score())) {
        sb.append(",score=").append(String.format(java.util.Locale.ROOT, "%.4g", c.score()));
        if (c.scoreTerms() != null) {
          sb.append(",terms=").append(c.scoreTerms().replace(' ', '/'));
        }
      }
    }
    return sb.toString();
  }
}
