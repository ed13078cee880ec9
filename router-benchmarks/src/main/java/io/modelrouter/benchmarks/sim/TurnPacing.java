package io.modelrouter.benchmarks.sim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * When each request of one run is sent. A request outside a conversation, and a conversation's
 * first turn, are sent at their {@link SimRequest#arrivalNanos()}. A later turn repeats the earlier
 * turns' answers, so it cannot be sent before the previous turn is answered: it is sent its think
 * time after that answer, the think time being the gap between the two turns' drawn arrival times
 * (so every policy sees the same draws, and a policy that answers later sees the conversation go
 * on later). A turn that would be sent after the arrival window is not sent, and neither are the
 * turns after a turn that got no answer.
 *
 * <p>Request ids are their index in the workload, as {@link Workloads} numbers them.
 */
final class TurnPacing {

  private static final int NONE = -1;

  private final List<SimRequest> workload;
  private final long endNanos;
  /** By id: when it was sent, or -1 while it has not been. */
  private final long[] sentNanos;
  /** By id: the next turn of its conversation, or -1. */
  private final int[] next;
  /** By id: the next turn's think time after this turn's answer. */
  private final long[] thinkNanos;
  private int sent;

  /**
   * @param workload the run's requests, ids in order
   * @param endNanos the end of the arrival window: no turn is sent after it
   */
  TurnPacing(List<SimRequest> workload, long endNanos) {
    this.workload = workload;
    this.endNanos = endNanos;
    int n = workload.size();
    sentNanos = new long[n];
    Arrays.fill(sentNanos, -1);
    next = new int[n];
    Arrays.fill(next, NONE);
    thinkNanos = new long[n];
    Map<Integer, Integer> lastTurn = new HashMap<>();
    for (int i = 0; i < n; i++) {
      SimRequest r = workload.get(i);
      if (r.id() != i) {
        throw new IllegalArgumentException("request id " + r.id() + " at index " + i + " (expected: ids in workload order)");
      }
      if (r.inSession()) {
        Integer previous = lastTurn.put(r.session(), r.id());
        if (previous != null) {
          next[previous] = r.id();
          thinkNanos[previous] = r.arrivalNanos() - workload.get(previous).arrivalNanos();
        }
      }
    }
  }

  /** Whether the request is sent at its own arrival time (it follows no earlier turn). */
  boolean opens(SimRequest r) {
    return !r.inSession() || r.historyTokens() == 0;
  }

  /** Records that the request is being sent now. */
  void sending(SimRequest r, long nowNanos) {
    if (sentNanos[r.id()] < 0) {
      sentNanos[r.id()] = nowNanos;
      sent++;
    }
  }

  /** When the request was first sent; its latency and time to first token count from there. */
  long sentNanos(SimRequest r) {
    return sentNanos[r.id()];
  }

  /** Whether the request was sent at all. */
  boolean wasSent(SimRequest r) {
    return sentNanos[r.id()] >= 0;
  }

  /** How many requests were sent. */
  int sent() {
    return sent;
  }

  /**
   * The turn that follows an answered request and when to send it, or {@code null} when the
   * conversation ends here (last turn, or the next would come after the arrival window).
   */
  @Nullable FollowUp answered(SimRequest r, long nowNanos) {
    int n = next[r.id()];
    if (n == NONE) {
      return null;
    }
    long at = nowNanos + thinkNanos[r.id()];
    return at < endNanos ? new FollowUp(workload.get(n), at) : null;
  }

  /** A conversation's next turn and when it is sent. */
  record FollowUp(SimRequest turn, long atNanos) {}
}
