package io.modelrouter.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlmServerTest {

  private static final long MS = 1_000_000L;

  /** 4 sequences, 20k tokens of KV, 10 ms steps, 1 ms per sequence, 0.01 ms per prefill token. */
  private static final LlmProfile SMALL = new LlmProfile(4, 20_000, 10 * MS, MS, 10_000L);

  private final Simulation sim = new Simulation();
  private final List<Job> done = new ArrayList<>();

  private Job submit(VirtualServer server, SimRequest r) {
    Job job = new Job(r, server.id, sim.now(), done::add);
    server.submit(job);
    return job;
  }

  private static SimRequest chat(int id, int group, int prompt, int prefix, int output) {
    return new SimRequest(id, 0, 0, 0.5, prompt, output, group, prefix, 0);
  }

  @Test
  void firstRequest_paysItsWholePrefillThenOneStepPerToken() {
    LlmServer server = new LlmServer("h", sim, SMALL);
    Job job = submit(server, chat(0, 7, 5000, 4000, 3));

    sim.runUntil(10_000 * MS);

    // Step 1: 10 ms + 5000 * 0.01 ms of prefill -> first token at 60 ms; then 2 steps of 10 + 1 ms.
    assertThat(job.firstTokenNanos).isEqualTo(60 * MS);
    assertThat(job.doneNanos()).isEqualTo(82 * MS);
    assertThat(job.prefixHit).isFalse();
    assertThat(server.holdsPrefix(7)).isTrue();
  }

  private static SimRequest turn(int id, int session, int prompt, int history, int output) {
    return new SimRequest(id, 0, 0, 0.5, prompt, output, 1, 2000, 0, session, history);
  }

  @Test
  void nextTurn_findsThePreviousTurnsConversationInTheCache_aPartialMatchOfItsGrowingPrompt() {
    LlmServer server = new LlmServer("h", sim, SMALL);
    Job first = submit(server, turn(0, 5, 2500, 0, 100)); // 2000 shared + 500 new, answers 100
    sim.runUntil(5_000 * MS);
    assertThat(first.cachedTokens).isZero();
    assertThat(server.heldSessionTokens(5)).isEqualTo(600); // the turn's 500 new tokens and its answer

    Job second = submit(server, turn(1, 5, 2900, 600, 2)); // repeats 2000 + 600, adds 300
    sim.runUntil(10_000 * MS);
    assertThat(second.prefixHit).isTrue();
    assertThat(second.cachedTokens).isEqualTo(2600);
    assertThat(second.firstTokenNanos - 5_000 * MS).isEqualTo(13 * MS); // 10 ms + 300 tokens
    assertThat(server.heldSessionTokens(5)).isEqualTo(902);
  }

  @Test
  void turnsOfOneConversationRunningAtOnce_leaveItCachedOnce_theLongerOne() {
    LlmServer server = new LlmServer("h", sim, SMALL);
    submit(server, turn(0, 5, 2500, 0, 100)); // conversation after it: 600 tokens
    submit(server, turn(1, 5, 2900, 600, 2)); // sent before the first is answered; after it: 902
    sim.runUntil(10_000 * MS);

    assertThat(done).hasSize(2);
    assertThat(server.heldSessionTokens(5)).isEqualTo(902);
    assertThat(server.cachedTokens()).isEqualTo(2000 + 902); // the shared prefix and the conversation, once
  }

  @Test
  void conversation_isEvictedLeastRecentlyUsedFirst_andThenPrefilledAgain() {
    LlmServer server = new LlmServer("h", sim, SMALL);
    submit(server, turn(0, 1, 4000, 0, 10));
    sim.runUntil(5_000 * MS);
    for (int s = 2; s < 12; s++) { // ten more conversations, 2,010 tokens each: more than the 20k cache
      submit(server, turn(s, s, 4000, 0, 10));
      sim.runUntil((5 + s) * 1_000 * MS);
    }
    assertThat(server.heldSessionTokens(1)).isZero();
    Job back = submit(server, turn(20, 1, 4500, 2010, 2));
    sim.runUntil(30_000 * MS);
    assertThat(back.cachedTokens).isEqualTo(2000); // the shared prefix only
  }

  @Test
  void sharedPrefix_isCheaperOnTheServerThatHoldsIt() {
    LlmServer warm = new LlmServer("warm", sim, SMALL);
    submit(warm, chat(0, 7, 5000, 4000, 1));
    sim.runUntil(1000 * MS);

    long sent = sim.now();
    Job hit = submit(warm, chat(1, 7, 5000, 4000, 1));
    LlmServer cold = new LlmServer("cold", sim, SMALL);
    Job miss = submit(cold, chat(2, 7, 5000, 4000, 1));
    sim.runUntil(2000 * MS);

    assertThat(hit.prefixHit).isTrue();
    assertThat(miss.prefixHit).isFalse();
    assertThat(hit.firstTokenNanos - sent).isEqualTo(20 * MS); // 10 ms + 1000 tokens
    assertThat(miss.firstTokenNanos - sent).isEqualTo(60 * MS); // 10 ms + 5000 tokens
  }

  @Test
  void kvCache_holdsBackRequestsThatDoNotFit() {
    LlmServer server = new LlmServer("h", sim, SMALL);
    Job big = submit(server, chat(0, -1, 12_000, 0, 10));
    Job next = submit(server, chat(1, -1, 9_000, 0, 10));
    sim.runUntil(200 * MS); // big: 130 ms of prefill, then 10 tokens of 11 ms

    assertThat(server.running()).isEqualTo(1);
    assertThat(server.waiting()).isEqualTo(1);
    assertThat(server.kvUsage()).isCloseTo(12_010 / 20_000.0, org.assertj.core.data.Offset.offset(1e-9));

    sim.runUntil(10_000 * MS);
    assertThat(next.firstTokenNanos).isGreaterThanOrEqualTo(big.doneNanos());
  }

  @Test
  void batchSlots_limitRunningSequences() {
    LlmServer server = new LlmServer("h", sim, SMALL);
    for (int i = 0; i < 6; i++) {
      submit(server, chat(i, -1, 100, 0, 50));
    }
    sim.runUntil(12 * MS); // requests that arrive during a step join at the next one


    assertThat(server.running()).isEqualTo(4);
    assertThat(server.waiting()).isEqualTo(2);
    sim.runUntil(100_000 * MS);
    assertThat(done).hasSize(6).allMatch(j -> j.status() == 200);
  }

  @Test
  void pinnedPrefix_isSharedAndNotEvictedWhileInUse() {
    LlmServer server = new LlmServer("h", sim, SMALL);
    submit(server, chat(0, 1, 9000, 8000, 100));
    submit(server, chat(1, 1, 9000, 8000, 100));
    sim.runUntil(1000 * MS);

    // One prefix of 8000 plus two private parts of 1100 each, not 2 x 9100.
    assertThat(server.kvUsage()).isCloseTo(10_200 / 20_000.0, org.assertj.core.data.Offset.offset(1e-9));
    Job other = submit(server, chat(2, 2, 10_000, 9000, 100));
    sim.runUntil(1001 * MS);
    assertThat(server.holdsPrefix(1)).isTrue();
    assertThat(server.waiting()).isEqualTo(1); // 2,200 private + 8,000 pinned + 10,100 > 20,000

    sim.runUntil(100_000 * MS);
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.firstTokenNanos).isGreaterThanOrEqualTo(done.get(1).doneNanos());
  }

  @Test
  void crash_failsRunningAndQueuedAndEmptiesTheCache() {
    LlmServer server = new LlmServer("h", sim, SMALL);
    for (int i = 0; i < 6; i++) {
      submit(server, chat(i, 3, 1000, 500, 100));
    }
    sim.runUntil(100 * MS);

    server.alive(false);
    sim.runUntil(10_000 * MS);

    assertThat(done).hasSize(6).allMatch(j -> j.status() == Job.NO_ANSWER);
    assertThat(server.holdsPrefix(3)).isFalse();
    assertThat(server.kvUsage()).isZero();
  }

  @Test
  void predictedFinish_prefersTheServerHoldingThePrefix() {
    LlmServer warm = new LlmServer("warm", sim, SMALL);
    LlmServer cold = new LlmServer("cold", sim, SMALL);
    submit(warm, chat(0, 7, 5000, 4000, 1));
    sim.runUntil(1000 * MS);

    SimRequest r = chat(1, 7, 5000, 4000, 20);
    assertThat(warm.predictedFinishNanos(r)).isLessThan(cold.predictedFinishNanos(r));
  }
}
