package io.modelrouter;

import io.modelrouter.registry.TensorSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What the router needs to know about one inference request: the model and version it wants,
 * its protocol and input signature, its size, and its latency, priority and affinity needs.
 * Built by the payload parsers from bytes and headers, or directly by an embedding application.
 *
 * <p>Immutable and thread-safe. Use {@link #builder(String)}; {@link #toBuilder()} derives a
 * variant (for example one that {@linkplain Builder#exclude(String) excludes} an endpoint that
 * already failed, for a retry).
 */
public final class RouteRequest {

  private static final Predicate<String> ANY_MODEL = model -> true;
  private static final long[] NO_BLOCKS = new long[0];

  private final String model;
  private final VersionSelector version;
  private final Protocol protocol;
  private final Operation operation;
  private final List<TensorSpec> inputs;
  private final int promptTokens;
  private final int maxOutputTokens;
  private final boolean stream;
  private final long latencyBudgetNanos;
  private final long ttftBudgetNanos;
  private final Priority priority;
  private final @Nullable String tenant;
  private final @Nullable String affinityKey;
  private final long prefixHash;
  /** Never modified after construction; {@link #NO_BLOCKS} when empty. */
  private final long[] prefixBlocks;
  private final Set<String> capabilities;
  private final @Nullable String adapter;
  private final Set<String> excludedEndpoints;
  private final boolean explain;
  private final @Nullable Object payload;
  private final double minQuality;
  private final Predicate<String> modelAccess;

  private RouteRequest(Builder b) {
    this.model = b.model;
    this.version = b.version;
    this.protocol = b.protocol;
    this.operation = b.operation;
    this.inputs = List.copyOf(b.inputs);
    this.promptTokens = b.promptTokens;
    this.maxOutputTokens = b.maxOutputTokens;
    this.stream = b.stream;
    this.latencyBudgetNanos = b.latencyBudgetNanos;
    this.ttftBudgetNanos = b.ttftBudgetNanos;
    this.priority = b.priority;
    this.tenant = b.tenant;
    this.affinityKey = b.affinityKey;
    this.prefixHash = b.prefixHash;
    this.prefixBlocks = b.prefixBlocks;
    this.capabilities = Set.copyOf(b.capabilities);
    this.adapter = b.adapter;
    this.excludedEndpoints = Set.copyOf(b.excludedEndpoints);
    this.explain = b.explain;
    this.payload = b.payload;
    this.minQuality = b.minQuality;
    this.modelAccess = b.modelAccess;
  }

  /** Starts a request for the named model. */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  /** A shortcut for a request with nothing but a model name. */
  public static RouteRequest of(String model) {
    return builder(model).build();
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public String model() {
    return model;
  }

  public VersionSelector version() {
    return version;
  }

  public Protocol protocol() {
    return protocol;
  }

  public Operation operation() {
    return operation;
  }

  /** The input tensors' names, datatypes and shapes (Open Inference Protocol); empty otherwise. */
  public List<TensorSpec> inputs() {
    return inputs;
  }

  /** Estimated prompt tokens; 0 when unknown. */
  public int promptTokens() {
    return promptTokens;
  }

  /** Requested maximum output tokens; 0 when unknown. */
  public int maxOutputTokens() {
    return maxOutputTokens;
  }

  public boolean stream() {
    return stream;
  }

  /** The end-to-end latency budget in nanoseconds; 0 when the request has none. */
  public long latencyBudgetNanos() {
    return latencyBudgetNanos;
  }

  /** The time-to-first-token budget in nanoseconds; 0 when the request has none. */
  public long ttftBudgetNanos() {
    return ttftBudgetNanos;
  }

  public Priority priority() {
    return priority;
  }

  public @Nullable String tenant() {
    return tenant;
  }

  /** The session key that should keep landing on the same endpoint, if any. */
  public @Nullable String affinityKey() {
    return affinityKey;
  }

  /** A hash of the prompt prefix (system prompt and first user turn) for cache affinity; 0 when none. */
  public long prefixHash() {
    return prefixHash;
  }

  /**
   * How many blocks of the prompt's block-hash chain the request carries (0 when none): the prompt
   * cut into fixed-size blocks, each hashed together with every block before it, as vLLM's prefix
   * cache does, so that two prompts share their first {@code k} block hashes exactly when they
   * share their first {@code k} blocks.
   */
  public int prefixBlockCount() {
    return prefixBlocks.length;
  }

  /** The hash of the prompt's blocks {@code 0..index}; never 0. See {@link #prefixBlockCount()}. */
  public long prefixBlock(int index) {
    return prefixBlocks[index];
  }

  /** Capabilities the model must have, such as {@code vision} or {@code tools}. */
  public Set<String> capabilities() {
    return capabilities;
  }

  /** The LoRA adapter the request names, if any. */
  public @Nullable String adapter() {
    return adapter;
  }

  /** Endpoint ids that must not be chosen (already tried by a retry or a hedge). */
  public Set<String> excludedEndpoints() {
    return excludedEndpoints;
  }

  /** Whether the caller asked for the decision's {@link Explanation}. */
  public boolean explain() {
    return explain;
  }

  /**
   * The parsed request body (for example a Jackson {@code JsonNode}) for the router's
   * {@link InputValidator}; opaque to everything else, and null when there is none.
   */
  public @Nullable Object payload() {
    return payload;
  }

  /**
   * The lowest declared {@linkplain io.modelrouter.registry.ModelSpec#quality() quality} a route
   * target may have to serve this request; 0 when the request asks for none.
   */
  public double minQuality() {
    return minQuality;
  }

  /**
   * Whether the caller may use this model as a route target; a target it may not use is skipped
   * as if the route did not list it. Every model by default.
   */
  public boolean mayUse(String model) {
    return modelAccess.test(model);
  }

  @Override
  public String toString() {
    return "RouteRequest{model=" + model + ", version=" + version + ", protocol=" + protocol
        + ", operation=" + operation + ", priority=" + priority
        + (tenant == null ? "" : ", tenant=" + tenant)
        + (latencyBudgetNanos == 0 ? "" : ", budgetMs=" + latencyBudgetNanos / 1_000_000)
        + '}';
  }

  /** Builds a {@link RouteRequest}; every setter checks its argument. */
  public static final class Builder {
    private String model;
    private VersionSelector version = VersionSelector.unspecified();
    private Protocol protocol = Protocol.OPENAI;
    private Operation operation = Operation.CHAT;
    private List<TensorSpec> inputs = List.of();
    private int promptTokens;
    private int maxOutputTokens;
    private boolean stream;
    private long latencyBudgetNanos;
    private long ttftBudgetNanos;
    private Priority priority = Priority.STANDARD;
    private @Nullable String tenant;
    private @Nullable String affinityKey;
    private long prefixHash;
    private long[] prefixBlocks = NO_BLOCKS;
    private Set<String> capabilities = Set.of();
    private @Nullable String adapter;
    private Set<String> excludedEndpoints = Set.of();
    private boolean explain;
    private @Nullable Object payload;
    private double minQuality;
    private Predicate<String> modelAccess = ANY_MODEL;

    private Builder(String model) {
      this.model = requireModel(model);
    }

    private Builder(RouteRequest r) {
      this.model = r.model;
      this.version = r.version;
      this.protocol = r.protocol;
      this.operation = r.operation;
      this.inputs = r.inputs;
      this.promptTokens = r.promptTokens;
      this.maxOutputTokens = r.maxOutputTokens;
      this.stream = r.stream;
      this.latencyBudgetNanos = r.latencyBudgetNanos;
      this.ttftBudgetNanos = r.ttftBudgetNanos;
      this.priority = r.priority;
      this.tenant = r.tenant;
      this.affinityKey = r.affinityKey;
      this.prefixHash = r.prefixHash;
      this.prefixBlocks = r.prefixBlocks;
      this.capabilities = r.capabilities;
      this.adapter = r.adapter;
      this.excludedEndpoints = r.excludedEndpoints;
      this.explain = r.explain;
      this.payload = r.payload;
      this.minQuality = r.minQuality;
      this.modelAccess = r.modelAccess;
    }

    private static String requireModel(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model: '' (expected: a non-blank model name)");
      }
      return model;
    }

    public Builder model(String model) {
      this.model = requireModel(model);
      return this;
    }

    public Builder version(VersionSelector version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    public Builder protocol(Protocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    public Builder operation(Operation operation) {
      this.operation = Objects.requireNonNull(operation, "operation");
      return this;
    }

    public Builder inputs(List<TensorSpec> inputs) {
      this.inputs = List.copyOf(inputs);
      return this;
    }

    public Builder promptTokens(int promptTokens) {
      if (promptTokens < 0) {
        throw new IllegalArgumentException("promptTokens: " + promptTokens + " (expected: >= 0)");
      }
      this.promptTokens = promptTokens;
      return this;
    }

    public Builder maxOutputTokens(int maxOutputTokens) {
      if (maxOutputTokens < 0) {
        throw new IllegalArgumentException(
            "maxOutputTokens: " + maxOutputTokens + " (expected: >= 0)");
      }
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    public Builder stream(boolean stream) {
      this.stream = stream;
      return this;
    }

    /** The end-to-end latency budget; {@link Duration#ZERO} removes it. */
    public Builder latencyBudget(Duration budget) {
      this.latencyBudgetNanos = requireBudget(budget, "latencyBudget");
      return this;
    }

    /** The time-to-first-token budget; {@link Duration#ZERO} removes it. */
    public Builder ttftBudget(Duration budget) {
      this.ttftBudgetNanos = requireBudget(budget, "ttftBudget");
      return this;
    }

    private static long requireBudget(Duration budget, String what) {
      Objects.requireNonNull(budget, what);
      if (budget.isNegative()) {
        throw new IllegalArgumentException(what + ": " + budget + " (expected: >= 0)");
      }
      return budget.toNanos();
    }

    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    public Builder tenant(@Nullable String tenant) {
      this.tenant = tenant;
      return this;
    }

    public Builder affinityKey(@Nullable String affinityKey) {
      this.affinityKey = affinityKey;
      return this;
    }

    public Builder prefixHash(long prefixHash) {
      this.prefixHash = prefixHash;
      return this;
    }

    /**
     * The prompt's block-hash chain (see {@link RouteRequest#prefixBlockCount()}), copied; every
     * hash must be non-zero.
     */
    public Builder prefixBlocks(long... chain) {
      Objects.requireNonNull(chain, "chain");
      for (int i = 0; i < chain.length; i++) {
        if (chain[i] == 0) {
          throw new IllegalArgumentException("prefixBlocks[" + i + "]: 0 (expected: a non-zero block hash)");
        }
      }
      this.prefixBlocks = chain.length == 0 ? NO_BLOCKS : chain.clone();
      return this;
    }

    public Builder capabilities(Set<String> capabilities) {
      this.capabilities = Set.copyOf(capabilities);
      return this;
    }

    public Builder adapter(@Nullable String adapter) {
      this.adapter = adapter;
      return this;
    }

    /** Replaces the set of endpoint ids that must not be chosen. */
    public Builder excludedEndpoints(Set<String> endpointIds) {
      this.excludedEndpoints = Set.copyOf(endpointIds);
      return this;
    }

    /** Adds one endpoint id that must not be chosen. */
    public Builder exclude(String endpointId) {
      Objects.requireNonNull(endpointId, "endpointId");
      if (!excludedEndpoints.contains(endpointId)) {
        java.util.HashSet<String> s = new java.util.HashSet<>(excludedEndpoints);
        s.add(endpointId);
        this.excludedEndpoints = Set.copyOf(s);
      }
      return this;
    }

    public Builder explain(boolean explain) {
      this.explain = explain;
      return this;
    }

    /** The parsed body for the router's {@link InputValidator}; see {@link RouteRequest#payload()}. */
    public Builder payload(@Nullable Object payload) {
      this.payload = payload;
      return this;
    }

    /** The lowest quality a route target may have; 0 (the default) for none. */
    public Builder minQuality(double minQuality) {
      if (!(minQuality >= 0) || Double.isInfinite(minQuality)) {
        throw new IllegalArgumentException("minQuality: " + minQuality + " (expected: a finite number >= 0)");
      }
      this.minQuality = minQuality;
      return this;
    }

    /** Which models the caller may use as route targets (a tenant's allow list); every model by default. */
    public Builder modelAccess(Predicate<String> mayUse) {
      this.modelAccess = Objects.requireNonNull(mayUse, "mayUse");
      return this;
    }

    public RouteRequest build() {
      return new RouteRequest(this);
    }
  }
}
