package io.modelrouter.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The short versions of the published experiments, with fixed seeds: the orderings must hold. */
class ScenariosTest {

  private static final long SEED = 11;

  @Test
  void linkerd_peakEwmaBeatsRoundRobinAndLeastLoadedInTheTail() {
    ScenarioReport report = Scenarios.linkerd(SEED, true, Scenarios.Progress.NONE);
    RunStats rr = report.run("round robin");
    RunStats leastLoaded = report.run("P2C least loaded");
    RunStats ewma = report.run("P2C peak EWMA");
    RunStats ours = report.run("ours (default)");
    RunStats oracle = report.run("oracle");

    assertThat(rr.latencyMs(99)).isGreaterThan(1500);
    assertThat(ewma.latencyMs(99)).isLessThan(rr.latencyMs(99) / 5);
    assertThat(leastLoaded.latencyMs(99)).isLessThan(rr.latencyMs(99) / 5);
    // The tail beyond p99: how many requests waited for the 2 s backend.
    long second = Units.seconds(1);
    assertThat(ewma.latency.countAbove(second)).isLessThan(leastLoaded.latency.countAbove(second) / 3);
    assertThat(ours.latency.countAbove(second)).isLessThan(ewma.latency.countAbove(second));
    assertThat(ours.latencyMs(99.9)).isLessThan(ewma.latencyMs(99.9));
    assertThat(oracle.latency.countAbove(second)).isZero();
    assertThat(oracle.latencyMs(99.9)).isLessThan(230);
    long half = rr.durationNanos / 2;
    assertThat(ewma.share("backend-0", half - half / 2, half + half / 2)).isLessThan(0.01);
    assertThat(rr.share("backend-0", half - half / 2, half + half / 2)).isCloseTo(1 / 11.0,
        org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void heterogeneous_defaultHalvesRoundRobinsP99AndStaysWithin1point2xOfTheOracle() {
    // 70%: the load where the oracle leaves the slow endpoints idle and a strategy that miscounts
    // slots does not (see docs/routing-quality.md)
    ScenarioReport report = Scenarios.heterogeneous(SEED, true, Scenarios.Progress.NONE, 0.7);
    RunStats rr = report.run("round robin");
    RunStats ewma = report.run("P2C peak EWMA");
    RunStats ours = report.run("ours (default)");
    RunStats oracle = report.run("oracle");
    RunStats clairvoyant = report.run("clairvoyant oracle");

    assertThat(ours.latencyMs(99)).isLessThanOrEqualTo(rr.latencyMs(99) / 2);
    assertThat(ours.latencyMs(99)).isLessThan(ewma.latencyMs(99));
    assertThat(ours.latencyMs(99)).isLessThanOrEqualTo(1.2 * oracle.latencyMs(99));
    assertThat(clairvoyant.latencyMs(99)).isLessThan(oracle.latencyMs(99));
    assertThat(clairvoyant.latencyMs(99)).isLessThan(ours.latencyMs(99));
    assertThat(rr.latencyMs(99)).isGreaterThan(5 * oracle.latencyMs(99));
    assertThat(ours.unfinished).isZero();
  }

  /** The run of {@code policy} at the scenario's last (highest) load. */
  private static RunStats atHighLoad(ScenarioReport report, String policy) {
    RunStats last = null;
    for (RunStats r : report.runs()) {
      if (r.policy.equals(policy)) {
        last = r;
      }
    }
    assertThat(last).as(policy).isNotNull();
    return last;
  }

  @Test
  void prefixSharing_cacheAwareRoutingRaisesHitsAndCutsTimeToFirstToken() {
    ScenarioReport report = Scenarios.prefixSharing(SEED, true, Scenarios.Progress.NONE);
    RunStats random = atHighLoad(report, "random");
    RunStats loadOnly = atHighLoad(report, "least outstanding");
    RunStats kvAware = atHighLoad(report, "queue/KV aware");
    RunStats affinity = atHighLoad(report, "prefix affinity (bounded load)");
    RunStats ours = atHighLoad(report, "ours (default: llm-combined)");
    RunStats oracle = atHighLoad(report, "oracle");

    assertThat(ours.prefixHitRate()).isGreaterThan(kvAware.prefixHitRate() + 0.3);
    assertThat(ours.ttftMs(90)).isLessThan(kvAware.ttftMs(90) / 10);

    assertThat(affinity.prefixHitRate()).isGreaterThan(random.prefixHitRate() + 0.3);
    assertThat(affinity.prefixHitRate()).isGreaterThan(loadOnly.prefixHitRate() + 0.3);
    assertThat(affinity.prefixHitRate()).isGreaterThan(kvAware.prefixHitRate() + 0.3);
    assertThat(affinity.ttftMs(90)).isLessThan(random.ttftMs(90) / 10);
    assertThat(affinity.ttftMs(90)).isLessThan(kvAware.ttftMs(90) / 10);
    assertThat(oracle.prefixHitRate()).isGreaterThan(random.prefixHitRate() + 0.3);
  }

  @Test
  void multiTurn_theDefaultFindsConversationsCachesOnMixedGpus() {
    ScenarioReport report = Scenarios.multiTurn(SEED, true, Scenarios.Progress.NONE);
    RunStats random = atHighLoad(report, "random");
    RunStats kvAware = atHighLoad(report, "queue/KV aware");
    RunStats affinity = atHighLoad(report, "prefix affinity (bounded load)");
    RunStats ours = atHighLoad(report, "ours (default: llm-combined)");

    assertThat(ours.cachedPromptShare()).isGreaterThan(kvAware.cachedPromptShare() + 0.05);
    assertThat(ours.ttftMs(90)).isLessThan(random.ttftMs(90)).isLessThan(kvAware.ttftMs(90));
    assertThat(ours.ttftMs(50)).isLessThan(affinity.ttftMs(50));
  }

  @Test
  void budgetsAndCost_budgetAwareRoutingMeetsMoreBudgetsAndCostAwareCostsLess() {
    ScenarioReport report = Scenarios.budgetsAndCost(SEED, true, Scenarios.Progress.NONE);
    RunStats latencyOnly = report.run("latency only");
    RunStats costOnly = report.run("cost only");
    RunStats withBudgets = report.run("ours: default + budgets");
    RunStats costAware = report.run("ours: cost-aware, best effort");

    assertThat(latencyOnly.budgetAttainment()).isGreaterThan(costOnly.budgetAttainment() + 0.3);
    assertThat(costOnly.costPer1000()).isLessThan(latencyOnly.costPer1000());
    // Telling the router the budget meets more of them than latency alone.
    assertThat(withBudgets.budgetAttainment()).isGreaterThan(latencyOnly.budgetAttainment());
    assertThat(costAware.budgetAttainment()).isGreaterThan(latencyOnly.budgetAttainment());
    // Among feasible endpoints, cost-aware picks the cheaper tier.
    assertThat(costAware.costPer1000()).isLessThan(latencyOnly.costPer1000());
    assertThat(costAware.costPer1000()).isLessThan(withBudgets.costPer1000());
  }

  @Test
  void failureDrill_retriesRefusedConnectionsWithinTheBudgetButNotA500_asTheShippedClient() {
    ScenarioReport report = Scenarios.failureDrill(SEED, true, Scenarios.Progress.NONE);
    List<RunStats> runs = report.runs();
    assertThat(runs).hasSize(8).allSatisfy(r -> assertThat(r.latencyMs(99.9)).isLessThan(230));
    long quarter = runs.get(0).durationNanos / 4;

    // backend-0 fails half its requests for half the run: a 500 is the answer, never sent again.
    assertThat(runs.subList(0, 4)).allSatisfy(r -> {
      assertThat(r.retries).isZero();
      assertThat(r.errorRate()).isCloseTo(0.5 * 0.5 * r.share("backend-0", quarter, 3 * quarter), offset(0.005));
    });
    // backend-0 crashed: refused connections go elsewhere, within the retry budget.
    RunStats leastOutstanding = runs.get(5);
    assertThat(leastOutstanding.policy).isEqualTo("least outstanding");
    double crashSeconds = 2 * quarter / 1e9;
    assertThat(leastOutstanding.retries).isPositive()
        .isLessThan((int) (ClientRetry.budgetPerSecond(1000) * (crashSeconds + 10)));
    assertThat(leastOutstanding.errorRate()).as("the black hole exhausts the budget").isPositive();
    for (RunStats r : List.of(runs.get(4), runs.get(6), runs.get(7))) {
      assertThat(r.retries).isPositive();
      assertThat(r.errorRate()).isZero();
    }
    RunStats rr = report.run("round robin");
    assertThat(rr.share("backend-0", quarter, 3 * quarter)).isCloseTo(1 / 11.0, offset(0.01));
    // The crashed backend: the default stops choosing it after a run of refusals.
    RunStats ewma = runs.get(6);
    RunStats ours = runs.get(7);
    assertThat(ewma.policy).isEqualTo("P2C peak EWMA");
    assertThat(ours.policy).isEqualTo("ours (default)");
    assertThat(ours.share("backend-0", quarter, 3 * quarter)).isLessThan(0.03).isLessThan(ewma.share("backend-0", quarter, 3 * quarter) / 5);
  }
}
