package io.modelrouter.registry;

import java.util.List;
import java.util.Objects;

/**
 * One named tensor of an Open Inference Protocol signature: its datatype ({@code FP32},
 * {@code INT64}, {@code BYTES}, ...) and shape, where {@code -1} marks a variable dimension.
 *
 * <p>Value-based and immutable.
 */
public record TensorSpec(String name, String datatype, List<Long> shape) {

  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name: '' (expected: a non-blank tensor name)");
    }
    if (datatype.isBlank()) {
      throw new IllegalArgumentException("datatype: '' (expected: BOOL, INT8..INT64, UINT8..UINT64, FP16, FP32, FP64, BF16, BYTES)");
    }
    shape = List.copyOf(Objects.requireNonNull(shape, "shape"));
    for (Long d : shape) {
      if (d < -1) {
        throw new IllegalArgumentException(
            "shape of " + name + ": " + shape + " (expected: dimensions >= 0, or -1 for variable)");
      }
    }
  }

  /** A tensor spec from a shape given as numbers. */
  public static TensorSpec of(String name, String datatype, long... shape) {
    Long[] boxed = new Long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      boxed[i] = shape[i];
    }
    return new TensorSpec(name, datatype, List.of(boxed));
  }
}
