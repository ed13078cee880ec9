/**
 * Payload understanding: {@link io.modelrouter.payload.PayloadParser} turns an HTTP request
 * (method, path, headers, body bytes) of the OpenAI-compatible API or the Open Inference Protocol
 * v2 into a {@link io.modelrouter.RouteRequest}, or into a typed {@link io.modelrouter.Rejection}
 * when the request is malformed; {@link io.modelrouter.payload.RoutingHeaders} documents every
 * header it reads; {@link io.modelrouter.payload.ErrorBodies} renders a rejection as the error
 * body each protocol's clients expect.
 */
@NullMarked
package io.modelrouter.payload;

import org.jspecify.annotations.NullMarked;
