package io.modelrouter;

import java.time.Duration;
import java.util.Objects;

/**
 * How a routed request ended, fed back through its {@link Lease} into the endpoint's signals:
 * the kind of ending, the HTTP status, the latency (measured by the lease unless given), the
 * time to first token, and the tokens used.
 *
 * <p>Value-based and immutable; the {@code with*} methods return copies.
 */
public final class Outcome {

  /** How a request ended, as far as the endpoint's health is concerned. */
  public enum Kind {
    /** The endpoint answered (2xx). */
    SUCCESS,
    /** The endpoint rejected the request as the client's mistake (4xx other than 429); not its fault. */
    CLIENT_ERROR,
    /** The endpoint said it was overloaded (429, 503). */
    OVERLOADED,
    /** The endpoint failed (5xx, connection refused or reset, malformed answer). */
    FAILURE,
    /** The endpoint did not answer in time. */
    TIMEOUT,
    /** The caller gave up, or the request was never sent; says nothing about the endpoint. */
    CANCELLED
  }

  private static final Outcome SUCCESS = new Outcome(Kind.SUCCESS, 200, -1, -1, 0, 0);
  private static final Outcome CANCELLED = new Outcome(Kind.CANCELLED, 0, -1, -1, 0, 0);
  private static final Outcome TIMEOUT = new Outcome(Kind.TIMEOUT, 0, -1, -1, 0, 0);
  private static final Outcome FAILURE = new Outcome(Kind.FAILURE, 0, -1, -1, 0, 0);

  private final Kind kind;
  private final int httpStatus;
  private final long latencyNanos;
  private final long ttftNanos;
  private final int promptTokens;
  private final int completionTokens;

  private Outcome(Kind kind, int httpStatus, long latencyNanos, long ttftNanos, int promptTokens, int completionTokens) {
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.latencyNanos = latencyNanos;
    this.ttftNanos = ttftNanos;
    this.promptTokens = promptTokens;
    this.completionTokens = completionTokens;
  }

  /** A 200 answer. */
  public static Outcome success() {
    return SUCCESS;
  }

  /** The caller gave up or never sent the request. */
  public static Outcome cancelled() {
    return CANCELLED;
  }

  /** No answer in time. */
  public static Outcome timeout() {
    return TIMEOUT;
  }

  /** A connection-level failure (refused, reset, malformed answer). */
  public static Outcome failure() {
    return FAILURE;
  }

  /** The outcome for an HTTP status the endpoint answered with. */
  public static Outcome ofStatus(int httpStatus) {
    if (httpStatus < 100 || httpStatus > 599) {
      throw new IllegalArgumentException("httpStatus: " + httpStatus + " (expected: 100..599)");
    }
    Kind kind;
    if (httpStatus < 400) {
      kind = Kind.SUCCESS;
    } else if (httpStatus == 429 || httpStatus == 503) {
      kind = Kind.OVERLOADED;
    } else if (httpStatus == 408 || httpStatus == 504) {
      kind = Kind.TIMEOUT;
    } else if (httpStatus < 500) {
      kind = Kind.CLIENT_ERROR;
    } else {
      kind = Kind.FAILURE;
    }
    return new Outcome(kind, httpStatus, -1, -1, 0, 0);
  }

  /** A copy with the latency measured by the caller rather than by the lease. */
  public Outcome withLatency(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    return withLatencyNanos(latency.toNanos());
  }

  /** A copy with the latency, in nanoseconds, measured by the caller. */
  public Outcome withLatencyNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("latency: " + nanos + "ns (expected: >= 0)");
    }
    return new Outcome(kind, httpStatus, nanos, ttftNanos, promptTokens, completionTokens);
  }

  /** A copy with the time to first byte or token, in nanoseconds. */
  public Outcome withTtftNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("ttft: " + nanos + "ns (expected: >= 0)");
    }
    return new Outcome(kind, httpStatus, latencyNanos, nanos, promptTokens, completionTokens);
  }

  /** A copy with the tokens used, from the response's usage object or final stream chunk. */
  public Outcome withTokens(int prompt, int completion) {
    if (prompt < 0 || completion < 0) {
      throw new IllegalArgumentException(
          "tokens: prompt " + prompt + ", completion " + completion + " (expected: >= 0)");
    }
    return new Outcome(kind, httpStatus, latencyNanos, ttftNanos, prompt, completion);
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status the endpoint answered with; 0 when there was no answer. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The latency given by the caller, or -1 to let the lease measure it. */
  public long latencyNanos() {
    return latencyNanos;
  }

  /** The time to first byte or token, or -1 when unknown. */
  public long ttftNanos() {
    return ttftNanos;
  }

  public int promptTokens() {
    return promptTokens;
  }

  public int completionTokens() {
    return completionTokens;
  }

  /** Whether this ending counts against the endpoint's health (failures and timeouts). */
  public boolean isFailure() {
    return kind == Kind.FAILURE || kind == Kind.TIMEOUT;
  }

  @Override
  public String toString() {
    return "Outcome{" + kind + (httpStatus == 0 ? "" : ", " + httpStatus)
        + (latencyNanos < 0 ? "" : ", latencyMs=" + latencyNanos / 1e6)
        + (promptTokens + completionTokens == 0 ? "" : ", tokens=" + promptTokens + "+" + completionTokens) + '}';
  }
}
