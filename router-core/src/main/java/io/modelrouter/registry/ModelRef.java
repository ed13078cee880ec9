package io.modelrouter.registry;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A reference from an endpoint to what it serves: one version of a model, or every version of it
 * when {@link #version()} is null. Written {@code name:version} or {@code name} in registry files.
 */
public record ModelRef(String model, @Nullable String version) {

  public ModelRef {
    Objects.requireNonNull(model, "model");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model: '' (expected: a non-blank model name)");
    }
    if (version != null && version.isBlank()) {
      throw new IllegalArgumentException(
          "version of " + model + ": '' (expected: a non-blank version, or none for every version)");
    }
  }

  /** Parses {@code name:version}, or {@code name} for every version of the model. */
  public static ModelRef parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      return new ModelRef(text.trim(), null);
    }
    return new ModelRef(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
  }

  /** Whether this reference covers the given model version. */
  public boolean matches(String modelName, String modelVersion) {
    return model.equals(modelName) && (version == null || version.equals(modelVersion));
  }

  @Override
  public String toString() {
    return version == null ? model : model + ':' + version;
  }
}
