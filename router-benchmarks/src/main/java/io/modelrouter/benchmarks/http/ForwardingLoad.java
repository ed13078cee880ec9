package io.modelrouter.benchmarks.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A load run that compares a routed call with a direct OkHttp call to the same simulated server,
 * built to survive a noisy, shared machine: the two alternate in short phases (direct, routed,
 * direct, ...) at the same concurrency, so that background load falls on both alike; latencies of
 * every call are kept and their percentiles compared, and throughput is summed over the phases;
 * the median over rounds of the routed/direct throughput ratio of each round's pair of phases is
 * printed too, since it is what a burst of background load moves least; and the process's CPU time
 * per call (callers, server, exporter threads and GC together), which background load moves less,
 * in total, per round and by thread group ({@link ThreadCpu}).
 *
 * <pre>
 * java -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.http.ForwardingLoad [threads] [phaseSeconds] [rounds]
 * </pre>
 */
public final class ForwardingLoad {

  private ForwardingLoad() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    double phaseSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
    ForwardingBenchmark b = new ForwardingBenchmark();
    b.setUp();
    try {
      ForwardingBenchmark.Buffer[] buffers = buffers(threads);
      compare("direct", t -> b.direct(buffers[t]), "routed", t -> b.routed(buffers[t]), threads, phaseSeconds, rounds);
    } finally {
      b.tearDown();
    }
  }

  /** One call by caller thread {@code thread}. */
  @FunctionalInterface
  interface Call {
    void run(int thread) throws Exception;
  }

  private static ForwardingBenchmark.Buffer[] buffers(int threads) {
    ForwardingBenchmark.Buffer[] buffers = new ForwardingBenchmark.Buffer[threads];
    for (int t = 0; t < threads; t++) {
      buffers[t] = new ForwardingBenchmark.Buffer();
    }
    return buffers;
  }

  /**
   * Alternates phases of {@code base} and {@code other} calls, {@code rounds} pairs after a warm-up,
   * and prints both one's throughput, latency percentiles and caller CPU per call and the ratios.
   */
  static void compare(String baseName, Call base, String otherName, Call other, int threads, double phaseSeconds,
      int rounds) throws InterruptedException {
    // One latency buffer per caller for every phase: a fresh one per phase would be tens of MB of
    // garbage a phase, collected during whichever phase follows.
    long[][] buffers = new long[threads][2_000_000];
    // Warm both paths up (JIT, connection pools) before measuring, twice in turn.
    for (int w = 0; w < 2; w++) {
      phase(base, threads, 2, buffers);
      phase(other, threads, 2, buffers);
    }
    CPU_NANOS.set(0);
    long[] directNanos = new long[0];
    long[] routedNanos = new long[0];
    long directCalls = 0;
    long routedCalls = 0;
    double directSeconds = 0;
    double routedSeconds = 0;
    long directCpu = 0;
    long routedCpu = 0;
    long directProcessCpu = 0;
    long routedProcessCpu = 0;
    double[] ratios = new double[rounds];
    double[] cpuRatios = new double[rounds];
    ThreadCpu byThread = new ThreadCpu();
    for (int r = 0; r < rounds; r++) {
      boolean directFirst = r % 2 == 0;
      double[] rates = new double[2];
      double[] cpuPerCall = new double[2];
      for (int k = 0; k < 2; k++) {
        boolean routed = directFirst == (k == 1);
        byThread.start();
        long start = System.nanoTime();
        long cpuBefore = CPU_NANOS.get();
        long processBefore = processCpuNanos();
        long[] lat = phase(routed ? other : base, threads, phaseSeconds, buffers);
        double secs = (System.nanoTime() - start) / 1e9;
        long cpu = CPU_NANOS.get() - cpuBefore;
        long processCpu = processCpuNanos() - processBefore;
        byThread.stop(routed ? 1 : 0);
        rates[routed ? 1 : 0] = lat.length / secs;
        cpuPerCall[routed ? 1 : 0] = (double) processCpu / Math.max(lat.length, 1);
        if (routed) {
          routedCpu += cpu;
          routedProcessCpu += processCpu;
          routedNanos = concat(routedNanos, lat);
          routedCalls += lat.length;
          routedSeconds += secs;
        } else {
          directCpu += cpu;
          directProcessCpu += processCpu;
          directNanos = concat(directNanos, lat);
          directCalls += lat.length;
          directSeconds += secs;
        }
      }
      ratios[r] = rates[1] / rates[0];
      cpuRatios[r] = cpuPerCall[1] / cpuPerCall[0];
    }
    Arrays.sort(ratios);
    Arrays.sort(cpuRatios);
    Arrays.sort(directNanos);
    Arrays.sort(routedNanos);
    double directRate = directCalls / directSeconds;
    double routedRate = routedCalls / routedSeconds;
    System.out.printf(Locale.ROOT, "threads=%d phases=%d x %.1fs%n", threads, 2 * rounds, phaseSeconds);
    System.out.printf(Locale.ROOT, "%-9s %10s %9s %9s %9s %9s %14s %15s%n", "", "calls/s", "p50 us", "p90 us", "p99 us",
        "calls", "caller cpu us", "process cpu us");
    print(baseName, directRate, directNanos, directCpu, directProcessCpu);
    print(otherName, routedRate, routedNanos, routedCpu, routedProcessCpu);
    System.out.printf(Locale.ROOT, "added at p50: %.1f us; %s throughput: %.1f%% of %s%n",
        (pct(routedNanos, 0.5) - pct(directNanos, 0.5)) / 1e3, otherName, 100 * routedRate / directRate, baseName);
    System.out.printf(Locale.ROOT, "process cpu per call: %s %.1f%% of %s%n", otherName,
        100.0 * routedProcessCpu / Math.max(routedCalls, 1) / ((double) directProcessCpu / Math.max(directCalls, 1)), baseName);
    byThread.print(baseName, directCalls, otherName, routedCalls, directProcessCpu, routedProcessCpu, directCpu, routedCpu);
    System.out.printf(Locale.ROOT, "process cpu per call, %s/%s per round: median %.1f%%, quartiles %.1f%% to %.1f%%%n",
        otherName, baseName, 100 * median(cpuRatios), 100 * quartile(cpuRatios, 1), 100 * quartile(cpuRatios, 3));
    // The headline. Each round pairs the two phases back to back: the median of the rounds' ratios
    // is what a burst of background load on one phase moves least.
    System.out.printf(Locale.ROOT, "THROUGHPUT %s/%s: median of %d rounds %.1f%% (quartiles %.1f%% to %.1f%%), all phases %.1f%%%n",
        otherName, baseName, rounds, 100 * median(ratios), 100 * quartile(ratios, 1), 100 * quartile(ratios, 3),
        100 * routedRate / directRate);
  }

  /** The median of sorted {@code v} (the mean of the middle two for an even count). */
  private static double median(double[] v) {
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Quartile {@code q} (1 or 3) of sorted {@code v}: the median of its lower or upper half. */
  private static double quartile(double[] v, int q) {
    int half = v.length / 2;
    double[] part = q == 1 ? Arrays.copyOfRange(v, 0, half) : Arrays.copyOfRange(v, v.length - half, v.length);
    return part.length == 0 ? v[0] : median(part);
  }

  private static void print(String name, double rate, long[] sorted, long cpuNanos, long processCpuNanos) {
    int calls = Math.max(sorted.length, 1);
    System.out.printf(Locale.ROOT, "%-9s %10.0f %9.1f %9.1f %9.1f %9d %14.1f %15.1f%n", name, rate, pct(sorted, 0.5) / 1e3,
        pct(sorted, 0.9) / 1e3, pct(sorted, 0.99) / 1e3, sorted.length, cpuNanos / 1e3 / calls,
        processCpuNanos / 1e3 / calls);
  }

  /**
   * CPU time of the whole process (callers, the simulated server, exporter threads, GC): what a
   * call costs the machine, which the load of other processes moves far less than throughput.
   */
  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
  }

  /** CPU time of the calling threads, summed: what each call costs the caller, whatever the machine's load. */
  private static final java.util.concurrent.atomic.AtomicLong CPU_NANOS = new java.util.concurrent.atomic.AtomicLong();

  private static double pct(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  private static long[] concat(long[] a, long[] b) {
    long[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /**
   * Runs {@code threads} closed-loop callers for {@code seconds}, each recording into its own
   * buffer; returns every call's latency.
   */
  private static long[] phase(Call call, int threads, double seconds, long[][] buffers) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    int[] counts = new int[threads];
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      long[] lat = buffers[t];
      int id = t;
      Thread th = new Thread(() -> {
        int n = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        try {
          while (!stop.get() && n < lat.length) {
            long s = System.nanoTime();
            call.run(id);
            lat[n++] = System.nanoTime() - s;
          }
        } catch (Exception e) {
          e.printStackTrace();
        } finally {
          CPU_NANOS.addAndGet(mx.getCurrentThreadCpuTime() - cpu0);
          counts[id] = n;
          done.countDown();
        }
      }, "load-" + t);
      th.start();
    }
    Thread.sleep((long) (seconds * 1000));
    stop.set(true);
    done.await(60, TimeUnit.SECONDS);
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int pos = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(buffers[t], 0, all, pos, counts[t]);
      pos += counts[t];
    }
    return all;
  }
}
