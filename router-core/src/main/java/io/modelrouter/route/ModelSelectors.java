package io.modelrouter.route;

import org.jspecify.annotations.Nullable;

/**
 * The built-in {@link ModelSelector}s, by the policy names routes use.
 *
 * <ul>
 *   <li>{@code ordered}: the first eligible target in the route's order.
 *   <li>{@code weighted}: split by the targets' weights among the eligible ones, sticky per
 *       {@linkplain io.modelrouter.RouteRequest#affinityKey() affinity key} (random without one).
 *   <li>{@code fastest}: the target whose best endpoint has the lowest predicted latency.
 *   <li>{@code cheapest}: the cheapest target predicted to meet the request's budgets; for a
 *       request without a budget, the cheapest whose servers have a free slot (requests queue on
 *       none of its endpoints compared, see {@link TargetChoices#meetsBudget}); when none is, the
 *       fastest. Ties go to the faster one. A request leaves the targets with capabilities it does
 *       not need (a vision model, for a text request) to the requests that need them, as long as
 *       another target is eligible: the requests that need them have no other target, and its
 *       prefill there holds up every sequence they run (a long prompt, for seconds), so a budget it
 *       might meet there costs theirs. It takes one only to meet its own budget on an endpoint
 *       with nothing in flight ({@link TargetChoices#idle}), where it holds up no one; a request
 *       without a budget never does.
 * </ul>
 *
 * <p>A request's minimum quality ({@link io.modelrouter.RouteRequest#minQuality()}, header {@code
 * x-modelrouter-min-quality}) is an eligibility rule, so it applies under every policy.
 */
public final class ModelSelectors {

  private ModelSelectors() {}

  /** The first eligible target. */
  public static ModelSelector ordered() {
    return Builtin.ORDERED.selector;
  }

  /** By weight among the eligible targets, sticky per affinity key. */
  public static ModelSelector weighted() {
    return Builtin.WEIGHTED.selector;
  }

  /** The lowest predicted latency. */
  public static ModelSelector fastest() {
    return Builtin.FASTEST.selector;
  }

  /** The cheapest predicted to meet the budget. */
  public static ModelSelector cheapest() {
    return Builtin.CHEAPEST.selector;
  }

  /** The built-in selector with this policy name, or null. */
  public static @Nullable ModelSelector builtIn(String policy) {
    switch (policy) {
      case "ordered":
        return Builtin.ORDERED.selector;
      case "weighted":
        return Builtin.WEIGHTED.selector;
      case "fastest":
        return Builtin.FASTEST.selector;
      case "cheapest":
        return Builtin.CHEAPEST.selector;
      default:
        return null;
    }
  }

  /** The built-in policies: an enum for the singletons, its {@link #policy} as the selector's name. */
  private enum Builtin {
    ORDERED("ordered") {
      @Override
      int select(TargetChoices c) {
        return 0;
      }
    },
    WEIGHTED("weighted") {
      @Override
      int select(TargetChoices c) {
        int total = 0;
        for (int i = 0; i < c.size(); i++) {
          total += c.target(i).weight();
        }
        String key = c.request().affinityKey();
        int point = key != null ? Math.floorMod(mix(key.hashCode()), total) : c.random().nextInt(total);
        for (int i = 0; i < c.size(); i++) {
          point -= c.target(i).weight();
          if (point < 0) {
            return i;
          }
        }
        return c.size() - 1;
      }
    },
    FASTEST("fastest") {
      @Override
      int select(TargetChoices c) {
        return fastest(c, false);
      }
    },
    CHEAPEST("cheapest") {
      @Override
      int select(TargetChoices c) {
        boolean yields = hasPlainTarget(c);
        boolean budget = hasBudget(c);
        int best = -1;
        for (int i = 0; i < c.size(); i++) {
          if (c.meetsBudget(i) && !(yields && specialised(c, i) && !(budget && c.idle(i)))
              && (best < 0
                  || c.cost(i) < c.cost(best)
                  || c.cost(i) == c.cost(best) && c.predictedLatencyNanos(i) < c.predictedLatencyNanos(best))) {
            best = i;
          }
        }
        return best >= 0 ? best : fastest(c, yields);
      }
    };

    final String policy;
    final ModelSelector selector;

    Builtin(String policy) {
      this.policy = policy;
      this.selector = new ModelSelector() {
        @Override
        public int select(TargetChoices choices) {
          return Builtin.this.select(choices);
        }

        @Override
        public String name() {
          return Builtin.this.policy;
        }

        @Override
        public String toString() {
          return "ModelSelectors." + Builtin.this.policy + "()";
        }
      };
    }

    abstract int select(TargetChoices c);
  }

  /**
   * The eligible target with the lowest predicted latency; with {@code plainOnly}, among those
   * without capabilities the request does not need ({@link #specialised}).
   */
  private static int fastest(TargetChoices c, boolean plainOnly) {
    int best = -1;
    for (int i = 0; i < c.size(); i++) {
      if (!(plainOnly && specialised(c, i))
          && (best < 0 || c.predictedLatencyNanos(i) < c.predictedLatencyNanos(best))) {
        best = i;
      }
    }
    return best;
  }

  private static boolean hasBudget(TargetChoices c) {
    return c.request().latencyBudgetNanos() > 0 || c.request().ttftBudgetNanos() > 0;
  }

  /**
   * Whether the target has capabilities the request does not need: an eligible target has every
   * capability the request needs, so it has more exactly when it has more capabilities than the
   * request names. Allocation-free.
   */
  private static boolean specialised(TargetChoices c, int position) {
    return c.model(position).capabilities().size() > c.request().capabilities().size();
  }

  /** Whether some eligible target has no capability the request does not need. */
  private static boolean hasPlainTarget(TargetChoices c) {
    for (int i = 0; i < c.size(); i++) {
      if (!specialised(c, i)) {
        return true;
      }
    }
    return false;
  }

  /** Spreads a 32-bit hash (murmur3 finaliser), as the router's traffic split does. */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
