package io.modelrouter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class PrefillBacklogTest {

  private static final long MS = 1_000_000L;
  private static final long T0 = 5_000 * MS;

  @Test
  void blocks_drainAtTheGivenRate_downToZero() {
    PrefillBacklog b = new PrefillBacklog();
    assertThat(b.blocks(T0, 200)).isZero();
    b.add(100, T0, 200);
    b.add(50, T0, 200);
    assertThat(b.blocks(T0, 200)).isCloseTo(150, offset(0.01));
    assertThat(b.blocks(T0 + 250 * MS, 200)).as("50 blocks in 250 ms").isCloseTo(100, offset(0.5));
    assertThat(b.blocks(T0 + 760 * MS, 200)).as("to the stamp's millisecond").isZero();
  }

  @Test
  void add_startsFromWhatIsLeftAfterDraining() {
    PrefillBacklog b = new PrefillBacklog();
    b.add(100, T0, 200);
    b.add(100, T0 + 1_000 * MS, 200); // the first hundred were worked off after 500 ms
    assertThat(b.blocks(T0 + 1_000 * MS, 200)).isCloseTo(100, offset(0.5));
  }

  @Test
  void add_ignoresNothingToPrefill_andClearEmpties() {
    PrefillBacklog b = new PrefillBacklog();
    b.add(0, T0, 200);
    b.add(-3, T0, 200);
    assertThat(b.blocks(T0, 200)).isZero();
    b.add(10, T0, 200);
    b.clear();
    assertThat(b.blocks(T0, 200)).isZero();
  }

  @Test
  void add_fromManyThreadsAtOnce_losesNoBlocks() throws InterruptedException {
    PrefillBacklog b = new PrefillBacklog();
    int threads = 4;
    int adds = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 0; i < adds; i++) {
          b.add(1, T0, 200); // one instant: nothing drains
        }
      });
      workers[t].start();
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    assertThat(b.blocks(T0, 200)).isEqualTo(threads * adds);
  }

  @Test
  void endpointGoingUnhealthy_emptiesItsBacklog() {
    EndpointState s = new EndpointState("e", T0);
    s.prefillBacklog().add(100, T0, 200);
    s.setStatus(EndpointStatus.UNHEALTHY, T0 + MS);
    assertThat(s.prefillBacklog().blocks(T0 + MS, 200)).isZero();
  }
}
