/**
 * The routing API: describe a request ({@link io.modelrouter.RouteRequest}), ask a
 * {@link io.modelrouter.Router} for a {@link io.modelrouter.RouteResult}, and complete the
 * {@link io.modelrouter.Lease} of a {@link io.modelrouter.Decision} with an {@link io.modelrouter.Outcome}.
 */
@NullMarked
package io.modelrouter;

import org.jspecify.annotations.NullMarked;
