package io.modelrouter.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueingServerTest {

  private static final long MS = 1_000_000L;

  private final Simulation sim = new Simulation();
  private final List<Job> done = new ArrayList<>();

  private Job submit(VirtualServer server, SimRequest r) {
    Job job = new Job(r, server.id, sim.now(), done::add);
    server.submit(job);
    return job;
  }

  private static SimRequest request(int id) {
    return SimRequest.plain(id, 0, 0, 0.5, 0); // z = 0: exactly the median
  }

  @Test
  void submit_queuesBeyondItsSlotsInArrivalOrder() {
    QueueingServer server = new QueueingServer("s", sim, 100 * MS, 0.5, 2, 0);
    Job a = submit(server, request(0));
    Job b = submit(server, request(1));
    Job c = submit(server, request(2));

    assertThat(server.running()).isEqualTo(2);
    assertThat(server.waiting()).isEqualTo(1);
    sim.runUntil(1000 * MS);

    assertThat(done).containsExactly(a, b, c);
    assertThat(a.doneNanos()).isEqualTo(100 * MS);
    assertThat(c.doneNanos()).isEqualTo(200 * MS);
    assertThat(c.status()).isEqualTo(200);
  }

  @Test
  void submit_answers503WhenTheQueueIsFull() {
    QueueingServer server = new QueueingServer("s", sim, 100 * MS, 0, 1, 1);
    submit(server, request(0));
    submit(server, request(1));
    Job refused = submit(server, request(2));

    sim.runUntil(1000 * MS);

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.doneNanos()).isEqualTo(VirtualServer.CONNECT_FAILURE_NANOS);
  }

  @Test
  void slowDown_stretchesServiceTimesThatStartAfterIt() {
    QueueingServer server = new QueueingServer("s", sim, 100 * MS, 0, 0, 0);
    Job before = submit(server, request(0));
    server.slowDown(10);
    Job after = submit(server, request(1));

    sim.runUntil(5000 * MS);

    assertThat(before.doneNanos()).isEqualTo(100 * MS);
    assertThat(after.doneNanos()).isEqualTo(1000 * MS);
  }

  @Test
  void failShare_failsRequestsWhoseDrawFallsBelowIt() {
    QueueingServer server = new QueueingServer("s", sim, 100 * MS, 0, 0, 0);
    server.failShare(0.3);
    Job unlucky = submit(server, SimRequest.plain(0, 0, 0, 0.2, 0));
    Job lucky = submit(server, SimRequest.plain(1, 0, 0, 0.4, 0));

    sim.runUntil(1000 * MS);

    assertThat(unlucky.status()).isEqualTo(500);
    assertThat(lucky.status()).isEqualTo(200);
  }

  @Test
  void crash_failsEveryJobAndRefusesNewOnesUntilRestart() {
    QueueingServer server = new QueueingServer("s", sim, 100 * MS, 0, 1, 0);
    Job running = submit(server, request(0));
    Job queued = submit(server, request(1));
    sim.runUntil(50 * MS);

    server.alive(false);
    Job refused = submit(server, request(2));
    sim.runUntil(500 * MS);

    assertThat(running.status()).isEqualTo(Job.NO_ANSWER);
    assertThat(queued.status()).isEqualTo(Job.NO_ANSWER);
    assertThat(refused.status()).isEqualTo(Job.NO_ANSWER);
    assertThat(running.doneNanos()).isEqualTo(50 * MS);
    assertThat(done).hasSize(3);

    server.alive(true);
    Job back = submit(server, request(3));
    sim.runUntil(1000 * MS);
    assertThat(back.status()).isEqualTo(200);
  }

  @Test
  void predictedFinish_isTheTrueFinishUnderFifo() {
    QueueingServer server = new QueueingServer("s", sim, 100 * MS, 0.5, 2, 0);
    for (int i = 0; i < 5; i++) {
      submit(server, SimRequest.plain(i, 0, i * 0.3 - 0.6, 0.5, 0));
    }
    SimRequest next = SimRequest.plain(5, 0, 0.4, 0.5, 0);
    long predicted = server.predictedFinishNanos(next);

    Job job = submit(server, next);
    sim.runUntil(10_000 * MS);

    assertThat(job.doneNanos()).isEqualTo(predicted);
  }

  @Test
  void expectedFinish_knowsTheQueuedWorkExactly_butCountsTheRequestItselfAtTheMean() {
    QueueingServer server = new QueueingServer("s", sim, 100 * MS, 0.5, 2, 0);
    for (int i = 0; i < 5; i++) {
      submit(server, SimRequest.plain(i, 0, i * 0.3 - 0.6, 0.5, 0));
    }
    SimRequest longOne = SimRequest.plain(5, 0, 2.0, 0.5, 0);
    SimRequest shortOne = SimRequest.plain(6, 0, -2.0, 0.5, 0);
    long mean = Math.round(100 * MS * Math.exp(0.5 * 0.5 / 2));
    long slotFree = server.predictedFinishNanos(longOne) - server.serviceNanos(longOne);

    assertThat(server.expectedFinishNanos(longOne)).isEqualTo(slotFree + mean);
    // the oracle of the issue cannot tell a long request from a short one; the clairvoyant one can
    assertThat(server.expectedFinishNanos(shortOne)).isEqualTo(server.expectedFinishNanos(longOne));
    assertThat(server.predictedFinishNanos(shortOne)).isLessThan(server.predictedFinishNanos(longOne));
  }

  @Test
  void predictedFinish_isUnreachableWhenTheRequestWouldFail() {
    QueueingServer server = new QueueingServer("s", sim, 100 * MS, 0, 0, 0);
    server.failShare(1);
    assertThat(server.predictedFinishNanos(request(0))).isEqualTo(Long.MAX_VALUE);
  }
}
