package io.modelrouter.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelrouter.health.EndpointStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StrategiesTest {

  @Test
  void roundRobin_visitsEachCandidateInTurn() {
    Pool pool = Pool.of(3);
    SelectionStrategy s = Strategies.roundRobin();
    int[] picks = new int[6];
    for (int k = 0; k < picks.length; k++) {
      picks[k] = s.select(pool);
    }
    assertThat(picks).containsExactly(0, 1, 2, 0, 1, 2);
  }

  @Test
  void weightedRoundRobin_honoursWeightsExactlyOverEachCycle() {
    Pool pool = Pool.of(3, (i, b) -> b.weight(new int[] {50, 30, 20}[i]));
    SelectionStrategy s = Strategies.weightedRoundRobin();
    // weights 50:30:20 reduce to 5:3:2, a cycle of 10 picks
    for (int cycle = 0; cycle < 7; cycle++) {
      assertThat(pool.counts(s, 10)).containsExactly(5, 3, 2);
    }
  }

  @Test
  void weightedRoundRobin_interleavesInsteadOfRunningOneEndpointAtATime() {
    Pool pool = Pool.of(3, (i, b) -> b.weight(new int[] {5, 3, 2}[i]));
    SelectionStrategy s = Strategies.weightedRoundRobin();
    int longestRun = 0;
    int run = 0;
    int last = -1;
    for (int k = 0; k < 100; k++) {
      int p = s.select(pool);
      run = p == last ? run + 1 : 1;
      last = p;
      longestRun = Math.max(longestRun, run);
    }
    assertThat(longestRun).isLessThanOrEqualTo(2);
  }

  @Test
  void weightedRoundRobin_neverPicksZeroWeight_andHonoursUnevenWeights() {
    Pool pool = Pool.of(4, (i, b) -> b.weight(new int[] {7, 0, 1, 100}[i]));
    int[] counts = pool.counts(Strategies.weightedRoundRobin(), 108 * 5);
    assertThat(counts).containsExactly(35, 0, 5, 500);
  }

  @Test
  void weightedRoundRobin_allZeroWeightsFallsBackToRoundRobin() {
    Pool pool = Pool.of(2, (i, b) -> b.weight(0));
    assertThat(pool.counts(Strategies.weightedRoundRobin(), 10)).containsExactly(5, 5);
  }

  @Test
  void weightedRandom_followsWeights() {
    Pool pool = Pool.of(3, (i, b) -> b.weight(new int[] {60, 30, 10}[i]));
    int[] counts = pool.counts(Strategies.weightedRandom(), 20_000);
    assertThat(counts[0] / 20_000.0).isCloseTo(0.6, within(0.02));
    assertThat(counts[1] / 20_000.0).isCloseTo(0.3, within(0.02));
    assertThat(counts[2] / 20_000.0).isCloseTo(0.1, within(0.02));
  }

  @Test
  void weightedRandom_neverPicksZeroWeight() {
    Pool pool = Pool.of(3, (i, b) -> b.weight(i == 1 ? 0 : 100));
    assertThat(pool.counts(Strategies.weightedRandom(), 5_000)[1]).isZero();
  }

  @Test
  void leastRequest_picksTheCandidateWithFewestInFlight() {
    Pool pool = Pool.of(4);
    pool.inFlight(0, 3);
    pool.inFlight(1, 1);
    pool.inFlight(2, 5);
    pool.inFlight(3, 2);
    for (int k = 0; k < 20; k++) {
      assertThat(Strategies.leastRequest().select(pool)).isEqualTo(1);
    }
  }

  @Test
  void p2cLeastLoaded_neverPicksTheMoreLoadedOfTwo() {
    Pool pool = Pool.of(2);
    pool.inFlight(0, 4);
    pool.inFlight(1, 3);
    assertThat(pool.counts(Strategies.p2cLeastLoaded(), 50)).containsExactly(0, 50);
  }

  @Test
  void p2cPeakEwma_costIsRttTimesInFlightPlusOne_withInitialRttForNewEndpoints() {
    Pool pool = Pool.of(2);
    pool.latency(0, 100);
    pool.inFlight(0, 2);
    SelectionStrategy s = Strategies.p2cPeakEwma();
    assertThat(s.score(pool, 0)).isEqualTo(100e6 * 3);
    // no sample yet: the default 30 ms, so a new endpoint is tried ...
    assertThat(s.score(pool, 1)).isEqualTo(30e6);
    assertThat(s.select(pool)).isEqualTo(1);
    // ... but not flooded: with 10 in flight it costs more than the busy one
    pool.inFlight(1, 10);
    assertThat(s.score(pool, 1)).isEqualTo(30e6 * 11);
    assertThat(s.select(pool)).isEqualTo(0);
  }

  @Test
  void p2cPeakEwma_alwaysPicksTheLowerDecayedCostOfTwo() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(9);
    SelectionStrategy s = Strategies.p2cPeakEwma();
    for (int trial = 0; trial < 300; trial++) {
      Pool pool = Pool.of(2);
      for (int i = 0; i < 2; i++) {
        pool.now += r.nextLong(20_000_000_000L); // samples up to 20 s apart
        pool.latency(i, 1 + r.nextInt(500));
        pool.inFlight(i, r.nextInt(8));
      }
      pool.now += r.nextLong(5_000_000_000L);
      int pick = s.select(pool);
      assertThat(s.score(pool, pick)).isLessThanOrEqualTo(s.score(pool, 1 - pick) * (1 + 1e-12));
    }
  }

  @Test
  void p2cPeakEwma_prefersHealthyOverDegraded() {
    Pool pool = Pool.of(2);
    pool.state(0).setStatus(EndpointStatus.DEGRADED, pool.now);
    pool.latency(1, 500);
    assertThat(pool.counts(Strategies.p2cPeakEwma(), 20)).containsExactly(0, 20);
  }

  @Test
  void p2cPeakEwma_decaysOverIdleTimeWithItsTimeConstant() {
    Pool pool = Pool.of(2);
    pool.latency(0, 100);
    SelectionStrategy s = Strategies.p2cPeakEwma(Duration.ofSeconds(1), Duration.ofMillis(30));
    pool.advanceMillis(1000);
    assertThat(s.score(pool, 0)).isCloseTo(100e6 * Math.exp(-1), within(1.0));
  }

  @Test
  void leastLatency_costIsRttTimesInFlightPlusOne_andScansSmallPoolsFully() {
    Pool pool = Pool.of(10);
    for (int i = 0; i < 10; i++) {
      pool.latency(i, 100);
      pool.inFlight(i, 3);
    }
    pool.inFlight(7, 1);
    SelectionStrategy s = Strategies.leastLatency();
    assertThat(s.score(pool, 0)).isEqualTo(100e6 * 4);
    assertThat(s.score(pool, 7)).isEqualTo(100e6 * 2);
    // a full scan: the one cheaper endpoint of ten wins every pick, not only when drawn
    assertThat(pool.counts(s, 30)[7]).isEqualTo(30);
  }

  @Test
  void leastLatency_fullScanAlwaysPicksALowestScore() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    SelectionStrategy s = Strategies.leastLatency();
    for (int trial = 0; trial < 300; trial++) {
      Pool pool = Pool.of(8, (i, b) -> b.slots(r.nextInt(5)));
      for (int i = 0; i < 8; i++) {
        pool.now += r.nextLong(3_000_000_000L); // samples up to 3 s apart, some endpoints stalled
        pool.latency(i, 1 + r.nextInt(300));
        pool.inFlight(i, r.nextInt(6));
        if (r.nextInt(3) == 0) {
          pool.state(i).recordAnswer(pool.now - r.nextLong(1_000_000_000L));
        }
        if (r.nextInt(5) == 0) {
          pool.state(i).recordFailure();
        }
      }
      pool.now += r.nextLong(30_000_000_000L);
      int pick = s.select(pool);
      for (int i = 0; i < 8; i++) {
        assertThat(s.score(pool, pick)).isLessThanOrEqualTo(s.score(pool, i));
      }
    }
  }

  @Test
  void leastLatency_aStalledEndpointCostsAtLeastItsPendingAge() {
    Pool pool = Pool.of(2);
    pool.latency(0, 100);
    pool.latency(1, 100);
    pool.state(0).acquire(pool.now); // e0 busy from now, no answer since
    pool.state(1).acquire(pool.now);
    SelectionStrategy s = Strategies.leastLatency();
    pool.advanceMillis(50);
    pool.state(1).recordAnswer(pool.now); // e1 keeps answering
    pool.advanceMillis(450);
    // e0: 500 ms without an answer beats its 100 ms EWMA; e1 answered 450 ms ago
    assertThat(s.score(pool, 0)).isCloseTo(500e6 * 2, within(1.0));
    assertThat(s.score(pool, 1)).isCloseTo(450e6 * 2, within(1.0));
    assertThat(pool.counts(s, 20)).containsExactly(0, 20);
  }

  @Test
  void leastLatency_eachConsecutiveFailureCountsOneMoreAttempt_aSuccessForgetsThem() {
    Pool pool = Pool.of(2);
    pool.latency(0, 100);
    pool.latency(1, 100);
    pool.inFlight(1, 2); // e1 is busy, e0 idle but failing fast
    pool.state(0).recordFailure();
    pool.state(0).recordFailure();
    SelectionStrategy s = Strategies.leastLatency();
    assertThat(s.score(pool, 0)).isEqualTo(100e6 * 3); // as expensive as e1 with its 2 in flight
    pool.state(0).recordFailure();
    assertThat(pool.counts(s, 20)).containsExactly(0, 20);
    pool.state(0).recordSuccess();
    assertThat(pool.counts(s, 20)).containsExactly(20, 0);
  }

  @Test
  void leastLatency_usesTwoRandomChoicesAboveTheScanLimit() {
    Pool pool = Pool.of(20);
    for (int i = 0; i < 20; i++) {
      pool.latency(i, 100);
    }
    pool.inFlight(0, 50); // by far the most expensive; P2C still picks it never, the best one not always
    SelectionStrategy s = Strategies.leastLatency(Duration.ofSeconds(10), Duration.ofMillis(30), 16);
    pool.inFlight(5, 0);
    for (int i = 1; i < 20; i++) {
      pool.inFlight(i, i == 5 ? 0 : 1);
    }
    int[] counts = pool.counts(s, 2000);
    assertThat(counts[0]).isZero();
    // a full scan would give e5 every pick; two choices find it in about 2/20 of the picks
    assertThat(counts[5]).isBetween(140, 260);
    SelectionStrategy scan = Strategies.leastLatency(Duration.ofSeconds(10), Duration.ofMillis(30), 20);
    assertThat(pool.counts(scan, 50)[5]).isEqualTo(50);
  }

  @Test
  void leastLatency_prefersHealthyOverDegraded_andNewEndpointsStartAtTheInitialRtt() {
    Pool pool = Pool.of(3);
    pool.state(0).setStatus(EndpointStatus.DEGRADED, pool.now);
    pool.latency(1, 500);
    pool.inFlight(2, 10);
    SelectionStrategy s = Strategies.leastLatency();
    assertThat(s.score(pool, 0)).isEqualTo(30e6); // no sample: 30 ms, yet degraded
    assertThat(s.score(pool, 2)).isEqualTo(30e6 * 11);
    assertThat(pool.counts(s, 20)).containsExactly(0, 0, 20); // 330 ms beats 500 ms
  }

  @Test
  void leastLatency_onDeclaredSlots_requestsInFlightCostNothingUntilTheSlotsAreFull() {
    Pool pool = Pool.of(2, (i, b) -> b.slots(i == 0 ? 4 : 0));
    pool.latency(0, 100);
    pool.latency(1, 100);
    SelectionStrategy s = Strategies.leastLatency();
    pool.inFlight(0, 3);
    assertThat(s.score(pool, 0)).isEqualTo(100e6); // the new request takes the last free slot
    pool.inFlight(0, 5);
    assertThat(s.score(pool, 0)).isEqualTo(100e6 * 6 / 4); // 6 requests on 4 slots: 1.5 rounds
    pool.inFlight(1, 3);
    assertThat(s.score(pool, 1)).isEqualTo(100e6 * 4); // no slots declared: one at a time
  }

  @Test
  void leastLatency_prefersAFastEndpointWithAFreeSlotToAnIdleSlowOne_onlyWhenItKnowsTheSlots() {
    Pool declared = Pool.of(2, (i, b) -> b.slots(4));
    Pool undeclared = Pool.of(2);
    for (Pool pool : new Pool[] {declared, undeclared}) {
      pool.latency(0, 50);
      pool.latency(1, 100);
      pool.inFlight(0, 3); // e0 is twice as fast and has one of its 4 slots free; e1 is idle
    }
    assertThat(declared.counts(Strategies.leastLatency(), 20)).containsExactly(20, 0);
    // counted as one slot, e0's 3 requests in flight make it look like 4 x 50 ms
    assertThat(undeclared.counts(Strategies.leastLatency(), 20)).containsExactly(0, 20);
  }

  @Test
  void leastLatency_takesNeitherAConcurrencyLimitNorAScrapedRunningCountForSlots() {
    Pool pool = Pool.of(1, (i, b) -> b.maxConcurrency(64));
    pool.latency(0, 100);
    pool.inFlight(0, 9);
    pool.state(0).updateServerMetrics(2, 8, 0.5, pool.now);
    assertThat(Strategies.leastLatency().score(pool, 0)).isEqualTo(100e6 * 10);
  }

  @Test
  void leastLatency_onManySlots_aPeakCountsForOneSlotOfThem() {
    Pool pool = Pool.of(2, (i, b) -> b.slots(i == 0 ? 4 : 0));
    for (int i = 0; i < 2; i++) {
      pool.latency(i, 100);
    }
    pool.advanceMillis(1_000);
    for (int i = 0; i < 2; i++) {
      pool.latency(i, 500); // one slow answer: the peak EWMA jumps to it
      pool.inFlight(i, 1);
    }
    double w = Math.exp(-0.1);
    double mean = 100e6 * w + 500e6 * (1 - w);
    SelectionStrategy s = Strategies.leastLatency();
    // on 4 slots the slow answer held one slot while three went on
    assertThat(s.score(pool, 0)).isCloseTo(mean + (500e6 - mean) / 4, within(1.0));
    // on one slot everything behind it waited: the peak counts in full
    assertThat(s.score(pool, 1)).isEqualTo(500e6 * 2);
  }

  @Test
  void leastLatency_decaysTheEwmaOnlyWhileIdle_soAnEndpointGetsOneProbeAtATime() {
    Pool pool = Pool.of(2, (i, b) -> b.slots(4));
    pool.latency(0, 400); // e0 was slow and has not been heard from since
    pool.advanceMillis(20_000);
    pool.latency(1, 100);
    pool.inFlight(1, 1);
    SelectionStrategy s = Strategies.leastLatency();
    assertThat(s.score(pool, 0)).isCloseTo(400e6 * Math.exp(-2), within(1.0)); // 54 ms: worth a probe
    assertThat(s.select(pool)).isZero();
    pool.inFlight(0, 1); // the probe is out: e0 is priced at its EWMA again until it answers
    assertThat(s.score(pool, 0)).isEqualTo(400e6);
    assertThat(pool.counts(s, 20)).containsExactly(0, 20);
  }

  @Test
  void leastLatency_rejectsBadArguments() {
    assertThatThrownBy(() -> Strategies.leastLatency(Duration.ZERO, Duration.ofMillis(30), 16))
        .hasMessage("decay: PT0S (expected: > 0)");
    assertThatThrownBy(() -> Strategies.leastLatency(Duration.ofSeconds(1), Duration.ofMillis(-1), 16))
        .hasMessage("initialRtt: PT-0.001S (expected: >= 0)");
    assertThatThrownBy(() -> Strategies.leastLatency(Duration.ofSeconds(1), Duration.ofMillis(30), -1))
        .hasMessage("fullScanLimit: -1 (expected: >= 0)");
  }

  @Test
  void llmAware_prefersShortQueueAndFreeKvCache() {
    Pool pool = Pool.of(3);
    pool.state(0).updateServerMetrics(8, 4, 0.9, pool.now);
    pool.state(1).updateServerMetrics(0, 4, 0.3, pool.now);
    pool.state(2).updateServerMetrics(2, 4, 0.5, pool.now);
    assertThat(pool.counts(Strategies.llmAware(), 20)).containsExactly(0, 20, 0);
  }

  @Test
  void llmAware_scoresAsTheCompositeOfItsThreeScorers() {
    Pool pool = Pool.of(4);
    pool.state(0).updateServerMetrics(8, 4, 0.9, pool.now);
    pool.state(1).updateServerMetrics(-1, 4, Double.NaN, pool.now);
    pool.state(2).updateServerMetrics(2, 4, 0.5, pool.now - 10_000_000_000L);
    pool.inFlight(3, 5);
    SelectionStrategy composite = CompositeStrategy.builder()
        .scorer(Scorers.queueDepth(), 1)
        .scorer(Scorers.kvCacheUsage(), 1)
        .scorer(Scorers.inFlight(), 1)
        .picker(Pickers.lowestScore())
        .build();
    for (int i = 0; i < 4; i++) {
      assertThat(Strategies.llmAware().score(pool, i)).isEqualTo(composite.score(pool, i));
    }
  }

  @Test
  void llmAware_treatsStaleMetricsAsUnknownNotIdle() {
    Pool pool = Pool.of(2);
    pool.state(0).updateServerMetrics(0, 0, 0.0, pool.now); // looked idle, long ago
    pool.advanceMillis(5_000);
    pool.state(1).updateServerMetrics(3, 8, 0.6, pool.now); // busy but fresh
    assertThat(pool.counts(Strategies.llmAware(), 20)).containsExactly(0, 20);
  }

  @Test
  void llmAware_spreadsOverInFlightBetweenScrapes() {
    Pool pool = Pool.of(2);
    pool.state(0).updateServerMetrics(0, 0, 0.2, pool.now);
    pool.state(1).updateServerMetrics(0, 0, 0.2, pool.now);
    pool.inFlight(0, 3);
    assertThat(pool.counts(Strategies.llmAware(), 20)).containsExactly(0, 20);
  }

  @Test
  void boundedLoadHash_sendsTheSameKeyToTheSameEndpoint() {
    Pool pool = Pool.of(8);
    SelectionStrategy s = Strategies.boundedLoadHash();
    for (int key = 0; key < 50; key++) {
      String k = "session-" + key;
      pool.request(b -> b.affinityKey(k));
      int first = s.select(pool);
      for (int again = 0; again < 5; again++) {
        assertThat(s.select(pool)).isEqualTo(first);
      }
    }
  }

  @Test
  void boundedLoadHash_spreadsKeysOverEveryEndpoint() {
    Pool pool = Pool.of(8);
    SelectionStrategy s = Strategies.boundedLoadHash();
    int[] counts = new int[8];
    for (int key = 0; key < 8_000; key++) {
      long prefix = key + 1;
      pool.request(b -> b.prefixHash(prefix));
      counts[s.select(pool)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(800, 1200);
    }
  }

  @Test
  void boundedLoadHash_movesOnlyTheOverflowOfAnOverloadedEndpoint() {
    Pool pool = Pool.of(8);
    SelectionStrategy s = Strategies.boundedLoadHash();
    int keys = 2_000;
    int[] before = new int[keys];
    for (int k = 0; k < keys; k++) {
      String key = "k" + k;
      pool.request(b -> b.affinityKey(key));
      before[k] = s.select(pool);
    }
    // endpoint 3 carries far more than 1.25 x the mean: its keys move, nobody else's
    pool.inFlight(3, 40);
    int moved = 0;
    for (int k = 0; k < keys; k++) {
      String key = "k" + k;
      pool.request(b -> b.affinityKey(key));
      int after = s.select(pool);
      if (before[k] == 3) {
        assertThat(after).isNotEqualTo(3);
        moved++;
      } else {
        assertThat(after).isEqualTo(before[k]);
      }
    }
    assertThat(moved).isGreaterThan(keys / 16);
  }

  @Test
  void boundedLoadHash_keepsTheKeyWhileTheEndpointIsUnderTheBound() {
    Pool pool = Pool.of(4);
    SelectionStrategy s = Strategies.boundedLoadHash(1.25, Strategies.roundRobin());
    pool.request(b -> b.affinityKey("user-7"));
    int home = s.select(pool);
    for (int i = 0; i < 4; i++) {
      pool.inFlight(i, 4);
    }
    // mean 4, bound ceil(1.25 * 17 / 4) = 6: one more request keeps the key home
    pool.inFlight(home, 5);
    assertThat(s.select(pool)).isEqualTo(home);
    pool.inFlight(home, 6);
    assertThat(s.select(pool)).isNotEqualTo(home);
  }

  @Test
  void boundedLoadHash_withoutKeyUsesTheFallback() {
    Pool pool = Pool.of(3);
    SelectionStrategy s = Strategies.boundedLoadHash(1.5, Strategies.roundRobin());
    int[] picks = {s.select(pool), s.select(pool), s.select(pool)};
    assertThat(picks).containsExactly(0, 1, 2);
  }

  @Test
  void slowStart_rampsTheShareOfAnEndpointThatJustRecovered() {
    Pool pool = Pool.of(4);
    pool.advanceMillis(60_000); // everyone is warm
    pool.state(2).setStatus(EndpointStatus.EJECTED, pool.now);
    pool.state(2).setStatus(EndpointStatus.HEALTHY, pool.now);
    SelectionStrategy s = Strategies.slowStart(Strategies.p2cLeastLoaded(), Duration.ofSeconds(10), 0.1);
    int picks = 20_000;
    double atStart = pool.counts(s, picks)[2] / (double) picks;
    pool.advanceMillis(5_000);
    double halfway = pool.counts(s, picks)[2] / (double) picks;
    pool.advanceMillis(5_000);
    double after = pool.counts(s, picks)[2] / (double) picks;
    assertThat(atStart).isBetween(0.01, 0.05); // ~0.1 of a fair 0.25
    assertThat(halfway).isBetween(0.10, 0.17); // ~0.5 of it
    assertThat(after).isCloseTo(0.25, within(0.02));
  }

  @Test
  void slowStart_leavesWarmEndpointsAlone() {
    Pool pool = Pool.of(3);
    pool.advanceMillis(60_000);
    int[] counts = pool.counts(Strategies.slowStart(Strategies.roundRobin()), 30);
    assertThat(counts).containsExactly(10, 10, 10);
  }

  @Test
  void costAware_prefersTheCheaperEndpointOnlyAmongThoseThatMeetTheBudget() {
    // e000 fast and dear, e001 middling, e002 slow and cheap
    Pool pool = Pool.of(3, (i, b) -> b.costPerRequest(new double[] {10, 5, 1}[i]));
    pool.latency(0, 50);
    pool.latency(1, 100);
    pool.latency(2, 400);
    pool.request(b -> b.latencyBudget(Duration.ofMillis(200)));
    assertThat(pool.counts(Strategies.costAware(1, LatencyModel.ofDefaults()), 10)).containsExactly(0, 10, 0);
    assertThat(pool.counts(Strategies.costAware(0, LatencyModel.ofDefaults()), 10)).containsExactly(10, 0, 0);
    pool.request(b -> b);
    assertThat(pool.counts(Strategies.costAware(1, LatencyModel.ofDefaults()), 10)).containsExactly(0, 0, 10);
  }

  @Test
  void costAware_withNoFeasibleEndpointTakesTheFastest() {
    Pool pool = Pool.of(2, (i, b) -> b.costPerRequest(i == 0 ? 10 : 1));
    pool.latency(0, 300);
    pool.latency(1, 900);
    pool.request(b -> b.latencyBudget(Duration.ofMillis(100)));
    assertThat(pool.counts(Strategies.costAware(1, LatencyModel.ofDefaults()), 10)).containsExactly(10, 0);
  }

  @Test
  void costAware_endpointPriceOverridesTheModelPrice() {
    Pool pool = Pool.of(
        io.modelrouter.registry.ModelSpec.builder(Pool.MODEL, "1").costPer1kTokens(2).build(),
        2,
        (i, b) -> i == 1 ? b.costPer1kTokens(0.5) : b);
    pool.request(b -> b.promptTokens(1000).maxOutputTokens(1000));
    assertThat(LatencyModel.requestCost(pool.request, pool.model(), pool.endpoint(0))).isEqualTo(4.0);
    assertThat(LatencyModel.requestCost(pool.request, pool.model(), pool.endpoint(1))).isEqualTo(1.0);
    assertThat(pool.counts(Strategies.costAware(1, LatencyModel.ofDefaults()), 10)).containsExactly(0, 10);
  }

  @Test
  void factories_rejectBadArguments() {
    assertThatThrownBy(() -> Strategies.boundedLoadHash(0.9, Strategies.roundRobin()))
        .hasMessage("loadFactor: 0.9 (expected: a finite number >= 1)");
    assertThatThrownBy(() -> Strategies.costAware(1.5, LatencyModel.ofDefaults()))
        .hasMessage("tradeOff: 1.5 (expected: >= 0 and <= 1)");
    assertThatThrownBy(() -> Strategies.slowStart(Strategies.roundRobin(), Duration.ZERO, 0.1))
        .hasMessage("window: PT0S (expected: > 0)");
  }
}
