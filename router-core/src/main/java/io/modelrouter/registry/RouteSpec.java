package io.modelrouter.registry;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A model route as registered: the name clients put where a model name goes (the OpenAI body's
 * {@code model}, the Open Inference Protocol path), its candidate {@linkplain RouteTarget targets}
 * in order, the policy that chooses among the eligible ones ({@code ordered}, {@code weighted},
 * {@code fastest}, {@code cheapest}, or the name of a custom {@link io.modelrouter.route.ModelSelector}),
 * and whether a failed target falls back to the next eligible one.
 *
 * <pre>{@code
 * routes:
 *   - name: chat
 *     targets:
 *       - {model: llama-8b}
 *       - {model: llama-70b, version: "tag:stable"}
 *     policy: cheapest
 *     fallback: true
 * }</pre>
 *
 * <p>Value-based and immutable. A route may not share its name with a model.
 */
public final class RouteSpec {

  /** The policy of a route that names none: {@value}, the first eligible target. */
  public static final String DEFAULT_POLICY = "ordered";

  private final String name;
  private final List<RouteTarget> targets;
  private final String policy;
  private final boolean fallback;

  private RouteSpec(Builder b) {
    this.name = b.name;
    this.targets = List.copyOf(b.targets);
    this.policy = b.policy;
    this.fallback = b.fallback;
  }

  /** Starts a route with a name. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** The candidate targets, in the order the route lists them (the {@code ordered} policy's order). */
  public List<RouteTarget> targets() {
    return targets;
  }

  /** The selection policy's name. */
  public String policy() {
    return policy;
  }

  /**
   * Whether a request whose chosen target cannot answer (connection refused, 429, 503) may go to
   * another eligible target, within the deadline and the retry budget; true by default.
   */
  public boolean fallback() {
    return fallback;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RouteSpec r
        && r.name.equals(name)
        && r.targets.equals(targets)
        && r.policy.equals(policy)
        && r.fallback == fallback;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, targets, policy, fallback);
  }

  @Override
  public String toString() {
    return "RouteSpec{" + name + " -> " + targets + ", policy=" + policy + (fallback ? "" : ", no fallback") + '}';
  }

  /** Builds a {@link RouteSpec}; every setter checks its argument. */
  public static final class Builder {
    private final String name;
    private List<RouteTarget> targets = List.of();
    private String policy = DEFAULT_POLICY;
    private boolean fallback = true;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank() || !name.equals(name.strip()) || name.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "name: '" + name + "' (expected: non-blank text without ':' or leading or trailing spaces)");
      }
      this.name = name;
    }

    /** The candidate targets, at least one, each model and version once. */
    public Builder targets(List<RouteTarget> targets) {
      Objects.requireNonNull(targets, "targets");
      Set<String> seen = new HashSet<>();
      for (RouteTarget t : targets) {
        Objects.requireNonNull(t, "target");
        if (!seen.add(t.toString())) {
          throw new IllegalArgumentException(
              "targets of route " + name + ": " + t + " is listed twice (expected: each target once)");
        }
      }
      this.targets = List.copyOf(targets);
      return this;
    }

    /** The policy: ordered, weighted, fastest, cheapest, or a custom selector's name. */
    public Builder policy(String policy) {
      Objects.requireNonNull(policy, "policy");
      if (policy.isBlank()) {
        throw new IllegalArgumentException("policy: '' (expected: ordered, weighted, fastest, cheapest or a selector's name)");
      }
      this.policy = policy.strip();
      return this;
    }

    public Builder fallback(boolean fallback) {
      this.fallback = fallback;
      return this;
    }

    public RouteSpec build() {
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("targets of route " + name + " are missing (expected: at least one model)");
      }
      return new RouteSpec(this);
    }
  }
}
