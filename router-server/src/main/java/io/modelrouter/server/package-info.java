/**
 * The standalone gateway's server: the framework-neutral {@link
 * io.modelrouter.http.gateway.GatewayHandler} on an embedded Jetty 12 server with header and body
 * size limits, idle and minimum-data-rate timeouts against slow clients, a connection cap and a
 * graceful drain on shutdown. A separate module so that {@code router-http} pulls in no server.
 */
@NullMarked
package io.modelrouter.server;

import org.jspecify.annotations.NullMarked;
