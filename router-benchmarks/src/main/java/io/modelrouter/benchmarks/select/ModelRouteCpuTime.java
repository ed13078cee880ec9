package io.modelrouter.benchmarks.select;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link ModelRouteBenchmark}'s call measured in the calling thread's CPU time instead of wall
 * time: on a machine shared with other work, where JMH's wall-clock figures mostly measure how long
 * the thread waited for a core, the CPU time a call takes still compares policies (it still pays
 * for caches the other work evicts). Every policy is warmed up, then measured in alternating
 * rounds of {@value #CALLS} calls, the named model (the peer) in each round.
 *
 * <pre>
 * java -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.select.ModelRouteCpuTime
 * </pre>
 */
public final class ModelRouteCpuTime {

  private static final int CALLS = 1_000_000;
  private static final int ROUNDS = 5;
  private static final String[] POLICIES = {"named", "ordered", "fastest", "cheapest"};

  private ModelRouteCpuTime() {}

  public static void main(String[] args) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ModelRouteBenchmark[] benchmarks = new ModelRouteBenchmark[POLICIES.length];
    for (int p = 0; p < POLICIES.length; p++) {
      benchmarks[p] = new ModelRouteBenchmark();
      benchmarks[p].endpoints = 1000;
      benchmarks[p].policy = POLICIES[p];
      benchmarks[p].setUp();
      for (int i = 0; i < 3 * CALLS; i++) {
        benchmarks[p].routeAndClose();
      }
    }
    System.out.println("CPU ns per call, 1,000 endpoints, " + CALLS + " calls a cell:");
    for (int round = 0; round < ROUNDS; round++) {
      StringBuilder line = new StringBuilder();
      for (int p = 0; p < POLICIES.length; p++) {
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < CALLS; i++) {
          benchmarks[p].routeAndClose();
        }
        double nanos = (threads.getCurrentThreadCpuTime() - start) / (double) CALLS;
        line.append(String.format(Locale.ROOT, "%s %.0f  ", POLICIES[p], nanos));
      }
      System.out.println(line.toString().trim());
    }
  }
}
