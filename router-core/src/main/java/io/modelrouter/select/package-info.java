/**
 * The selection SPI: {@link io.modelrouter.select.EndpointFilter}s narrow the endpoints serving a
 * model version to the {@link io.modelrouter.select.Candidates}, and a
 * {@link io.modelrouter.select.SelectionStrategy} picks one. Built-in strategies come from
 * {@link io.modelrouter.select.Strategies}; custom ones compose from filters, weighted
 * {@link io.modelrouter.select.EndpointScorer}s and a {@link io.modelrouter.select.Picker} in a
 * {@link io.modelrouter.select.CompositeStrategy}. {@link io.modelrouter.select.LatencyModel}
 * predicts latency and cost for budgets and cost-aware selection. Everything here runs on the selection path: it reads
 * arrays and atomics, allocates nothing and takes no lock.
 */
@NullMarked
package io.modelrouter.select;

import org.jspecify.annotations.NullMarked;
