package io.modelrouter.examples;

import io.modelrouter.Priority;
import io.modelrouter.RouteRequest;
import io.modelrouter.route.ModelSelector;
import io.modelrouter.route.TargetChoices;

/**
 * A learned-router style {@link ModelSelector}, after RouteLLM's strong/weak routers: a small
 * scoring function on the request's features predicts how likely the strong model's answer is to
 * be needed; at or above a threshold the request goes to the strongest eligible target (highest
 * declared quality), below it to the cheapest. The weights stand in for a model trained on
 * preference data; the threshold is the cost/quality knob (RouteLLM calibrates it to send a chosen
 * share of traffic to the strong model).
 *
 * <p>Features: the prompt's size (log tokens), the answer's requested size, whether it uses tools,
 * and whether it is critical. Allocation-free and stateless, as the routing path requires.
 *
 * <pre>{@code
 * Router router = Router.builder(registry).modelSelector(new ThresholdModelSelector(0.5)).build();
 * // routes:
 * //   - {name: assistant, policy: threshold, targets: [{model: llama-8b}, {model: llama-70b}]}
 * }</pre>
 */
public final class ThresholdModelSelector implements ModelSelector {

  /** The policy name routes use: {@value}. */
  public static final String NAME = "threshold";

  private final double threshold;

  /** @param threshold the strong-model probability from which the strong model is used, in [0, 1] */
  public ThresholdModelSelector(double threshold) {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold: " + threshold + " (expected: 0..1)");
    }
    this.threshold = threshold;
  }

  /** The predicted probability that the request needs the strong model. */
  public static double strongProbability(RouteRequest request) {
    double z = -4.0
        + 0.55 * Math.log1p(request.promptTokens())
        + 0.8 * Math.min(request.maxOutputTokens(), 4000) / 1000.0
        + (request.capabilities().contains("tools") ? 1.2 : 0)
        + (request.priority() == Priority.CRITICAL ? 0.8 : 0);
    return 1 / (1 + Math.exp(-z));
  }

  @Override
  public int select(TargetChoices choices) {
    boolean strong = strongProbability(choices.request()) >= threshold;
    int best = 0;
    for (int i = 1; i < choices.size(); i++) {
      boolean better = strong
          ? choices.quality(i) > choices.quality(best)
          : choices.cost(i) < choices.cost(best);
      if (better) {
        best = i;
      }
    }
    return best;
  }

  @Override
  public String name() {
    return NAME;
  }
}
