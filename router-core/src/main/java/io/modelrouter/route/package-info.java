/**
 * Model routes: choosing the model as well as the instance. A {@link
 * io.modelrouter.registry.RouteSpec} names candidate models; the {@link io.modelrouter.Router}
 * decides per request which targets are eligible (tenant, operation, capabilities, context window,
 * input schema, a routable endpoint, the latency budget) and lets the route's {@link ModelSelector}
 * choose among them from their best endpoints' predicted latency, cost and quality ({@link
 * ModelSelectors} holds the built-in policies). {@link RouteExplanation} says what happened to
 * each target.
 */
@NullMarked
package io.modelrouter.route;

import org.jspecify.annotations.NullMarked;
