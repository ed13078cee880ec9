package io.modelrouter.benchmarks.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A general model server: {@code slots} requests processed at once (0 means no limit, a pure
 * delay as in the Linkerd experiment), a FIFO queue in front of them bounded by
 * {@code queueLimit} (0 means unbounded; when full the server answers 503 at once), and a
 * log-normal service time with the given median and shape.
 */
final class QueueingServer extends VirtualServer {

  private final long medianNanos;
  private final double sigma;
  private final int slots;
  private final int queueLimit;
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final LinkedHashSet<Job> inService = new LinkedHashSet<>();

  QueueingServer(String id, Simulation sim, long medianNanos, double sigma, int slots, int queueLimit) {
    super(id, sim);
    if (medianNanos <= 0) {
      throw new IllegalArgumentException("medianNanos: " + medianNanos + " (expected: > 0)");
    }
    if (slots < 0 || queueLimit < 0) {
      throw new IllegalArgumentException("slots: " + slots + ", queueLimit: " + queueLimit + " (expected: >= 0)");
    }
    this.medianNanos = medianNanos;
    this.sigma = sigma;
    this.slots = slots;
    this.queueLimit = queueLimit;
  }

  /** This request's service time here if it started now. */
  long serviceNanos(SimRequest r) {
    return Math.max(1, Math.round(medianNanos * Math.exp(sigma * r.z()) * slowdown()));
  }

  @Override
  void accept(Job job) {
    if (slots == 0 || inService.size() < slots) {
      start(job);
    } else if (queueLimit > 0 && queue.size() >= queueLimit) {
      sim.after(CONNECT_FAILURE_NANOS, () -> job.finish(503, sim.now()));
    } else {
      queue.add(job);
    }
  }

  private void start(Job job) {
    long service = serviceNanos(job.request);
    job.finishAtNanos = sim.now() + service;
    inService.add(job);
    sim.at(job.finishAtNanos, () -> complete(job));
  }

  private void complete(Job job) {
    if (!inService.remove(job)) {
      return; // failed when the server died
    }
    job.finish(200, sim.now());
    if (!queue.isEmpty() && (slots == 0 || inService.size() < slots)) {
      start(queue.poll());
    }
  }

  @Override
  void killAll() {
    List<Job> dead = new ArrayList<>(inService);
    dead.addAll(queue);
    inService.clear();
    queue.clear();
    for (Job j : dead) {
      j.finish(Job.NO_ANSWER, sim.now());
    }
  }

  @Override
  int waiting() {
    return queue.size();
  }

  @Override
  int running() {
    return inService.size();
  }

  @Override
  double kvUsage() {
    return Double.NaN;
  }

  @Override
  boolean exposesMetrics() {
    return true;
  }

  /** The mean service time here for a request starting now, whose own draw is unknown. */
  long meanServiceNanos() {
    return Math.max(1, Math.round(medianNanos * Math.exp(sigma * sigma / 2) * slowdown()));
  }

  @Override
  long predictedFinishNanos(SimRequest request) {
    return finishNanos(request, serviceNanos(request));
  }

  /** The request's own service time is unknown: its mean here, the rest of the work exactly. */
  @Override
  long expectedFinishNanos(SimRequest request) {
    return finishNanos(request, meanServiceNanos());
  }

  private long finishNanos(SimRequest request, long ownServiceNanos) {
    if (wouldFail(request)) {
      return Long.MAX_VALUE;
    }
    long now = sim.now();
    if (slots == 0) {
      return now + ownServiceNanos;
    }
    if (queueLimit > 0 && queue.size() >= queueLimit && inService.size() >= slots) {
      return Long.MAX_VALUE;
    }
    // Replays the FIFO over the slots: when each slot frees up, then who takes it.
    long[] free = new long[slots];
    int k = 0;
    for (Job j : inService) {
      free[k++] = j.finishAtNanos;
    }
    for (; k < slots; k++) {
      free[k] = now;
    }
    for (Job j : queue) {
      int s = earliest(free);
      free[s] = Math.max(free[s], now) + serviceNanos(j.request);
    }
    return free[earliest(free)] + ownServiceNanos;
  }

  private static int earliest(long[] free) {
    int best = 0;
    for (int i = 1; i < free.length; i++) {
      if (free[i] < free[best]) {
        best = i;
      }
    }
    return best;
  }
}
