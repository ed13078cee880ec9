package io.modelrouter.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Which failed requests of a model the {@link RoutingClient} sends again, and when it gives up on
 * a silent endpoint. Set one for every model with {@link RoutingClient.Builder#retryPolicy(RetryPolicy)}
 * and per model with {@link RoutingClient.Builder#retryPolicy(String, RetryPolicy)}.
 *
 * <p><b>Never received, sent again freely.</b> A request the endpoint provably did not receive (no
 * connection could be opened; a stale pooled connection dropped it while it was being written; a
 * 429 or 503 answer) goes to another endpoint, within the client's attempts, the retry budget and
 * the deadline, whatever the policy.
 *
 * <p><b>Received, at most once more.</b> Once the request was written whole, the endpoint may have
 * run it, and may have died of it. With {@link Builder#retryAfterReceived(boolean)} on (the
 * default) a connection lost before any answer, or an attempt abandoned at its per-attempt
 * timeout, is tried once more on <em>another</em> endpoint; a second endpoint failing the same way
 * ends the request with its error (502 or 504), so a poison request crashes at most two servers.
 * The default follows the ecosystem: the official OpenAI SDKs retry connection errors and timeouts
 * of every inference call twice, so an inference endpoint is expected to tolerate a repeated call.
 * Turn it off for a model whose calls have effects that must not happen twice.
 *
 * <p><b>Per-attempt timeout.</b> An attempt that has sent nothing to the client yet is abandoned
 * when its endpoint takes {@link #DEFAULT_TIMEOUT_MULTIPLE} times its own
 * {@link #DEFAULT_TIMEOUT_PERCENTILE 99th percentile} time to the answer's headers (never less than
 * {@link #DEFAULT_TIMEOUT_FLOOR}; when that would leave no time before the request's deadline, at
 * half the time left, if that is past the percentile), and the request moves on to another
 * endpoint, provided a retry after receipt is allowed and attempts and budget are left; otherwise
 * the attempt keeps waiting until the deadline. The time to the headers is the whole answer for a model server's
 * non-streamed answer and the time to the first byte for a stream; it is learned per endpoint
 * (after {@value #MIN_SAMPLES} answers; the model's other endpoints stand in until then). A
 * frozen endpoint (a GPU hang, a stuck process) so costs a request one per-attempt timeout instead
 * of its whole deadline. With {@linkplain HedgePolicy hedging} on, the hedge takes this role and no
 * attempt is abandoned.
 *
 * <p>Immutable and value-based.
 */
public final class RetryPolicy {

  /** Multiple of the endpoint's high percentile after which an attempt is abandoned: 3. */
  public static final double DEFAULT_TIMEOUT_MULTIPLE = 3;

  /**
   * The percentile of the endpoint's time to the answer's headers the timeout is a multiple of:
   * 0.99, high enough that a healthy endpoint's slow tail is not cut off.
   */
  public static final double DEFAULT_TIMEOUT_PERCENTILE = 0.99;

  /**
   * The shortest per-attempt timeout: 1 s, so that a fast endpoint's hiccup (a garbage-collection
   * pause, a short queue) is waited for rather than turned into a second attempt.
   */
  public static final Duration DEFAULT_TIMEOUT_FLOOR = Duration.ofSeconds(1);

  /** Answers an endpoint (or the model) must have given before its percentile is trusted: 20. */
  public static final int MIN_SAMPLES = 20;

  private static final RetryPolicy DEFAULTS =
      new RetryPolicy(true, DEFAULT_TIMEOUT_MULTIPLE, DEFAULT_TIMEOUT_PERCENTILE, DEFAULT_TIMEOUT_FLOOR.toNanos());

  private final boolean retryAfterReceived;
  private final double timeoutMultiple;
  private final double timeoutPercentile;
  private final long timeoutFloorNanos;

  private RetryPolicy(boolean retryAfterReceived, double timeoutMultiple, double timeoutPercentile,
      long timeoutFloorNanos) {
    this.retryAfterReceived = retryAfterReceived;
    this.timeoutMultiple = timeoutMultiple;
    this.timeoutPercentile = timeoutPercentile;
    this.timeoutFloorNanos = timeoutFloorNanos;
  }

  /** One more attempt after receipt; per-attempt timeout 3 times the endpoint's p99, at least 1 s. */
  public static RetryPolicy ofDefaults() {
    return DEFAULTS;
  }

  /** Starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether a request an endpoint received and then failed is tried once more on another endpoint. */
  public boolean retryAfterReceived() {
    return retryAfterReceived;
  }

  /** Whether attempts are abandoned at a per-attempt timeout. */
  public boolean attemptTimeoutEnabled() {
    return timeoutMultiple > 0;
  }

  /** The percentile the per-attempt timeout is a multiple of. */
  public double timeoutPercentile() {
    return timeoutPercentile;
  }

  /**
   * The per-attempt timeout for an endpoint whose {@link #timeoutPercentile()} time to the
   * answer's headers is {@code percentileNanos}, with {@code remainingNanos} left before the
   * request's deadline ({@link Long#MAX_VALUE} for none): the multiple of the percentile, at least
   * the floor. Should that leave no time for another endpoint, half the time left, so that the
   * next attempt gets the other half, if the attempt has by then taken longer than the percentile;
   * otherwise -1, no per-attempt timeout: the attempt may still answer in time.
   */
  public long attemptTimeoutNanos(long percentileNanos, long remainingNanos) {
    long timeout = Math.max(timeoutFloorNanos, (long) (percentileNanos * timeoutMultiple));
    if (timeout < remainingNanos) {
      return timeout;
    }
    long half = remainingNanos / 2;
    return half > percentileNanos ? half : -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p && p.retryAfterReceived == retryAfterReceived
        && p.timeoutMultiple == timeoutMultiple && p.timeoutPercentile == timeoutPercentile
        && p.timeoutFloorNanos == timeoutFloorNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(retryAfterReceived, timeoutMultiple, timeoutPercentile, timeoutFloorNanos);
  }

  @Override
  public String toString() {
    return "RetryPolicy{retryAfterReceived=" + retryAfterReceived + ", attemptTimeout="
        + (attemptTimeoutEnabled()
            ? timeoutMultiple + "*p" + Math.round(timeoutPercentile * 1000) / 10.0 + ", floor="
                + Duration.ofNanos(timeoutFloorNanos)
            : "none")
        + '}';
  }

  /** Builds a {@link RetryPolicy}; every setter checks its argument. */
  public static final class Builder {
    private boolean retryAfterReceived = true;
    private double timeoutMultiple = DEFAULT_TIMEOUT_MULTIPLE;
    private double timeoutPercentile = DEFAULT_TIMEOUT_PERCENTILE;
    private long timeoutFloorNanos = DEFAULT_TIMEOUT_FLOOR.toNanos();

    private Builder() {}

    /**
     * Whether a request an endpoint received and then failed (connection lost before any answer,
     * attempt abandoned at its timeout) is tried once more on another endpoint; true by default.
     */
    public Builder retryAfterReceived(boolean retry) {
      this.retryAfterReceived = retry;
      return this;
    }

    /**
     * Abandons an attempt after {@code multiple} times its endpoint's {@code percentile} time to
     * the answer's headers, never sooner than {@code floor}.
     */
    public Builder attemptTimeout(double multiple, double percentile, Duration floor) {
      if (!(multiple >= 1) || Double.isInfinite(multiple)) {
        throw new IllegalArgumentException("multiple: " + multiple + " (expected: a finite number >= 1)");
      }
      if (!(percentile > 0 && percentile < 1)) {
        throw new IllegalArgumentException("percentile: " + percentile + " (expected: > 0 and < 1)");
      }
      Objects.requireNonNull(floor, "floor");
      if (floor.isNegative() || floor.isZero()) {
        throw new IllegalArgumentException("floor: " + floor + " (expected: > 0)");
      }
      this.timeoutMultiple = multiple;
      this.timeoutPercentile = percentile;
      this.timeoutFloorNanos = floor.toNanos();
      return this;
    }

    /** No per-attempt timeout: an attempt waits until the request's deadline or the read timeout. */
    public Builder noAttemptTimeout() {
      this.timeoutMultiple = 0;
      return this;
    }

    public RetryPolicy build() {
      return new RetryPolicy(retryAfterReceived, timeoutMultiple, timeoutPercentile, timeoutFloorNanos);
    }
  }
}
