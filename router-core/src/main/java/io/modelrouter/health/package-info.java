/**
 * Live endpoint state: the signals routing reads (in-flight requests, latency EWMA, queue depth,
 * KV-cache use, errors, status), kept in small lock-free objects shared across registry snapshots
 * by endpoint id, and a {@link io.modelrouter.health.HealthSnapshot} to look at them.
 */
@NullMarked
package io.modelrouter.health;

import org.jspecify.annotations.NullMarked;
