package io.modelrouter.registry;

import io.modelrouter.VersionSelector;
import java.util.Objects;

/**
 * One candidate model of a {@link RouteSpec}: the model's name, which of its versions (the
 * traffic split or latest when unspecified, or an exact version, or a tag), and its share of the
 * traffic under the {@code weighted} policy.
 *
 * <p>Value-based and immutable.
 *
 * @param model the registered model's name
 * @param version which version of it; {@link VersionSelector#unspecified()} for the usual resolution
 * @param weight its share under the {@code weighted} policy, at least 1
 */
public record RouteTarget(String model, VersionSelector version, int weight) {

  /** The weight of a target that declares none: 1, an even split. */
  public static final int DEFAULT_WEIGHT = 1;

  public RouteTarget {
    Objects.requireNonNull(model, "model");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model: '' (expected: a registered model's name)");
    }
    Objects.requireNonNull(version, "version");
    if (weight < 1) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
    }
  }

  /** A target on a model's usual version, with the default weight. */
  public static RouteTarget of(String model) {
    return new RouteTarget(model, VersionSelector.unspecified(), DEFAULT_WEIGHT);
  }

  /** A target on the version a selector names ({@code "2"}, {@code "tag:stable"}), with the default weight. */
  public static RouteTarget of(String model, String version) {
    return new RouteTarget(model, VersionSelector.parse(version), DEFAULT_WEIGHT);
  }

  @Override
  public String toString() {
    return version.kind() == VersionSelector.Kind.UNSPECIFIED ? model : model + '@' + version;
  }
}
