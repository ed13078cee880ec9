/**
 * The routing-quality simulator: a deterministic discrete-event model of a fleet of model
 * servers driven through the real {@link io.modelrouter.Router} and strategies of
 * {@code router-core}, with the published experiments it replays ({@link
 * io.modelrouter.benchmarks.sim.RoutingQuality} runs them all and writes the report).
 *
 * <p>Everything here is a test bench, not library API: apart from the entry point, the types are
 * package-private and may change at any time.
 */
@NullMarked
package io.modelrouter.benchmarks.sim;

import org.jspecify.annotations.NullMarked;
