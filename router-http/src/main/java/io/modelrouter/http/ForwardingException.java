package io.modelrouter.http;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A request was routed but no endpoint answered it: every attempt failed to connect, timed out or
 * lost its connection, and no retry was allowed. The gateway answers with {@link #httpStatus()}
 * (502 or 504). A routing refusal is a {@link io.modelrouter.RejectedException} instead.
 */
public final class ForwardingException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Why forwarding failed. */
  public enum Kind {
    /** No connection could be made (refused, unreachable). */
    CONNECT_FAILED(502),
    /** The connection broke after the request was sent (reset, closed, malformed answer). */
    CONNECTION_LOST(502),
    /** The request's deadline or the client's timeout passed. */
    TIMEOUT(504),
    /** The caller cancelled the request. */
    CANCELLED(499);

    private final int httpStatus;

    Kind(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The status a gateway answers with. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Kind kind;
  private final @Nullable String endpointId;
  private final int attempts;

  ForwardingException(Kind kind, String message, @Nullable String endpointId, int attempts, @Nullable Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.endpointId = endpointId;
    this.attempts = attempts;
  }

  /** Why forwarding failed. */
  public Kind kind() {
    return kind;
  }

  /** 502 for connection failures, 504 for timeouts, 499 for cancellation. */
  public int httpStatus() {
    return kind.httpStatus();
  }

  /** The endpoint of the last attempt, if one was made. */
  public @Nullable String endpointId() {
    return endpointId;
  }

  /** How many attempts (first try, retries and hedges) were sent. */
  public int attempts() {
    return attempts;
  }
}
