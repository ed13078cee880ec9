package io.modelrouter.simulator;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a simulated server counts about its inference requests, for its metrics and for tests:
 * received, succeeded and failed requests, prompt and generated tokens, and a histogram of the
 * successful ones' latency.
 */
final class ServerStats {

  /** The latency histogram's upper bounds in seconds, as vLLM's. */
  static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong generationTokens = new AtomicLong();
  /** One more than the bounds: the last counts what is past the largest. */
  private final AtomicLong[] latencyBuckets = new AtomicLong[LATENCY_BUCKETS.length + 1];
  private final AtomicLong latencySumMicros = new AtomicLong();

  ServerStats() {
    for (int k = 0; k < latencyBuckets.length; k++) {
      latencyBuckets[k] = new AtomicLong();
    }
  }

  void received() {
    received.incrementAndGet();
  }

  void failed() {
    failed.incrementAndGet();
  }

  /** Counts a success with its tokens and its latency from its arrival. */
  void succeeded(int prompt, int generated, long latencyNanos) {
    succeeded.incrementAndGet();
    promptTokens.addAndGet(prompt);
    generationTokens.addAndGet(generated);
    double seconds = latencyNanos / 1e9;
    int k = 0;
    while (k < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[k]) {
      k++;
    }
    latencyBuckets[k].incrementAndGet();
    latencySumMicros.addAndGet(latencyNanos / 1000);
  }

  long receivedCount() {
    return received.get();
  }

  long successCount() {
    return succeeded.get();
  }

  long failureCount() {
    return failed.get();
  }

  long promptTokens() {
    return promptTokens.get();
  }

  long generationTokens() {
    return generationTokens.get();
  }

  /** Successes in bucket {@code k} alone (not cumulative); {@code k == LATENCY_BUCKETS.length} is past the last bound. */
  long latencyBucket(int k) {
    return latencyBuckets[k].get();
  }

  double latencySumSeconds() {
    return latencySumMicros.get() / 1e6;
  }
}
