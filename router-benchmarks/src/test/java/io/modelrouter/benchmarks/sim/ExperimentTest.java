package io.modelrouter.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.http.RetryBudget;
import io.modelrouter.select.Candidates;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentTest {

  private static Experiment.Builder fleet(int endpoints, double rate, double seconds) {
    Experiment.Builder b = Experiment.builder()
        .duration(seconds)
        .drain(5)
        .workload(Workloads.poisson(rate, seconds, 7));
    for (int i = 0; i < endpoints; i++) {
      b.server(Scenarios.endpoint("e" + i),
          (id, sim) -> new QueueingServer(id, sim, Units.millis(50), 0.3, 4, 0));
    }
    return b;
  }

  @Test
  void run_isRepeatableForTheSameSeed() {
    Experiment experiment = fleet(4, 100, 10).build();

    RunStats first = experiment.run(Policy.p2cPeakEwma(), 42);
    RunStats second = experiment.run(Policy.p2cPeakEwma(), 42);

    assertThat(second.latency.sortedValues()).isEqualTo(first.latency.sortedValues());
    assertThat(second.attemptsByBucket).isDeepEqualTo(first.attemptsByBucket);
  }

  @Test
  void run_answersEveryRequestOfAHealthyFleet() {
    RunStats stats = fleet(4, 100, 10).build().run(Policy.roundRobin(), 1);

    assertThat(stats.requests).isEqualTo(stats.succeeded).isGreaterThan(900);
    assertThat(stats.latencyMs(50)).isBetween(45.0, 70.0);
    assertThat(stats.errorRate()).isZero();
  }

  @Test
  void run_completesLeasesSoTheRouterSeesInFlightAndLatency() {
    List<String> observed = new ArrayList<>();
    SelectionStrategy spy = c -> {
      int total = 0;
      for (int i = 0; i < c.size(); i++) {
        total += c.state(i).inFlight();
      }
      observed.add(total + "/" + c.state(0).hasLatencySample());
      return Strategies.roundRobin().select(c);
    };
    Experiment experiment = fleet(2, 200, 2).build();

    experiment.run(Policy.of("spy", spy), 3);

    // Requests overlap (in flight > 0 at some arrivals), and latency samples arrive once answers do.
    assertThat(observed.get(0)).isEqualTo("0/false");
    assertThat(observed).anyMatch(s -> !s.startsWith("0/"));
    assertThat(observed.get(observed.size() - 1)).endsWith("/true");
  }

  @Test
  void run_retriesAttemptsOnACrashedEndpointElsewhere() {
    Experiment experiment = fleet(3, 100, 10)
        .maxAttempts(2)
        .change(FleetChange.of(2, "e0", FleetChange.Kind.CRASH))
        .change(FleetChange.of(6, "e0", FleetChange.Kind.RESTART))
        .build();

    RunStats stats = experiment.run(Policy.roundRobin(), 5);

    assertThat(stats.retries).isPositive();
    assertThat(stats.failed).isZero();
    assertThat(stats.succeeded).isEqualTo(stats.requests);
  }

  @Test
  void run_takesA500AsTheAnswer_asTheShippedClientDoes() {
    Experiment experiment = fleet(3, 100, 10)
        .maxAttempts(2)
        .change(FleetChange.failShare(0, "e0", 1))
        .build();

    RunStats stats = experiment.run(Policy.roundRobin(), 5);

    assertThat(stats.retries).as("a 500 may have run the request: not sent again").isZero();
    assertThat(stats.failed).isBetween(stats.requests / 4, stats.requests / 2);
    assertThat(stats.succeeded + stats.failed).isEqualTo(stats.requests);
  }

  @Test
  void run_retriesRefusedConnectionsOnlyWithinTheDefaultRetryBudget() {
    double seconds = 30;
    Experiment experiment = fleet(3, 40, seconds)
        .maxAttempts(3)
        .change(FleetChange.of(0, "e0", FleetChange.Kind.CRASH))
        .change(FleetChange.of(0, "e1", FleetChange.Kind.CRASH))
        .build();

    RunStats stats = experiment.run(Policy.roundRobin(), 5);

    // Three attempts would always reach e2; the budget (20% of requests + 10/s) stops short of that.
    assertThat(stats.retries).isPositive()
        .isLessThanOrEqualTo((int) (2 * RetryBudget.DEFAULT_RATIO * stats.requests
            + RetryBudget.DEFAULT_MIN_PER_SECOND * (seconds + RetryBudget.DEFAULT_WINDOW.toSeconds())));
    assertThat(stats.failed).isPositive();
    assertThat(stats.succeeded + stats.failed).isEqualTo(stats.requests);
  }

  @Test
  void run_sendsNothingToADeregisteredEndpoint() {
    Experiment experiment = fleet(3, 100, 10)
        .change(FleetChange.of(3, "e1", FleetChange.Kind.DEREGISTER))
        .change(FleetChange.of(7, "e1", FleetChange.Kind.REGISTER))
        .build();

    RunStats stats = experiment.run(Policy.roundRobin(), 5);

    assertThat(stats.share("e1", Units.seconds(0), Units.seconds(3))).isBetween(0.25, 0.42);
    assertThat(stats.share("e1", Units.seconds(4), Units.seconds(7))).isZero();
    assertThat(stats.share("e1", Units.seconds(8), Units.seconds(10))).isBetween(0.25, 0.42);
  }

  @Test
  void run_scrapesServerMetricsAtTheIntervalSoTheyAreAtMostThatOld() {
    long interval = Duration.ofMillis(500).toNanos();
    List<Long> ages = new ArrayList<>();
    List<Integer> running = new ArrayList<>();
    SelectionStrategy spy = (Candidates c) -> {
      if (c.state(0).hasServerMetrics()) {
        ages.add(c.nanoTime() - c.state(0).serverMetricsStampNanos());
        running.add(c.state(0).running());
      }
      return 0;
    };
    Experiment experiment = fleet(2, 100, 5).scrapeInterval(Duration.ofMillis(500)).build();

    experiment.run(Policy.of("spy", spy), 9);

    assertThat(ages).isNotEmpty().allMatch(a -> a >= 0 && a <= interval);
    assertThat(ages).anyMatch(a -> a > interval / 2); // stale, not live
    assertThat(running).anyMatch(r -> r > 0);
  }

  @Test
  void run_countsRequestsLeftInQueuesWithTheirAge() {
    Experiment experiment = Experiment.builder()
        .duration(10)
        .drain(1)
        .workload(Workloads.poisson(100, 10, 7))
        .server(Scenarios.endpoint("slow"), (id, sim) -> new QueueingServer(id, sim, Units.millis(100), 0, 1, 0))
        .build();

    RunStats stats = experiment.run(Policy.roundRobin(), 1);

    assertThat(stats.unfinished).isGreaterThan(500);
    assertThat(stats.latency.size()).isEqualTo(stats.requests);
    assertThat(stats.latencyMs(99)).isGreaterThan(5_000);
  }

  @Test
  void run_sendsAConversationsNextTurnItsThinkTimeAfterThePreviousAnswer() {
    // Two turns of one conversation drawn 1 s apart; each takes 3 s to answer on this server.
    List<SimRequest> workload = List.of(
        new SimRequest(0, Units.seconds(1), 0, 0.5, 100, 10, 0, 50, 0, 7, 0),
        new SimRequest(1, Units.seconds(2), 0, 0.5, 170, 10, 0, 50, 0, 7, 60));
    List<Long> sentAt = new ArrayList<>();
    SelectionStrategy spy = c -> {
      sentAt.add(c.nanoTime());
      return 0;
    };
    Experiment experiment = Experiment.builder()
        .duration(10)
        .drain(10)
        .workload(workload)
        .server(Scenarios.endpoint("e"), (id, sim) -> new QueueingServer(id, sim, Units.seconds(3), 0, 1, 0))
        .build();

    RunStats stats = experiment.run(Policy.of("spy", spy), 1);

    // The second turn repeats the first one's answer: sent 1 s (its think time) after it, at 5 s.
    assertThat(sentAt).containsExactly(Units.seconds(1), Units.seconds(5));
    assertThat(stats.requests).isEqualTo(2);
    assertThat(stats.latencyMs(100)).isCloseTo(3_000, org.assertj.core.data.Offset.offset(1.0));
  }

  @Test
  void run_sendsNoTurnAfterTheArrivalWindowAndDoesNotCountIt() {
    List<SimRequest> workload = List.of(
        new SimRequest(0, Units.seconds(1), 0, 0.5, 100, 10, 0, 50, 0, 7, 0),
        new SimRequest(1, Units.seconds(2), 0, 0.5, 170, 10, 0, 50, 0, 7, 60));
    Experiment experiment = Experiment.builder()
        .duration(4) // the second turn would be sent at 5 s
        .drain(10)
        .workload(workload)
        .server(Scenarios.endpoint("e"), (id, sim) -> new QueueingServer(id, sim, Units.seconds(3), 0, 1, 0))
        .build();

    RunStats stats = experiment.run(Policy.roundRobin(), 1);

    assertThat(stats.requests).isEqualTo(1).isEqualTo(stats.succeeded);
    assertThat(stats.unfinished).isZero();
  }
}
