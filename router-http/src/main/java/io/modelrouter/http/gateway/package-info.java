/**
 * The gateway surface: a framework-neutral {@link io.modelrouter.http.gateway.GatewayHandler}
 * (request in, streaming response out) that authenticates callers, applies tenant quotas and
 * overload shedding, parses and routes inference requests, forwards them, and serves
 * {@code /v1/models}, {@code /v2/models/{name}}, {@code /healthz}, {@code /readyz} and
 * {@code /metrics}. Any Java HTTP server can call it through {@link
 * io.modelrouter.http.gateway.GatewayRequest} and {@link io.modelrouter.http.gateway.GatewayResponse};
 * the {@code router-server} module binds it to Jetty 12.
 */
@NullMarked
package io.modelrouter.http.gateway;

import org.jspecify.annotations.NullMarked;
