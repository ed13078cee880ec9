/**
 * Model-server metrics: a parser for the Prometheus text exposition format, the signals of vLLM,
 * SGLang, TGI and Triton/TensorRT-LLM under their real metric names, and a scraper that writes
 * them into each endpoint's {@link io.modelrouter.health.EndpointState}.
 */
@NullMarked
package io.modelrouter.http.metrics;

import org.jspecify.annotations.NullMarked;
