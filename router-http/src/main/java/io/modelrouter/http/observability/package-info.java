/**
 * Metrics, traces and logs in the ecosystem's conventions: {@link RouterMetrics} records into a
 * Micrometer {@code MeterRegistry}, {@link RouterTracing} makes OpenTelemetry spans, both under
 * the OpenTelemetry GenAI semantic conventions where they name a thing and under {@code
 * modelrouter.*} where they do not. Micrometer and the OpenTelemetry API are optional
 * dependencies of {@code router-http}: only these two classes need them, so without them nothing
 * is recorded and nothing fails.
 *
 * <p>Label values come only from the registry and the configuration (models, endpoints, tenants,
 * reason codes): a model name a client made up never becomes one.
 */
@NullMarked
package io.modelrouter.http.observability;

import org.jspecify.annotations.NullMarked;
