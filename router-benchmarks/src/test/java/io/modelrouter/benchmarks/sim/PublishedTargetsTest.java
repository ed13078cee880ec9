package io.modelrouter.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The targets docs/routing-quality.md reports as met, checked on the full-length scenarios with
 * the report's own seed ({@link RoutingQuality#DEFAULT_SEED}): a change that loses one fails
 * here, not silently in the next report. The simulation runs in simulated time, so these are
 * deterministic, not timing assertions; scenario 1 takes about a second, scenarios 2, 3 and 6 a
 * few each.
 */
class PublishedTargetsTest {

  private static final long SEED = RoutingQuality.DEFAULT_SEED;

  @Test
  void scenario1_defaultP999BelowLinkerdsPeakEwma215ms() {
    ScenarioReport report = Scenarios.linkerd(SEED, false, Scenarios.Progress.NONE);

    assertThat(report.run("ours (default)").latencyMs(99.9)).isLessThan(215);
  }

  @Test
  void scenario2_defaultP99Within1point2xOfTheOracleAt70And85PercentLoad() {
    for (double load : new double[] {0.7, 0.85}) {
      ScenarioReport report = Scenarios.heterogeneous(SEED, false, Scenarios.Progress.NONE, load);
      RunStats ours = report.run("ours (default)");
      RunStats oracle = report.run("oracle");
      RunStats clairvoyant = report.run("clairvoyant oracle");
      assertThat(ours.latencyMs(99)).as("p99 at %s", load).isLessThanOrEqualTo(1.2 * oracle.latencyMs(99));
      assertThat(ours.unfinished).as("unanswered at %s", load).isZero();
      // The table keeps the clairvoyant oracle beside the oracle: it knows each request's own work.
      assertThat(clairvoyant.latencyMs(99)).as("clairvoyant p99 at %s", load).isLessThan(oracle.latencyMs(99));
    }
  }

  /**
   * Issue 20's targets on an LLM scenario: at every load, the default's TTFT p90 and p99 are the
   * best of the real policies (every one but the oracle) and its p90 within 2x of the oracle's; its
   * p99 within 2x of the oracle's at the loads where {@code p99Within2x} says the docs report it met.
   */
  private static void llmTargets(ScenarioReport report, boolean... p99Within2x) {
    int perLoad = Scenarios.prefixPolicies().size();
    for (int from = 0; from < report.runs().size(); from += perLoad) {
      java.util.List<RunStats> runs = report.runs().subList(from, from + perLoad);
      RunStats ours = runs.get(perLoad - 2);
      RunStats oracle = runs.get(perLoad - 1);
      assertThat(ours.policy).isEqualTo("ours (default: llm-combined)");
      for (RunStats other : runs.subList(0, perLoad - 2)) {
        assertThat(ours.ttftMs(90)).as("p90 against %s, load %d", other.policy, from / perLoad).isLessThanOrEqualTo(other.ttftMs(90));
        assertThat(ours.ttftMs(99)).as("p99 against %s, load %d", other.policy, from / perLoad).isLessThanOrEqualTo(other.ttftMs(99));
      }
      assertThat(ours.ttftMs(90)).as("p90 against the oracle, load %d", from / perLoad).isLessThanOrEqualTo(2 * oracle.ttftMs(90));
      if (p99Within2x[from / perLoad]) {
        assertThat(ours.ttftMs(99)).as("p99 against the oracle, load %d", from / perLoad).isLessThanOrEqualTo(2 * oracle.ttftMs(99));
      }
    }
  }

  @Test
  void scenario3_llmDefaultBestOfTheRealPoliciesAndWithin2xOfTheOracleAtBothLoads() {
    llmTargets(Scenarios.prefixSharing(SEED, false, Scenarios.Progress.NONE), true, true);
  }

  @Test
  void scenario7_llmDefaultBestOfTheRealPolicies_p99Within2xOfTheOracleAtTheHigherLoadOnly() {
    // At 8 sessions/s the p99 is 2.06x the oracle's: reported as missed.
    llmTargets(Scenarios.multiTurn(SEED, false, Scenarios.Progress.NONE), false, true);
  }
}
