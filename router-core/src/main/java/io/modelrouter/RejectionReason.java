package io.modelrouter;

import java.util.Locale;

/**
 * Why a request was not routed. Each reason carries the HTTP status a gateway answers with and a
 * stable machine-readable {@linkplain #code() code}; none is ever a 500, since every one is either
 * the client's mistake (4xx) or a temporary lack of capacity (429/503).
 */
public enum RejectionReason {
  /** Missing or bad credentials. */
  UNAUTHORIZED(401),
  /** No such model, or one the caller's tenant may not use (the two look the same on purpose). */
  UNKNOWN_MODEL(404),
  /** The model exists but no version matches the requested version or tag. */
  NO_MATCHING_VERSION(404),
  /** The model does not serve this operation (for example chat on an embedding model). */
  UNSUPPORTED_OPERATION(400),
  /** The model lacks a capability the request needs (such as {@code vision} or {@code tools}). */
  MISSING_CAPABILITY(400),
  /**
   * No target of a model route can serve the request for a reason the client must change (its
   * size, its input, the capabilities or quality it needs); the message says why each was out.
   */
  NO_ELIGIBLE_MODEL(400),
  /** The payload is malformed or does not match the model's input schema. */
  INVALID_INPUT(400),
  /** The body is larger than the configured limit. */
  PAYLOAD_TOO_LARGE(413),
  /** The body is not JSON (wrong or missing content type). */
  UNSUPPORTED_MEDIA_TYPE(415),
  /** The caller's tenant or the endpoints' request quota is used up; retry after the hint. */
  QUOTA_EXCEEDED(429),
  /** Every endpoint that could serve the request is at its concurrency limit; retry after the hint. */
  OVER_CAPACITY(503),
  /** The pool is saturated and the request's priority is shed; retry after the hint. */
  OVERLOADED(503),
  /** No endpoint serving the model is healthy. */
  NO_HEALTHY_ENDPOINT(503),
  /** No endpoint is predicted to answer within the request's latency budget. */
  DEADLINE_UNMEETABLE(504);

  private final int httpStatus;

  RejectionReason(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status code a gateway answers with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** A stable snake_case code for error bodies, such as {@code unknown_model}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether trying again later may succeed (capacity, quota and health problems). */
  public boolean retryable() {
    return httpStatus == 429 || httpStatus == 503 || httpStatus == 504;
  }
}
