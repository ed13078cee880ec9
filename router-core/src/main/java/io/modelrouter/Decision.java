package io.modelrouter;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.route.RouteExplanation;
import org.jspecify.annotations.Nullable;

/**
 * The router's choice for one request: the endpoint, the resolved model version, the
 * {@link Lease} that must be completed with the outcome, and on request an {@link Explanation}.
 */
public final class Decision implements RouteResult {

  private final RouteRequest request;
  private final Endpoint endpoint;
  private final ModelSpec model;
  private final Lease lease;
  private final @Nullable Explanation explanation;
  private final @Nullable RouteSpec route;
  private final @Nullable RouteExplanation routeExplanation;

  Decision(RouteRequest request, Endpoint endpoint, ModelSpec model, Lease lease, @Nullable Explanation explanation,
      @Nullable RouteSpec route, @Nullable RouteExplanation routeExplanation) {
    this.request = request;
    this.endpoint = endpoint;
    this.model = model;
    this.lease = lease;
    this.explanation = explanation;
    this.route = route;
    this.routeExplanation = routeExplanation;
  }

  /** The request this decision answers. */
  public RouteRequest request() {
    return request;
  }

  /** The chosen endpoint. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The model version the request resolved to. */
  public ModelSpec model() {
    return model;
  }

  /** The lease on the endpoint; complete it with the outcome or close it. */
  public Lease lease() {
    return lease;
  }

  /** Why this endpoint won, when the request asked ({@link RouteRequest#explain()}); null otherwise. */
  public @Nullable Explanation explanation() {
    return explanation;
  }

  /** The model route the request named, whose target {@link #model()} is; null when it named a model. */
  public @Nullable RouteSpec route() {
    return route;
  }

  /** What became of each of the route's targets, when the request asked and named a route; null otherwise. */
  public @Nullable RouteExplanation routeExplanation() {
    return routeExplanation;
  }

  @Override
  public boolean isDecision() {
    return true;
  }

  @Override
  public Decision decisionOrThrow() {
    return this;
  }

  @Override
  public String toString() {
    return "Decision{" + (route == null ? "" : route.name() + " = ") + model.key() + " -> " + endpoint.id() + " "
        + endpoint.baseUrl() + '}';
  }
}
