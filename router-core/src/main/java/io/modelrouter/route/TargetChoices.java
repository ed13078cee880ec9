package io.modelrouter.route;

import io.modelrouter.RouteRequest;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import java.util.random.RandomGenerator;

/**
 * What a {@link ModelSelector} sees: the request (its features: {@linkplain
 * RouteRequest#promptTokens() tokens}, {@linkplain RouteRequest#capabilities() capabilities},
 * {@linkplain RouteRequest#latencyBudgetNanos() budget}, {@linkplain RouteRequest#priority()
 * priority}, {@linkplain RouteRequest#tenant() tenant}, {@linkplain RouteRequest#prefixHash() prompt
 * prefix hash}) and the eligible targets, positions {@code 0..size()-1} in the route's order, each
 * with the resolved model version and what its endpoints that passed every filter predict.
 *
 * <p>The predictions compare the endpoints a target's endpoint strategy would: all of them when it
 * has at most {@link io.modelrouter.select.Strategies#DEFAULT_FULL_SCAN_LIMIT} routable endpoints,
 * else two drawn at random (power of two choices), so that they cost O(1) however large the pool.
 * The endpoint strategy then picks the chosen target's endpoint among the ones compared, so the
 * (target, endpoint) decision is the one the prediction judged.
 *
 * <p>Reused by the routing thread for its next call: read it during {@link ModelSelector#select}
 * only, never keep it.
 */
public interface TargetChoices {

  /** The request being routed. */
  RouteRequest request();

  /** The route being resolved. */
  RouteSpec route();

  /** How many targets are eligible; at least 1 when a selector is called. */
  int size();

  /** The eligible target at {@code position}. */
  RouteTarget target(int position);

  /** Its position in the route's list of targets (0 for the first listed). */
  int routeIndex(int position);

  /** The model version it resolved to. */
  ModelSpec model(int position);

  /** Its declared quality ({@link ModelSpec#quality()}); 0 when undeclared. */
  double quality(int position);

  /** Its endpoint with the lowest predicted latency, among those compared. */
  Endpoint fastestEndpoint(int position);

  /**
   * The lowest predicted end-to-end latency of this request among its endpoints compared, in
   * nanoseconds: on an endpoint that reports its time to first token and per output token, the
   * predicted TTFT of its prompt (queue included, see {@link #predictedTtftNanos}) plus the
   * request's output tokens at that rate; else the endpoint's whole-request latency stretched by
   * its queue.
   */
  double predictedLatencyNanos(int position);

  /**
   * The lowest predicted time to first token of this request among its endpoints compared, in
   * nanoseconds: the endpoint's TTFT EWMA stretched by its queue, plus its learnt prefill time
   * per prompt token ({@link io.modelrouter.health.EndpointState#prefillNanosPerToken()}) times
   * the request's prompt's difference from the prompts it usually serves.
   */
  double predictedTtftNanos(int position);

  /**
   * What the request costs on its cheapest endpoint compared predicted to meet the request's
   * budgets (its cheapest endpoint compared when none is), from the model's and endpoint's prices.
   */
  double cost(int position);

  /**
   * Whether one of its endpoints compared is predicted to meet the request's latency and TTFT
   * budgets; for a request without a budget, whether one of them is not {@linkplain
   * io.modelrouter.select.LatencyModel#saturated saturated}: one more request would not queue
   * behind others there, so a request with no deadline still does not go where it waits and
   * lengthens the wait of those with one.
   */
  boolean meetsBudget(int position);

  /**
   * Whether one of its endpoints compared has no request of this router in flight: a request sent
   * there holds up no sequence running on it, as its prefill would the ones running on a busy
   * server.
   */
  boolean idle(int position);

  /** The router's random source for this call. */
  RandomGenerator random();
}
