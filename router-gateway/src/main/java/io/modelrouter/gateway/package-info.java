/**
 * The standalone gateway: its command line ({@code modelrouter.jar}), configuration mapping,
 * the simulated demo fleet and the demo report.
 */
@NullMarked
package io.modelrouter.gateway;

import org.jspecify.annotations.NullMarked;
