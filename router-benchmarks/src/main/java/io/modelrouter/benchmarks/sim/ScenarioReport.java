package io.modelrouter.benchmarks.sim;

import java.util.List;

/**
 * What one scenario produced: its setup and published anchor, the result table, the explanation
 * of how and why the results differ from the anchor, the charts, and the raw runs for tests.
 */
record ScenarioReport(
    String id,
    String title,
    String setup,
    String anchor,
    Table table,
    String explanation,
    List<Chart> charts,
    List<RunStats> runs) {

  /** The run of the policy with this name (for a scenario with several sub-experiments, the first). */
  RunStats run(String policy) {
    return runs.stream()
        .filter(r -> r.policy.equals(policy))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("policy: " + policy + " (expected one of the scenario's)"));
  }

  /** A chart of the report. */
  sealed interface Chart permits LatencyChart, ShareChart {}

  /**
   * Latency by percentile, one line per run, on log axes so that the tail is legible.
   *
   * @param ttft whether to plot time to first token rather than end-to-end latency
   */
  record LatencyChart(String title, List<RunStats> runs, boolean ttft) implements Chart {}

  /** Each endpoint's share of attempts over time, stacked, for one run. */
  record ShareChart(String title, RunStats run) implements Chart {}
}
