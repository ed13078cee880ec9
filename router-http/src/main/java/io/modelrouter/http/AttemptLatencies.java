package io.modelrouter.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What endpoints usually take to send an answer's headers, per endpoint and per model, streams
 * apart from whole answers: the base of {@link RetryPolicy}'s per-attempt timeout. Each key keeps
 * a log-scale histogram of its recent answers (the counts halve every {@value #WINDOW} samples, so
 * the past fades); a percentile is the upper edge of the bucket it falls in, within 19% above the
 * true value. Thread-safe; recording takes no lock.
 */
final class AttemptLatencies {

  /** Buckets per doubling: 4, so a bucket is 19% wide. */
  private static final int PER_DOUBLING = 4;
  /** Buckets from 1 ms to 2^16 ms (65 s); faster answers go to the first, slower to the last. */
  private static final int BUCKETS = 16 * PER_DOUBLING + 1;
  private static final long MILLI = 1_000_000L;
  /** Samples after which a histogram's counts halve. */
  static final int WINDOW = 1024;
  private static final int MAX_KEYS = 4096;

  private final Map<String, Histogram> histograms = new ConcurrentHashMap<>();

  /** Records the time to an answer's headers from an endpoint of a model. */
  void record(String endpointId, String model, boolean stream, long nanos) {
    histogram(key(stream, "e:", endpointId)).record(nanos);
    histogram(key(stream, "m:", model)).record(nanos);
  }

  /**
   * The {@code q} quantile of the endpoint's time to the headers, or of the model's when the
   * endpoint has too few samples; -1 when neither has {@link RetryPolicy#MIN_SAMPLES}.
   */
  long quantileNanos(String endpointId, String model, boolean stream, double q) {
    long v = quantile(histograms.get(key(stream, "e:", endpointId)), q);
    return v >= 0 ? v : quantile(histograms.get(key(stream, "m:", model)), q);
  }

  private static long quantile(Histogram h, double q) {
    return h == null ? -1 : h.quantileNanos(q);
  }

  private static String key(boolean stream, String kind, String id) {
    return (stream ? "s" : "w") + kind + id;
  }

  private Histogram histogram(String key) {
    Histogram h = histograms.get(key);
    if (h == null) {
      if (histograms.size() >= MAX_KEYS) {
        histograms.clear(); // endpoints come and go; a map of every one ever seen would only grow
      }
      h = histograms.computeIfAbsent(key, k -> new Histogram());
    }
    return h;
  }

  /** Counts per bucket, halved now and then; racing updates may lose a count, which a percentile tolerates. */
  static final class Histogram {
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private volatile int sinceHalving;

    void record(long nanos) {
      counts.incrementAndGet(bucket(nanos));
      if (++sinceHalving >= WINDOW) {
        synchronized (this) {
          if (sinceHalving >= WINDOW) {
            sinceHalving = 0;
            for (int i = 0; i < BUCKETS; i++) {
              long c = counts.get(i);
              counts.addAndGet(i, -(c - c / 2));
            }
          }
        }
      }
    }

    long quantileNanos(double q) {
      long n = 0;
      long[] c = new long[BUCKETS];
      for (int i = 0; i < BUCKETS; i++) {
        c[i] = counts.get(i);
        n += c[i];
      }
      if (n < RetryPolicy.MIN_SAMPLES) {
        return -1;
      }
      long rank = (long) Math.ceil(q * n);
      long seen = 0;
      for (int i = 0; i < BUCKETS; i++) {
        seen += c[i];
        if (seen >= rank) {
          return upperEdgeNanos(i);
        }
      }
      return upperEdgeNanos(BUCKETS - 1);
    }

    static int bucket(long nanos) {
      double millis = (double) nanos / MILLI;
      if (millis <= 1) {
        return 0;
      }
      int b = (int) Math.ceil(Math.log(millis) / Math.log(2) * PER_DOUBLING);
      return Math.min(b, BUCKETS - 1);
    }

    static long upperEdgeNanos(int bucket) {
      return (long) (Math.pow(2, (double) bucket / PER_DOUBLING) * MILLI);
    }
  }
}
