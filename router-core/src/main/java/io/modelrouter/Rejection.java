package io.modelrouter;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A typed refusal to route: the {@linkplain RejectionReason reason}, a message for humans, a
 * retry-after hint for temporary conditions, and for invalid input every {@link Violation}.
 *
 * <p>Value-based and immutable.
 */
public final class Rejection implements RouteResult {

  private final RejectionReason reason;
  private final String message;
  private final @Nullable Duration retryAfter;
  private final List<Violation> violations;

  private Rejection(RejectionReason reason, String message, @Nullable Duration retryAfter, List<Violation> violations) {
    this.reason = Objects.requireNonNull(reason, "reason");
    this.message = Objects.requireNonNull(message, "message");
    this.retryAfter = retryAfter;
    this.violations = List.copyOf(violations);
  }

  /** A rejection with a reason and a message. */
  public static Rejection of(RejectionReason reason, String message) {
    return new Rejection(reason, message, null, List.of());
  }

  /** A rejection that suggests retrying after {@code retryAfter}. */
  public static Rejection retryAfter(RejectionReason reason, String message, Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    return new Rejection(reason, message, retryAfter, List.of());
  }

  /** An {@link RejectionReason#INVALID_INPUT} rejection listing what is wrong. */
  public static Rejection invalidInput(String message, List<Violation> violations) {
    return new Rejection(RejectionReason.INVALID_INPUT, message, null, violations);
  }

  public RejectionReason reason() {
    return reason;
  }

  public String message() {
    return message;
  }

  /** When trying again may succeed; null when retrying will not help. */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /** What is wrong with the input, for {@link RejectionReason#INVALID_INPUT}; empty otherwise. */
  public List<Violation> violations() {
    return violations;
  }

  /** The HTTP status for this rejection, from its reason. */
  public int httpStatus() {
    return reason.httpStatus();
  }

  @Override
  public boolean isDecision() {
    return false;
  }

  @Override
  public Decision decisionOrThrow() {
    throw new RejectedException(this);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Rejection
        && ((Rejection) o).reason == reason
        && ((Rejection) o).message.equals(message)
        && Objects.equals(((Rejection) o).retryAfter, retryAfter)
        && ((Rejection) o).violations.equals(violations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(reason, message, retryAfter, violations);
  }

  @Override
  public String toString() {
    return "Rejection{" + reason.code() + ": " + message
        + (retryAfter == null ? "" : ", retryAfter=" + retryAfter)
        + (violations.isEmpty() ? "" : ", violations=" + violations) + '}';
  }
}
