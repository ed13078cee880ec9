package io.modelrouter.http.metrics;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One sample of the Prometheus text format: a metric name, its labels and a value (which may be
 * NaN or infinite). Histogram buckets, sums and counts are samples named {@code *_bucket} (with an
 * {@code le} label), {@code *_sum} and {@code *_count}.
 *
 * @param name the metric name, such as {@code vllm:num_requests_waiting}
 * @param labels the labels with escapes resolved
 * @param value the value
 */
public record Sample(String name, Map<String, String> labels, double value) {

  public Sample {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
  }

  /** The value of a label, or null. */
  public @Nullable String label(String labelName) {
    return labels.get(labelName);
  }
}
