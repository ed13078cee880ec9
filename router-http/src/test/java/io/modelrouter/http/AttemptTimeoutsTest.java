package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AttemptTimeoutsTest {

  @Test
  void schedule_firesOnceTheDelayHasPassed_notBefore() throws Exception {
    try (AttemptTimeouts timeouts = new AttemptTimeouts("test-timeouts")) {
      CountDownLatch fired = new CountDownLatch(1);
      long start = System.nanoTime();
      long[] firedAt = new long[1];
      timeouts.schedule(() -> {
        firedAt[0] = System.nanoTime();
        fired.countDown();
      }, TimeUnit.MILLISECONDS.toNanos(100));
      assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(firedAt[0] - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  @Test
  void cancel_beforeTheDeadline_neverRuns_andAnotherTimeoutStillFires() throws Exception {
    try (AttemptTimeouts timeouts = new AttemptTimeouts("test-timeouts")) {
      AtomicInteger cancelledRuns = new AtomicInteger();
      AttemptTimeouts.Timeout t = timeouts.schedule(cancelledRuns::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(50));
      assertThat(t.cancel()).isTrue();
      CountDownLatch later = new CountDownLatch(1);
      timeouts.schedule(later::countDown, TimeUnit.MILLISECONDS.toNanos(200)); // due after the cancelled one
      assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(cancelledRuns).hasValue(0);
      assertThat(t.cancel()).isFalse();
    }
  }

  @Test
  void schedule_afterAnIdlePeriod_wakesTheTimer() throws Exception {
    try (AttemptTimeouts timeouts = new AttemptTimeouts("test-timeouts")) {
      for (int round = 0; round < 3; round++) { // each round finds the timer parked with nothing pending
        CountDownLatch fired = new CountDownLatch(1);
        timeouts.schedule(fired::countDown, TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(fired.await(10, TimeUnit.SECONDS)).as("round %d", round).isTrue();
      }
    }
  }

  @Test
  void schedule_fromManyThreads_firesEveryUncancelledTimeoutOnce() throws Exception {
    int threads = 8;
    int each = 2_000;
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch kept = new CountDownLatch(threads * each / 2);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (AttemptTimeouts timeouts = new AttemptTimeouts("test-timeouts")) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(pool.submit(() -> {
          for (int j = 0; j < each; j++) {
            AttemptTimeouts.Timeout t = timeouts.schedule(() -> {
              runs.incrementAndGet();
              kept.countDown();
            }, TimeUnit.MILLISECONDS.toNanos(20 + j % 50));
            if (j % 2 == 0) {
              t.cancel(); // as an answered attempt disarms its timer
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      assertThat(kept.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(runs).hasValue(threads * each / 2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void close_stopsTimeoutsNotYetDue_andRefusesNewOnes() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    AttemptTimeouts timeouts = new AttemptTimeouts("test-timeouts");
    timeouts.schedule(runs::incrementAndGet, TimeUnit.SECONDS.toNanos(1));
    timeouts.close();
    assertThat(timeouts.schedule(runs::incrementAndGet, 1)).isNull();
    CountDownLatch after = new CountDownLatch(1);
    assertThat(after.await(1500, TimeUnit.MILLISECONDS)).isFalse(); // past the first timeout's deadline
    assertThat(runs).hasValue(0);
  }
}
