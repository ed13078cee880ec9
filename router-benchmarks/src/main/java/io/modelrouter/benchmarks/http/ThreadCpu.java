package io.modelrouter.benchmarks.http;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the process's threads, summed by group (the thread's name without its trailing
 * number: {@code sim-bench}, {@code BatchSpanProcessor_WorkerThread}, {@code jdkhttp-executor},
 * ...), so that a load run can say which threads an extra cost per call falls on; what the
 * process spent outside its Java threads (garbage collection, JIT compilation) is the difference
 * to the process's CPU time. Read between phases, not during them (a few microseconds a thread).
 * A thread that ends during a phase takes its time with it, so the callers, which do, are measured
 * on their own.
 */
final class ThreadCpu {

  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  /** Per group and phase kind (0 base, 1 other): nanoseconds. */
  private final Map<String, long[]> totals = new TreeMap<>();
  private Map<Long, Long> before = Map.of();
  private Map<Long, String> names = Map.of();

  /** Marks the start of a phase. */
  void start() {
    names = new HashMap<>();
    before = snapshot(names);
  }

  /** Adds what each group spent since {@link #start} to phase kind {@code kind} (0 base, 1 other). */
  void stop(int kind) {
    Map<Long, Long> after = snapshot(null);
    after.forEach((id, cpu) -> {
      Long was = before.get(id);
      String name = names.get(id);
      if (was != null && name != null && !name.startsWith("load-")) {
        totals.computeIfAbsent(group(name), g -> new long[2])[kind] += cpu - was;
      }
    });
  }

  /** One line per group that took at least 0.5 µs a call in either kind: µs per call and the difference. */
  void print(String baseName, long baseCalls, String otherName, long otherCalls, long baseProcess, long otherProcess,
      long baseCallers, long otherCallers) {
    System.out.printf(Locale.ROOT, "cpu us per call by thread    %10s %10s %8s%n", baseName, otherName, "added");
    long[] java = new long[2];
    line("callers (load-N)", baseCallers, baseCalls, otherCallers, otherCalls);
    totals.forEach((group, t) -> {
      java[0] += t[0];
      java[1] += t[1];
      if (t[0] / 1e3 / baseCalls >= 0.5 || t[1] / 1e3 / otherCalls >= 0.5) {
        line(group, t[0], baseCalls, t[1], otherCalls);
      }
    });
    line("outside Java threads (GC, JIT)", baseProcess - baseCallers - java[0], baseCalls,
        otherProcess - otherCallers - java[1], otherCalls);
  }

  private static void line(String name, long base, long baseCalls, long other, long otherCalls) {
    double b = base / 1e3 / Math.max(baseCalls, 1);
    double o = other / 1e3 / Math.max(otherCalls, 1);
    System.out.printf(Locale.ROOT, "  %-32s %10.1f %10.1f %8.1f%n", name, b, o, o - b);
  }

  private Map<Long, Long> snapshot(Map<Long, String> namesOut) {
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long t = mx.getThreadCpuTime(info.getThreadId());
      if (t >= 0) {
        cpu.put(info.getThreadId(), t);
        if (namesOut != null) {
          namesOut.put(info.getThreadId(), info.getThreadName());
        }
      }
    }
    return cpu;
  }

  /** The name without a trailing number and separator ({@code pool-3-thread-7} becomes {@code pool-3-thread}). */
  static String group(String name) {
    int end = name.length();
    while (end > 0 && Character.isDigit(name.charAt(end - 1))) {
      end--;
    }
    while (end > 0 && (name.charAt(end - 1) == '-' || name.charAt(end - 1) == '#' || name.charAt(end - 1) == ' ')) {
      end--;
    }
    return end == 0 ? name : name.substring(0, end);
  }
}
