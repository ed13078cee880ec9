/**
 * Active health checks of model servers, per protocol: {@code /health} for OpenAI-compatible
 * servers, {@code /v2/health/ready} and {@code /v2/models/{name}/ready} for the Open Inference
 * Protocol.
 */
@NullMarked
package io.modelrouter.http.health;

import org.jspecify.annotations.NullMarked;
