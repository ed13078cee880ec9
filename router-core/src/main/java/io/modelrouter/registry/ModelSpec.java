package io.modelrouter.registry;

import io.modelrouter.Operation;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One version of a model as registered: its name, version and tags, the operations and
 * capabilities it offers, the input it accepts (a JSON Schema for JSON payloads, a tensor
 * signature for the Open Inference Protocol), and what a call costs.
 *
 * <p>Value-based and immutable. Two specs are equal when every field is equal, which is how a
 * registry update tells what changed.
 */
public final class ModelSpec {

  private final String name;
  private final String version;
  private final Set<String> tags;
  private final @Nullable String family;
  private final Set<Operation> operations;
  private final Set<String> capabilities;
  private final @Nullable String inputSchema;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final double costPerRequest;
  private final double costPer1kTokens;
  private final int trafficWeight;
  private final int contextWindow;
  private final double quality;

  private ModelSpec(Builder b) {
    this.name = b.name;
    this.version = b.version;
    this.tags = Set.copyOf(b.tags);
    this.family = b.family;
    this.operations = b.operations.isEmpty() ? Set.of() : Set.copyOf(b.operations);
    this.capabilities = Set.copyOf(b.capabilities);
    this.inputSchema = b.inputSchema;
    this.inputs = List.copyOf(b.inputs);
    this.outputs = List.copyOf(b.outputs);
    this.costPerRequest = b.costPerRequest;
    this.costPer1kTokens = b.costPer1kTokens;
    this.trafficWeight = b.trafficWeight;
    this.contextWindow = b.contextWindow;
    this.quality = b.quality;
  }

  /** Starts a spec for one version of a model. */
  public static Builder builder(String name, String version) {
    return new Builder(name, version);
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  /** Tags such as {@code stable} or {@code canary}; a tag names one version of a model. */
  public Set<String> tags() {
    return tags;
  }

  public @Nullable String family() {
    return family;
  }

  /** The operations this model serves; empty means any. */
  public Set<Operation> operations() {
    return operations;
  }

  /** Whether the model serves this operation. */
  public boolean supports(Operation operation) {
    return operations.isEmpty() || operations.contains(operation);
  }

  /** Capabilities such as {@code vision}, {@code tools}, {@code lora}. */
  public Set<String> capabilities() {
    return capabilities;
  }

  /** The JSON Schema (Draft 2020-12) the request body must satisfy, as JSON text; null if none. */
  public @Nullable String inputSchema() {
    return inputSchema;
  }

  /** The input tensor signature (Open Inference Protocol); empty if none. */
  public List<TensorSpec> inputs() {
    return inputs;
  }

  /** The output tensor signature (Open Inference Protocol); empty if none. */
  public List<TensorSpec> outputs() {
    return outputs;
  }

  /** The cost of one request, in the operator's unit of money; 0 when free or unknown. */
  public double costPerRequest() {
    return costPerRequest;
  }

  /** The cost of 1,000 tokens (prompt and output); 0 when free or unknown. */
  public double costPer1kTokens() {
    return costPer1kTokens;
  }

  /**
   * This version's share of the traffic that does not pin a version (canary, blue/green);
   * 0 means it takes none. When no version of a model has a weight, such traffic goes to the
   * latest version.
   */
  public int trafficWeight() {
    return trafficWeight;
  }

  /**
   * The most tokens (prompt plus requested output) one request may hold; 0 when unknown, which
   * limits nothing. A route skips a target whose window the request does not fit.
   */
  public int contextWindow() {
    return contextWindow;
  }

  /**
   * The operator's declared quality of this model, a number where higher is better (for example a
   * benchmark score between 0 and 1); 0 when undeclared. Routes can ask for a minimum.
   */
  public double quality() {
    return quality;
  }

  /** {@code name:version}. */
  public String key() {
    return name + ':' + version;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ModelSpec)) {
      return false;
    }
    ModelSpec m = (ModelSpec) o;
    return name.equals(m.name)
        && version.equals(m.version)
        && tags.equals(m.tags)
        && Objects.equals(family, m.family)
        && operations.equals(m.operations)
        && capabilities.equals(m.capabilities)
        && Objects.equals(inputSchema, m.inputSchema)
        && inputs.equals(m.inputs)
        && outputs.equals(m.outputs)
        && Double.compare(costPerRequest, m.costPerRequest) == 0
        && Double.compare(costPer1kTokens, m.costPer1kTokens) == 0
        && trafficWeight == m.trafficWeight
        && contextWindow == m.contextWindow
        && Double.compare(quality, m.quality) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, tags, inputSchema, inputs);
  }

  @Override
  public String toString() {
    return "ModelSpec{" + key() + (tags.isEmpty() ? "" : ", tags=" + tags) + '}';
  }

  /** Builds a {@link ModelSpec}; every setter checks its argument. */
  public static final class Builder {
    private final String name;
    private final String version;
    private Set<String> tags = Set.of();
    private @Nullable String family;
    private Set<Operation> operations = Set.of();
    private Set<String> capabilities = Set.of();
    private @Nullable String inputSchema;
    private List<TensorSpec> inputs = List.of();
    private List<TensorSpec> outputs = List.of();
    private double costPerRequest;
    private double costPer1kTokens;
    private int trafficWeight;
    private int contextWindow;
    private double quality;

    private Builder(String name, String version) {
      this.name = requireText(name, "name", false);
      this.version = requireText(version, "version", true);
    }

    /**
     * Names may hold {@code /} (Hugging Face style {@code org/model}); versions and tags may not.
     * Neither may hold {@code :}, which separates them in {@code name:version}.
     */
    private static String requireText(@Nullable String s, String what, boolean noSlash) {
      Objects.requireNonNull(s, what);
      if (s.isBlank()) {
        throw new IllegalArgumentException(what + ": '' (expected: non-blank text)");
      }
      if (s.indexOf(':') >= 0 || (noSlash && s.indexOf('/') >= 0)) {
        throw new IllegalArgumentException(
            what + ": '" + s + "' (expected: no ':'" + (noSlash ? " or '/'" : "") + ")");
      }
      if (!s.equals(s.strip())) {
        throw new IllegalArgumentException(what + ": '" + s + "' (expected: no leading or trailing spaces)");
      }
      return s;
    }

    public Builder tags(Set<String> tags) {
      for (String t : tags) {
        requireText(t, "tag", true);
      }
      this.tags = Set.copyOf(tags);
      return this;
    }

    public Builder family(@Nullable String family) {
      this.family = family;
      return this;
    }

    public Builder operations(Set<Operation> operations) {
      this.operations = operations.isEmpty() ? Set.of() : EnumSet.copyOf(operations);
      return this;
    }

    public Builder capabilities(Set<String> capabilities) {
      this.capabilities = Set.copyOf(capabilities);
      return this;
    }

    /** The input JSON Schema as JSON text; it is compiled and checked when first used. */
    public Builder inputSchema(@Nullable String inputSchema) {
      this.inputSchema = inputSchema;
      return this;
    }

    public Builder inputs(List<TensorSpec> inputs) {
      this.inputs = List.copyOf(inputs);
      return this;
    }

    public Builder outputs(List<TensorSpec> outputs) {
      this.outputs = List.copyOf(outputs);
      return this;
    }

    public Builder costPerRequest(double cost) {
      this.costPerRequest = requireCost(cost, "costPerRequest");
      return this;
    }

    public Builder costPer1kTokens(double cost) {
      this.costPer1kTokens = requireCost(cost, "costPer1kTokens");
      return this;
    }

    public Builder trafficWeight(int weight) {
      if (weight < 0) {
        throw new IllegalArgumentException("trafficWeight: " + weight + " (expected: >= 0)");
      }
      this.trafficWeight = weight;
      return this;
    }

    /** The context window in tokens; 0 (the default) for unknown. */
    public Builder contextWindow(int tokens) {
      if (tokens < 0) {
        throw new IllegalArgumentException("contextWindow: " + tokens + " (expected: >= 0)");
      }
      this.contextWindow = tokens;
      return this;
    }

    /** The declared quality; 0 (the default) for undeclared. */
    public Builder quality(double quality) {
      this.quality = requireCost(quality, "quality");
      return this;
    }

    static double requireCost(double cost, String what) {
      if (!(cost >= 0) || Double.isInfinite(cost)) {
        throw new IllegalArgumentException(what + ": " + cost + " (expected: a finite number >= 0)");
      }
      return cost;
    }

    public ModelSpec build() {
      return new ModelSpec(this);
    }
  }
}
