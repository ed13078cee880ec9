package io.modelrouter.benchmarks.sim;

import java.util.List;
import java.util.TreeMap;

/**
 * What one policy did in one experiment: client-side latency and time to first token, errors,
 * prefix-cache hits, cost, budget attainment, and each endpoint's share of attempts over time.
 *
 * <p>Latency is measured at the client from the first send to the final answer, retries
 * included. Requests still unanswered when the run ends count with their age at that moment (a
 * lower bound), so an overloaded policy cannot look good by leaving requests in queues.
 */
final class RunStats {

  final String policy;
  final List<String> endpointIds;
  final long durationNanos;
  final long bucketNanos;
  final LongSeries latency = new LongSeries();
  final LongSeries ttft = new LongSeries();
  final int[][] attemptsByBucket;

  int requests;
  int succeeded;
  int failed;
  int rejected;
  int unfinished;
  int retries;
  int prefixRequests;
  int prefixHits;
  int withBudget;
  int budgetMet;
  /** Per budget (nanoseconds): {requests with it, requests that met it}. */
  final TreeMap<Long, int[]> budgets = new TreeMap<>();
  long outputTokens;
  long promptTokens;
  long cachedPromptTokens;
  double cost;

  RunStats(String policy, List<String> endpointIds, long durationNanos, long bucketNanos) {
    this.policy = policy;
    this.endpointIds = List.copyOf(endpointIds);
    this.durationNanos = durationNanos;
    this.bucketNanos = bucketNanos;
    this.attemptsByBucket = new int[(int) ((durationNanos + bucketNanos - 1) / bucketNanos)][endpointIds.size()];
  }

  void attempt(String endpointId, long atNanos) {
    int e = endpointIds.indexOf(endpointId);
    int b = (int) (atNanos / bucketNanos);
    if (e >= 0 && b >= 0 && b < attemptsByBucket.length) {
      attemptsByBucket[b][e]++;
    }
  }

  /** Latency percentile in milliseconds. */
  double latencyMs(double p) {
    return ms(latency.percentile(p));
  }

  /** Time-to-first-token percentile in milliseconds. */
  double ttftMs(double p) {
    return ms(ttft.percentile(p));
  }

  private static double ms(long nanos) {
    return nanos < 0 ? Double.NaN : Units.toMillis(nanos);
  }

  /** Share of requests that ended without an answer (failed after retries, rejected, or unfinished). */
  double errorRate() {
    return requests == 0 ? 0 : (double) (failed + rejected + unfinished) / requests;
  }

  /** The share of answered requests' prompt tokens the servers found in their prefix caches. */
  double cachedPromptShare() {
    return promptTokens == 0 ? Double.NaN : (double) cachedPromptTokens / promptTokens;
  }

  double prefixHitRate() {
    return prefixRequests == 0 ? Double.NaN : (double) prefixHits / prefixRequests;
  }

  double budgetAttainment() {
    return withBudget == 0 ? Double.NaN : (double) budgetMet / withBudget;
  }

  /** The share of requests with this budget that were answered within it. */
  double budgetAttainment(long budgetNanos) {
    int[] c = budgets.get(budgetNanos);
    return c == null || c[0] == 0 ? Double.NaN : (double) c[1] / c[0];
  }

  void budgetRequested(long budgetNanos) {
    withBudget++;
    budgets.computeIfAbsent(budgetNanos, k -> new int[2])[0]++;
  }

  void budgetMet(long budgetNanos) {
    budgetMet++;
    budgets.computeIfAbsent(budgetNanos, k -> new int[2])[1]++;
  }

  /** Cost per 1,000 answered requests (unanswered ones cost nothing and are counted apart). */
  double costPer1000() {
    return succeeded == 0 ? Double.NaN : cost * 1000 / succeeded;
  }

  /** Output tokens per simulated second of offered load. */
  double tokenThroughput() {
    return outputTokens / (durationNanos / 1e9);
  }

  /** The share of all attempts that went to this endpoint between two times. */
  double share(String endpointId, long fromNanos, long toNanos) {
    int e = endpointIds.indexOf(endpointId);
    long mine = 0;
    long all = 0;
    for (int b = (int) (fromNanos / bucketNanos); b < Math.min(attemptsByBucket.length, toNanos / bucketNanos); b++) {
      for (int i = 0; i < endpointIds.size(); i++) {
        all += attemptsByBucket[b][i];
      }
      mine += e < 0 ? 0 : attemptsByBucket[b][e];
    }
    return all == 0 ? 0 : (double) mine / all;
  }
}
