package io.modelrouter.benchmarks.select;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link LlmSelectBenchmark}'s picks measured in the calling thread's CPU time instead of wall
 * time, as {@link ModelRouteCpuTime} does for model routes: on a machine shared with other work,
 * JMH's wall-clock averages mostly measure how long the thread waited for a core, while the CPU
 * time of a pick still compares builds and strategies (it still pays for the caches the other work
 * evicts). Both strategies are warmed up, then measured in alternating rounds of {@value #PICKS}
 * picks, with the benchmark's per-iteration scrape (fresh metrics) before each round. Arguments:
 * the pool sizes, 16 by default.
 *
 * <pre>
 * java -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.select.LlmSelectCpuTime 16 1000
 * </pre>
 */
public final class LlmSelectCpuTime {

  private static final int PICKS = 1_000_000;
  private static final int ROUNDS = 7;

  private LlmSelectCpuTime() {}

  public static void main(String[] args) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    String[] sizes = args.length == 0 ? new String[] {"16"} : args;
    long sink = 0;
    for (String size : sizes) {
      LlmSelectBenchmark b = new LlmSelectBenchmark();
      b.endpoints = Integer.parseInt(size);
      b.setUp();
      b.scrape();
      for (int i = 0; i < 3 * PICKS; i++) {
        sink += b.llmCombined() + b.llmAware();
      }
      StringBuilder line = new StringBuilder();
      for (int round = 0; round < ROUNDS; round++) {
        b.scrape();
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < PICKS; i++) {
          sink += b.llmCombined();
        }
        long combined = threads.getCurrentThreadCpuTime() - start;
        start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < PICKS; i++) {
          sink += b.llmAware();
        }
        long aware = threads.getCurrentThreadCpuTime() - start;
        line.append(String.format(Locale.ROOT, "  %.0f/%.0f", combined / (double) PICKS, aware / (double) PICKS));
      }
      System.out.println("endpoints=" + size + " CPU ns per pick, llmCombined/llmAware by round:" + line);
    }
    if (sink == 42) {
      System.out.println();
    }
  }
}
