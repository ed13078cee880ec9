/**
 * Simulated model servers on loopback: a vLLM-like OpenAI-compatible server and a Triton-like Open
 * Inference Protocol server whose latency, capacity and failures are configurable. Used by the
 * router-http tests and by the demo in examples.
 */
@NullMarked
package io.modelrouter.simulator;

import org.jspecify.annotations.NullMarked;
