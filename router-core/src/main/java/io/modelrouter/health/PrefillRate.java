package io.modelrouter.health;

/**
 * Learns how long an endpoint takes per prompt token before its first output token (its prefill
 * rate) from the answers it gives: the slope of a least-squares line through (prompt tokens, time
 * to first token) samples, each weighted by the same time decay as the latency EWMAs, so that an
 * endpoint's rate follows its hardware and load within a few time constants.
 *
 * <p>The slope is kept between 0 and {@code mean TTFT / mean prompt tokens}: a prefill does not
 * get faster with more tokens, and the line's intercept (queueing and the fixed step time) is not
 * negative. Within those bounds a pool whose prompts all have about the same length, which says
 * little about the slope, can only shift a prediction for a prompt of another length by what its
 * mean TTFT allows. Before two samples of different lengths the rate is 0: unknown.
 *
 * <p>Written under a lock on the feedback path; its results are read with single volatile loads.
 */
final class PrefillRate {

  /** Time-decayed means of the samples: prompt tokens, TTFT, tokens squared, tokens times TTFT. */
  private double tokens;
  private double ttft;
  private double tokensSquared;
  private double tokensTimesTtft;
  private long stampNanos;
  private boolean sampled;

  private volatile double nanosPerToken;
  private volatile double meanTokens;

  /** The prefill time per prompt token in nanoseconds; 0 while unknown. */
  double nanosPerToken() {
    return nanosPerToken;
  }

  /** The time-decayed mean prompt length of the samples; 0 before any. */
  double meanTokens() {
    return meanTokens;
  }

  /** Adds one answer's prompt length and time to first token. */
  synchronized void record(int promptTokens, long ttftNanos, long nowNanos, long tauNanos) {
    double x = promptTokens;
    double y = ttftNanos;
    if (!sampled) {
      tokens = x;
      ttft = y;
      tokensSquared = x * x;
      tokensTimesTtft = x * y;
      sampled = true;
    } else {
      double w = Math.exp(-(double) Math.max(nowNanos - stampNanos, 0) / tauNanos);
      tokens = tokens * w + x * (1 - w);
      ttft = ttft * w + y * (1 - w);
      tokensSquared = tokensSquared * w + x * x * (1 - w);
      tokensTimesTtft = tokensTimesTtft * w + x * y * (1 - w);
    }
    stampNanos = nowNanos;
    double variance = tokensSquared - tokens * tokens;
    if (variance > 0 && tokens > 0) {
      double slope = (tokensTimesTtft - tokens * ttft) / variance;
      nanosPerToken = Math.max(0, Math.min(slope, ttft / tokens));
    }
    meanTokens = tokens;
  }
}
