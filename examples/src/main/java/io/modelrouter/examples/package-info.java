/** Runnable programs: the embedding quickstart, the gateway, the simulated fleet and the demo. */
@NullMarked
package io.modelrouter.examples;

import org.jspecify.annotations.NullMarked;
