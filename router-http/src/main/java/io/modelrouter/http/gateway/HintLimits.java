package io.modelrouter.http.gateway;

import io.modelrouter.Priority;
import io.modelrouter.RouteRequest;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The most a tenant may ask for with its routing hints ({@code x-modelrouter-priority}, the latency
 * and time-to-first-token budgets): a hint above it is clamped, not refused, so that any key cannot
 * mark its traffic critical or hold an endpoint slot for an hour.
 *
 * <p>{@link #standard()} (the default for every tenant) allows {@link Priority#STANDARD} and budgets
 * up to the gateway's request timeout. Value-based and immutable.
 */
public final class HintLimits {

  private static final HintLimits STANDARD = new HintLimits(Priority.STANDARD, null);

  private final Priority highestPriority;
  private final @Nullable Duration longestBudget;

  private HintLimits(Priority highestPriority, @Nullable Duration longestBudget) {
    this.highestPriority = highestPriority;
    this.longestBudget = longestBudget;
  }

  /** At most {@link Priority#STANDARD}, budgets at most the gateway's request timeout: the default. */
  public static HintLimits standard() {
    return STANDARD;
  }

  /**
   * At most {@code highestPriority} and budgets at most {@code longestBudget}.
   *
   * @throws IllegalArgumentException when the budget is not positive
   */
  public static HintLimits of(Priority highestPriority, Duration longestBudget) {
    Objects.requireNonNull(highestPriority, "highestPriority");
    Objects.requireNonNull(longestBudget, "longestBudget");
    if (longestBudget.isNegative() || longestBudget.isZero()) {
      throw new IllegalArgumentException("longestBudget: " + longestBudget + " (expected: > 0)");
    }
    return new HintLimits(highestPriority, longestBudget);
  }

  /** The highest priority the tenant's requests get. */
  public Priority highestPriority() {
    return highestPriority;
  }

  /** The longest budget, or null for the gateway's request timeout. */
  public @Nullable Duration longestBudget() {
    return longestBudget;
  }

  /**
   * The request with its hints clamped, and the gateway's default budget where it has none.
   *
   * @param requestTimeout the gateway's request timeout: the default budget, and the longest one
   *     unless these limits name their own
   */
  RouteRequest clamp(RouteRequest route, Duration requestTimeout) {
    long longest = (longestBudget != null ? longestBudget : requestTimeout).toNanos();
    boolean priorityTooHigh = route.priority().ordinal() < highestPriority.ordinal();
    long budget = route.latencyBudgetNanos();
    long ttft = route.ttftBudgetNanos();
    if (!priorityTooHigh && budget != 0 && budget <= longest && ttft <= longest) {
      return route;
    }
    RouteRequest.Builder b = route.toBuilder();
    if (priorityTooHigh) {
      b.priority(highestPriority);
    }
    if (budget == 0) {
      b.latencyBudget(Duration.ofNanos(Math.min(longest, requestTimeout.toNanos())));
    } else if (budget > longest) {
      b.latencyBudget(Duration.ofNanos(longest));
    }
    if (ttft > longest) {
      b.ttftBudget(Duration.ofNanos(longest));
    }
    return b.build();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HintLimits && ((HintLimits) o).highestPriority == highestPriority
        && Objects.equals(((HintLimits) o).longestBudget, longestBudget);
  }

  @Override
  public int hashCode() {
    return highestPriority.hashCode() * 31 + Objects.hashCode(longestBudget);
  }

  @Override
  public String toString() {
    return "HintLimits{priority<=" + highestPriority.name().toLowerCase(java.util.Locale.ROOT)
        + ", budget<=" + (longestBudget == null ? "requestTimeout" : longestBudget) + '}';
  }
}
