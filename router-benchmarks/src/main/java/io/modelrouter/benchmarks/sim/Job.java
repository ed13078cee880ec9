package io.modelrouter.benchmarks.sim;

import java.util.function.Consumer;

/**
 * One attempt of a {@link SimRequest} on one simulated server: what the server reports back
 * (status, first-token time, prefix-cache hit) and the callback that completes its lease.
 * Finishes once; a server that dies fails its jobs, and their late completion events are ignored.
 */
final class Job {

  /** HTTP status for a connection refused or reset: no answer at all. */
  static final int NO_ANSWER = 0;

  final SimRequest request;
  final String endpointId;
  final long sentNanos;
  private final Consumer<Job> onDone;

  long firstTokenNanos = -1;
  long finishAtNanos = -1;
  int tokensDone;
  boolean prefixHit;
  /** Prompt tokens the server found in its prefix cache. */
  int cachedTokens;
  /**
   * Whether the server took the attempt (its process was alive): a {@link #NO_ANSWER} after that
   * is a connection lost with the request on the server, before it, a connection refused.
   */
  boolean received;
  private int status = -1;
  private long doneNanos = -1;

  Job(SimRequest request, String endpointId, long sentNanos, Consumer<Job> onDone) {
    this.request = request;
    this.endpointId = endpointId;
    this.sentNanos = sentNanos;
    this.onDone = onDone;
  }

  boolean isDone() {
    return status >= 0;
  }

  int status() {
    return status;
  }

  long doneNanos() {
    return doneNanos;
  }

  /** Ends the attempt with an HTTP status ({@link #NO_ANSWER} when the connection failed). */
  void finish(int httpStatus, long nowNanos) {
    if (isDone()) {
      return;
    }
    status = httpStatus;
    doneNanos = nowNanos;
    onDone.accept(this);
  }
}
