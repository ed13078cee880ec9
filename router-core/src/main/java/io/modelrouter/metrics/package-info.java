/**
 * Micrometer metrics for an embedder who uses {@link io.modelrouter.Router} alone: {@link
 * RouterMeterBinder} counts its decisions, rejections and lease outcomes. Micrometer is an
 * optional dependency of {@code router-core}: only this package needs it, so without it the
 * router runs and records nothing. {@code router-http}'s {@code RouterMetrics} records the
 * forwarding side (GenAI durations, tokens, retries, hedges, endpoint gauges).
 */
@NullMarked
package io.modelrouter.metrics;

import org.jspecify.annotations.NullMarked;
