package io.modelrouter.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The processing slots of a simulated server: at most {@code capacity} jobs run at once, up to
 * {@code maxQueue} more wait for a slot in arrival order, and the next one is refused. A running
 * job holds its prompt and output tokens in the simulated KV cache. Counts what runs and waits, in
 * all and per LoRA adapter, as the server's metrics report it. Capacity and queue bound can change
 * while jobs hold slots.
 */
final class Slots {

  /** What became of a job asking for a slot. */
  enum Admission {
    /** It holds a slot: {@link #release} it when done. */
    RUNNING,
    /** Every slot was busy and the queue full: answer 503. */
    QUEUE_FULL,
    /** The thread was interrupted while waiting: nothing to answer. */
    INTERRUPTED
  }

  /** Slots whose number can shrink while jobs hold them. */
  private static final class Permits extends Semaphore {
    private static final long serialVersionUID = 1L;

    Permits(int permits) {
      super(permits, true);
    }

    void reduce(int n) {
      reducePermits(n);
    }
  }

  private final Permits permits;
  private final int kvCacheTokens;
  private volatile int capacity;
  private volatile int maxQueue;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong kvTokensInUse = new AtomicLong();
  private final Map<String, AtomicInteger> runningAdapters = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> waitingAdapters = new ConcurrentHashMap<>();

  Slots(int capacity, int maxQueue, int kvCacheTokens) {
    this.permits = new Permits(capacity);
    this.capacity = capacity;
    this.maxQueue = maxQueue;
    this.kvCacheTokens = kvCacheTokens;
  }

  /** Takes a free slot for {@code job}, or waits for one if the queue has room. */
  Admission admit(Job job) {
    if (!permits.tryAcquire()) {
      if (waiting.get() >= maxQueue) {
        return Admission.QUEUE_FULL;
      }
      waiting.incrementAndGet();
      count(waitingAdapters, job.adapter, 1);
      boolean admitted = false;
      try {
        permits.acquire();
        admitted = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        waiting.decrementAndGet();
        count(waitingAdapters, job.adapter, -1);
      }
      if (!admitted) {
        return Admission.INTERRUPTED;
      }
    }
    running.incrementAndGet();
    count(runningAdapters, job.adapter, 1);
    kvTokensInUse.addAndGet(kvTokens(job));
    return Admission.RUNNING;
  }

  /** Gives back the slot of a job {@linkplain Admission#RUNNING admitted}. */
  void release(Job job) {
    kvTokensInUse.addAndGet(-kvTokens(job));
    count(runningAdapters, job.adapter, -1);
    running.decrementAndGet();
    permits.release();
  }

  private static long kvTokens(Job job) {
    return (long) job.promptTokens + job.outputTokens;
  }

  /**
   * Changes how many jobs run at once; when it shrinks, jobs already running finish and new ones
   * wait until fewer run than the new capacity.
   */
  void capacity(int capacity) {
    synchronized (permits) {
      int delta = capacity - this.capacity;
      if (delta > 0) {
        permits.release(delta);
      } else if (delta < 0) {
        permits.reduce(-delta);
      }
      this.capacity = capacity;
    }
  }

  int capacity() {
    return capacity;
  }

  void maxQueue(int maxQueue) {
    this.maxQueue = maxQueue;
  }

  int running() {
    return running.get();
  }

  int waiting() {
    return waiting.get();
  }

  int kvCacheTokens() {
    return kvCacheTokens;
  }

  /** The simulated KV-cache use between 0 and 1. */
  double kvCacheUsage() {
    return kvCacheTokens == 0 ? 0 : Math.min(1.0, kvTokensInUse.get() / (double) kvCacheTokens);
  }

  /** The adapters with a running job, sorted and comma-separated, as vLLM reports them. */
  String runningAdapters() {
    return names(runningAdapters);
  }

  /** The adapters with a waiting job, sorted and comma-separated. */
  String waitingAdapters() {
    return names(waitingAdapters);
  }

  private static String names(Map<String, AtomicInteger> counts) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, AtomicInteger> e : new TreeMap<>(counts).entrySet()) {
      if (e.getValue().get() > 0) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(e.getKey());
      }
    }
    return sb.toString();
  }

  private static void count(Map<String, AtomicInteger> counts, @Nullable String adapter, int delta) {
    if (adapter != null) {
      counts.computeIfAbsent(adapter, a -> new AtomicInteger()).addAndGet(delta);
    }
  }
}
