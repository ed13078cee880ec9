package io.modelrouter.http.gateway;

import org.jspecify.annotations.Nullable;

/**
 * What one gateway request came to, told to every {@link RequestListener} once its answer was
 * sent (or failed to be): the access log's line, the gateway's own metrics. It holds no API key
 * and no body. Value-based.
 *
 * @param requestId the {@code x-request-id}: the client's when sane, else generated; sent back
 * @param tenant the authenticated tenant's name, null before authentication
 * @param model the model (or route) the client asked for, null when the request named none;
 *     client input, so never a metric label
 * @param route the registry route the request went through, null when it named a model
 * @param servedModel the registry model that answered, null when none did
 * @param endpoint the registry id of the endpoint that answered, null when none did
 * @param status the HTTP status sent to the client; 499 when the client went away before its answer ended
 * @param reason the rejection reason code of an error the gateway or the router gave, null otherwise
 * @param routed whether the request reached the routing client (its refusals and failures are
 *     then the client's to count)
 * @param latencyNanos from the request's arrival to the end of its answer
 * @param ttfbNanos from the request's arrival to the endpoint's first byte, -1 when none
 * @param inputTokens the usage the endpoint reported, -1 when unknown
 * @param outputTokens likewise, -1 when unknown
 * @param attempts the attempts made (retries and a hedge included), 0 when none
 */
public record CompletedRequest(String requestId, @Nullable String tenant, String method, String path,
    @Nullable String model, @Nullable String route, @Nullable String servedModel, @Nullable String endpoint, int status,
    @Nullable String reason, boolean routed, long latencyNanos, long ttfbNanos, int inputTokens,
    int outputTokens, int attempts) {}
