package io.modelrouter.route;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Why a model route chose the target it did: every target the caller may see, what became of it
 * (out, and why; eligible, with its best endpoints' predicted latency and cost; chosen). Targets
 * the caller's tenant may not use are left out. Built only when a request asks for it.
 *
 * @param route the route's name
 * @param policy the selector's name
 * @param targets each visible target, in the route's order
 */
public record RouteExplanation(String route, String policy, List<Target> targets) {

  public RouteExplanation {
    targets = List.copyOf(targets);
  }

  /**
   * One target's fate.
   *
   * @param model {@code name:version} it resolved to, or the target as listed when it did not resolve
   * @param outBecause why it was not eligible, or null when it was
   * @param predictedLatencyMillis its fastest endpoint's predicted latency; NaN when out
   * @param predictedTtftMillis its fastest endpoint's predicted time to first token; NaN when out
   * @param cost the request's cost on its cheapest fitting endpoint; NaN when out
   * @param quality its declared quality
   * @param chosen whether it serves the request
   * @param endpointsCompared how many of its endpoints the predictions compared: all its routable
   *     ones, or two drawn at random from a large pool; 0 when out
   * @param endpointsRoutable how many of its endpoints passed every filter; 0 when out
   */
  public record Target(
      String model,
      @Nullable String outBecause,
      double predictedLatencyMillis,
      double predictedTtftMillis,
      double cost,
      double quality,
      boolean chosen,
      int endpointsCompared,
      int endpointsRoutable) {}

  /** The chosen target's {@code name:version}, or null. */
  public @Nullable String chosen() {
    for (Target t : targets) {
      if (t.chosen()) {
        return t.model();
      }
    }
    return null;
  }

  /**
   * A one-line summary for a response header: {@code route=chat; policy=cheapest;
   * small:1=chosen,latency_ms=12.0,cost=0.0010,compared=2/40; large:1=eligible,...; vision:1=out(lacks vision)}.
   */
  public String toHeaderValue() {
    StringBuilder sb = new StringBuilder();
    sb.append("route=").append(route).append("; policy=").append(policy);
    for (Target t : targets) {
      sb.append("; ").append(t.model()).append('=');
      if (t.outBecause() != null) {
        sb.append("out(").append(t.outBecause().replace(';', ',')).append(')');
        continue;
      }
      sb.append(t.chosen() ? "chosen" : "eligible");
      sb.append(String.format(Locale.ROOT, ",latency_ms=%.2f,ttft_ms=%.2f,cost=%.6g",
          t.predictedLatencyMillis(), t.predictedTtftMillis(), t.cost()));
      if (t.quality() > 0) {
        sb.append(String.format(Locale.ROOT, ",quality=%.3g", t.quality()));
      }
      sb.append(",compared=").append(t.endpointsCompared()).append('/').append(t.endpointsRoutable());
    }
    return sb.toString();
  }
}
