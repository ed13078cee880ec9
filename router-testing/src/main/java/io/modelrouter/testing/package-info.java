/**
 * The testing kit: {@link io.modelrouter.testing.SimFleet}, a simulated model-server fleet on
 * loopback with the registry that describes it; {@link io.modelrouter.testing.SimFleetExtension},
 * which starts and stops one around each test (or each class); and {@link
 * io.modelrouter.testing.Await}, the deadline-bounded waits a routing test needs.
 */
@NullMarked
package io.modelrouter.testing;

import org.jspecify.annotations.NullMarked;
