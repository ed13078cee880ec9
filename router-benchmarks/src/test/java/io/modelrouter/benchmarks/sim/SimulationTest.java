package io.modelrouter.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {

  @Test
  void runUntil_runsEventsInTimeThenSchedulingOrder() {
    Simulation sim = new Simulation();
    List<String> seen = new ArrayList<>();
    sim.at(20, () -> seen.add("b@" + sim.now()));
    sim.at(10, () -> seen.add("a@" + sim.now()));
    sim.at(20, () -> seen.add("c@" + sim.now()));
    sim.at(10, () -> sim.after(5, () -> seen.add("d@" + sim.now())));

    sim.runUntil(100);

    assertThat(seen).containsExactly("a@10", "d@15", "b@20", "c@20");
    assertThat(sim.now()).isEqualTo(100);
    assertThat(sim.ticker().nanoTime()).isEqualTo(100);
  }

  @Test
  void runUntil_leavesLaterEventsQueued() {
    Simulation sim = new Simulation();
    List<Long> seen = new ArrayList<>();
    sim.at(50, () -> seen.add(sim.now()));
    sim.at(150, () -> seen.add(sim.now()));

    sim.runUntil(100);
    assertThat(seen).containsExactly(50L);

    sim.runUntil(200);
    assertThat(seen).containsExactly(50L, 150L);
  }

  @Test
  void at_inThePastRunsNow() {
    Simulation sim = new Simulation();
    List<Long> seen = new ArrayList<>();
    sim.at(100, () -> sim.at(10, () -> seen.add(sim.now())));

    sim.runUntil(200);

    assertThat(seen).containsExactly(100L);
  }
}
