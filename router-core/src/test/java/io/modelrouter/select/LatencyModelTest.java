package io.modelrouter.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyModelTest {

  private static final double MS = 1e6;
  private final LatencyModel model = LatencyModel.ofDefaults();

  @Test
  void withoutQueueSignals_theEwmaIsThePrediction() {
    Pool pool = Pool.of(1);
    pool.latency(0, 120);
    pool.inFlight(0, 7);
    assertThat(model.predictLatencyNanos(pool.endpoint(0), pool.state(0), pool.now)).isEqualTo(120 * MS);
  }

  @Test
  void beforeTheFirstSample_theInitialRttIsThePrediction() {
    Pool pool = Pool.of(1);
    assertThat(model.predictLatencyNanos(pool.endpoint(0), pool.state(0), pool.now)).isEqualTo(30 * MS);
  }

  @Test
  void aConcurrencyLimit_turnsRequestsBeyondItIntoQueueTime() {
    Pool pool = Pool.of(1, (i, b) -> b.maxConcurrency(2));
    pool.latency(0, 100);
    pool.inFlight(0, 1);
    assertThat(model.predictLatencyNanos(pool.endpoint(0), pool.state(0), pool.now)).isEqualTo(100 * MS);
    pool.inFlight(0, 5); // the new request is the 6th on 2 slots: 4 ahead of it, 2 rounds
    assertThat(model.predictLatencyNanos(pool.endpoint(0), pool.state(0), pool.now)).isEqualTo(300 * MS);
  }

  @Test
  void freshServerMetrics_giveTheQueueAndTheSlots() {
    Pool pool = Pool.of(1);
    pool.latency(0, 100);
    pool.state(0).updateServerMetrics(6, 3, 0.5, pool.now); // 6 waiting on 3 running
    assertThat(model.predictLatencyNanos(pool.endpoint(0), pool.state(0), pool.now)).isEqualTo(300 * MS);
    pool.advanceMillis(3_000); // stale: the queue is unknown again
    double decayed = pool.state(0).latencyEwmaNanos(pool.now, model.decayNanos());
    assertThat(model.predictLatencyNanos(pool.endpoint(0), pool.state(0), pool.now)).isEqualTo(decayed);
  }

  @Test
  void declaredSlots_turnRequestsBeyondThemIntoQueueTime_aheadOfAConcurrencyLimit() {
    Pool pool = Pool.of(1, (i, b) -> b.slots(2).maxConcurrency(10));
    pool.latency(0, 100);
    pool.inFlight(0, 1);
    assertThat(model.predictLatencyNanos(pool.endpoint(0), pool.state(0), pool.now)).isEqualTo(100 * MS);
    pool.inFlight(0, 5); // the 6th request on 2 slots
    assertThat(model.predictLatencyNanos(pool.endpoint(0), pool.state(0), pool.now)).isEqualTo(300 * MS);
    pool.state(0).updateServerMetrics(4, 2, 0.5, pool.now); // the server's own queue: 4 on 2 slots
    assertThat(model.predictLatencyNanos(pool.endpoint(0), pool.state(0), pool.now)).isEqualTo(300 * MS);
  }

  @Test
  void fitsBudget_checksLatencyAndTtft() {
    Pool pool = Pool.of(1);
    pool.latency(0, 100);
    pool.state(0).recordTtft(40_000_000L, pool.now, model.decayNanos());
    assertThat(model.fitsBudget(pool.request, pool.endpoint(0), pool.state(0), pool.now)).isTrue();
    pool.request(b -> b.latencyBudget(Duration.ofMillis(150)).ttftBudget(Duration.ofMillis(50)));
    assertThat(model.fitsBudget(pool.request, pool.endpoint(0), pool.state(0), pool.now)).isTrue();
    pool.request(b -> b.latencyBudget(Duration.ofMillis(150)).ttftBudget(Duration.ofMillis(30)));
    assertThat(model.fitsBudget(pool.request, pool.endpoint(0), pool.state(0), pool.now)).isFalse();
    pool.request(b -> b.latencyBudget(Duration.ofMillis(90)));
    assertThat(model.fitsBudget(pool.request, pool.endpoint(0), pool.state(0), pool.now)).isFalse();
  }

  @Test
  void predictTtft_forAPrompt_addsTheLearntPrefillRateTimesItsDifferenceFromTheMeanPrompt() {
    Pool pool = Pool.of(1);
    var state = pool.state(0);
    // short prompts answered in 50 ms, long ones in 1,050 ms: 0.1 ms per token over 10,000 tokens
    for (int i = 0; i < 20; i++) {
      long at = pool.now + i * 10 * (long) MS;
      int prompt = i % 2 == 0 ? 500 : 10_500;
      long ttft = (long) ((i % 2 == 0 ? 50 : 1_050) * MS);
      state.recordTtft(ttft, at, model.decayNanos());
      state.recordPrefill(prompt, ttft, at, model.decayNanos());
    }
    pool.advanceMillis(200);
    double usual = model.predictTtftNanos(pool.endpoint(0), state, pool.now);
    double rate = state.prefillNanosPerToken();
    assertThat(rate).isCloseTo(100_000, within(1.0));
    assertThat(model.predictTtftNanos(pool.endpoint(0), state, 20_000, pool.now))
        .isCloseTo(usual + rate * (20_000 - state.prefillMeanTokens()), within(1.0));
    assertThat(model.predictTtftNanos(pool.endpoint(0), state, 20_000, pool.now)).as("its prefill, not the usual TTFT").isGreaterThan(1_900 * MS);
    assertThat(model.predictTtftNanos(pool.endpoint(0), state, 100, pool.now))
        .as("never less than its own prefill").isGreaterThanOrEqualTo(100 * rate).isLessThan(usual);
    assertThat(model.predictTtftNanos(pool.endpoint(0), state, 0, pool.now)).as("prompt unknown").isEqualTo(usual);
  }

  @Test
  void predictTtft_forAPrompt_withoutALearntRate_isThePromptBlindPrediction() {
    Pool pool = Pool.of(1);
    pool.state(0).recordTtft(40_000_000L, pool.now, model.decayNanos());
    assertThat(model.predictTtftNanos(pool.endpoint(0), pool.state(0), 20_000, pool.now))
        .isEqualTo(model.predictTtftNanos(pool.endpoint(0), pool.state(0), pool.now));
  }

  @Test
  void of_rejectsBadArguments() {
    assertThatThrownBy(() -> LatencyModel.of(Duration.ZERO, Duration.ofMillis(30), Duration.ofSeconds(2)))
        .hasMessage("ewmaDecay: PT0S (expected: > 0)");
    assertThatThrownBy(() -> LatencyModel.of(Duration.ofSeconds(10), Duration.ofMillis(-1), Duration.ofSeconds(2)))
        .hasMessage("initialRtt: PT-0.001S (expected: >= 0)");
  }

  @Test
  void loadShedding_rejectsCriticalAsAShedPriority() {
    assertThatThrownBy(() -> LoadShedding.builder().shed(java.util.Set.of(io.modelrouter.Priority.CRITICAL)))
        .hasMessage("shed: [CRITICAL] (expected: no CRITICAL, critical requests are never shed)");
  }
}
