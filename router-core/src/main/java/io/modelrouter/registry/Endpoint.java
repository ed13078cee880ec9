package io.modelrouter.registry;

import io.modelrouter.Protocol;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One deployed model-server instance: where it is, what protocol it speaks, which model versions
 * it serves, and the limits and costs that routing honours. Its live signals (in-flight requests,
 * latency, queue depth, health) are kept apart, in an {@link io.modelrouter.health.EndpointState}
 * shared across registry snapshots by {@link #id()}.
 *
 * <p>Value-based and immutable.
 */
public final class Endpoint {

  /** The default {@linkplain #weight() weight}: 100, so that weights can be expressed as percentages. */
  public static final int DEFAULT_WEIGHT = 100;

  private final String id;
  private final URI baseUrl;
  private final Protocol protocol;
  private final List<ModelRef> serves;
  private final int weight;
  private final @Nullable String zone;
  private final int maxConcurrency;
  private final int slots;
  private final double maxRequestsPerSecond;
  private final Map<String, String> labels;
  private final Set<String> adapters;
  private final int maxAdapters;
  private final String server;
  private final double costPerRequest;
  private final double costPer1kTokens;

  private Endpoint(Builder b) {
    this.id = b.id;
    this.baseUrl = b.baseUrl;
    this.protocol = b.protocol;
    if (b.serves.isEmpty()) {
      throw new IllegalArgumentException(
          "serves of endpoint " + b.id + ": [] (expected: at least one model or model:version)");
    }
    this.serves = List.copyOf(b.serves);
    this.weight = b.weight;
    this.zone = b.zone;
    this.maxConcurrency = b.maxConcurrency;
    this.slots = b.slots;
    this.maxRequestsPerSecond = b.maxRequestsPerSecond;
    this.labels = Map.copyOf(b.labels);
    this.adapters = Set.copyOf(b.adapters);
    this.maxAdapters = b.maxAdapters;
    this.server = b.server;
    this.costPerRequest = b.costPerRequest;
    this.costPer1kTokens = b.costPer1kTokens;
  }

  /** Starts an endpoint with a unique id and the base URL of its server. */
  public static Builder builder(String id, URI baseUrl) {
    return new Builder(id, baseUrl);
  }

  /** Starts an endpoint with a unique id and the base URL of its server. */
  public static Builder builder(String id, String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    URI uri;
    try {
      uri = URI.create(baseUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "baseUrl of endpoint " + id + ": '" + baseUrl + "' (expected: an http or https URL)", e);
    }
    return new Builder(id, uri);
  }

  public String id() {
    return id;
  }

  /** The server's base URL, such as {@code http://10.0.0.7:8000}; request paths are appended to it. */
  public URI baseUrl() {
    return baseUrl;
  }

  public Protocol protocol() {
    return protocol;
  }

  /** The model versions this endpoint serves. */
  public List<ModelRef> serves() {
    return serves;
  }

  /** Whether this endpoint serves the given model version. */
  public boolean serves(String model, String version) {
    for (ModelRef ref : serves) {
      if (ref.matches(model, version)) {
        return true;
      }
    }
    return false;
  }

  /** The relative share of traffic for weight-aware strategies; {@value #DEFAULT_WEIGHT} by default. */
  public int weight() {
    return weight;
  }

  public @Nullable String zone() {
    return zone;
  }

  /** The most requests in flight at once; 0 means no limit. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /**
   * How many requests the server works on at once (its batch slots or model instances, such as
   * vLLM's {@code --max-num-seqs}); 0 when not declared. Unlike {@link #maxConcurrency()} it limits
   * nothing: it tells latency predictions which of the requests in flight are served in parallel
   * and which wait in the server's queue.
   */
  public int slots() {
    return slots;
  }

  /** The most requests per second this endpoint accepts (its quota); 0 means no limit. */
  public double maxRequestsPerSecond() {
    return maxRequestsPerSecond;
  }

  /** Free-form labels (such as {@code gpu: h100}) for custom filters and scorers. */
  public Map<String, String> labels() {
    return labels;
  }

  /** LoRA adapters configured on this endpoint (scraped metrics may add more at run time). */
  public Set<String> adapters() {
    return adapters;
  }

  /** How many LoRA adapters the server can hold at once; 0 when unknown. */
  public int maxAdapters() {
    return maxAdapters;
  }

  /**
   * The kind of model server ({@code vllm}, {@code sglang}, {@code tgi}, {@code triton}, or
   * {@code generic}), which tells health checks and metric scraping what to expect.
   */
  public String server() {
    return server;
  }

  /** The cost of one request on this endpoint; NaN means the model's cost applies. */
  public double costPerRequest() {
    return costPerRequest;
  }

  /** The cost of 1,000 tokens on this endpoint; NaN means the model's cost applies. */
  public double costPer1kTokens() {
    return costPer1kTokens;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Endpoint)) {
      return false;
    }
    Endpoint e = (Endpoint) o;
    return id.equals(e.id)
        && baseUrl.equals(e.baseUrl)
        && protocol == e.protocol
        && serves.equals(e.serves)
        && weight == e.weight
        && Objects.equals(zone, e.zone)
        && maxConcurrency == e.maxConcurrency
        && slots == e.slots
        && Double.compare(maxRequestsPerSecond, e.maxRequestsPerSecond) == 0
        && labels.equals(e.labels)
        && adapters.equals(e.adapters)
        && maxAdapters == e.maxAdapters
        && server.equals(e.server)
        && Double.compare(costPerRequest, e.costPerRequest) == 0
        && Double.compare(costPer1kTokens, e.costPer1kTokens) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, baseUrl, serves);
  }

  @Override
  public String toString() {
    return "Endpoint{" + id + ", " + baseUrl + ", " + protocol.configName() + ", serves=" + serves + '}';
  }

  /** Builds an {@link Endpoint}; every setter checks its argument. */
  public static final class Builder {
    private final String id;
    private final URI baseUrl;
    private Protocol protocol = Protocol.OPENAI;
    private List<ModelRef> serves = List.of();
    private int weight = DEFAULT_WEIGHT;
    private @Nullable String zone;
    private int maxConcurrency;
    private int slots;
    private double maxRequestsPerSecond;
    private Map<String, String> labels = Map.of();
    private Set<String> adapters = Set.of();
    private int maxAdapters;
    private String server = "generic";
    private double costPerRequest = Double.NaN;
    private double costPer1kTokens = Double.NaN;

    private Builder(String id, URI baseUrl) {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (id.isBlank()) {
        throw new IllegalArgumentException("id: '' (expected: a non-blank endpoint id)");
      }
      String scheme = baseUrl.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || baseUrl.getHost() == null) {
        throw new IllegalArgumentException(
            "baseUrl of endpoint " + id + ": '" + baseUrl + "' (expected: an http or https URL with a host)");
      }
      this.id = id;
      this.baseUrl = baseUrl;
    }

    public Builder protocol(Protocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    public Builder serves(List<ModelRef> serves) {
      this.serves = List.copyOf(serves);
      return this;
    }

    /** Adds model versions written {@code name:version} or {@code name}. */
    public Builder serves(String... refs) {
      java.util.ArrayList<ModelRef> list = new java.util.ArrayList<>(serves);
      for (String r : refs) {
        list.add(ModelRef.parse(r));
      }
      this.serves = List.copyOf(list);
      return this;
    }

    public Builder weight(int weight) {
      if (weight < 0) {
        throw new IllegalArgumentException("weight of endpoint " + id + ": " + weight + " (expected: >= 0)");
      }
      this.weight = weight;
      return this;
    }

    public Builder zone(@Nullable String zone) {
      this.zone = zone;
      return this;
    }

    public Builder maxConcurrency(int maxConcurrency) {
      if (maxConcurrency < 0) {
        throw new IllegalArgumentException(
            "maxConcurrency of endpoint " + id + ": " + maxConcurrency + " (expected: >= 0, 0 for no limit)");
      }
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /** How many requests the server works on at once; 0 (the default) when unknown. See {@link Endpoint#slots()}. */
    public Builder slots(int slots) {
      if (slots < 0) {
        throw new IllegalArgumentException(
            "slots of endpoint " + id + ": " + slots + " (expected: >= 0, 0 when unknown)");
      }
      this.slots = slots;
      return this;
    }

    public Builder maxRequestsPerSecond(double rps) {
      if (!(rps >= 0) || Double.isInfinite(rps)) {
        throw new IllegalArgumentException(
            "maxRequestsPerSecond of endpoint " + id + ": " + rps + " (expected: a finite number >= 0, 0 for no limit)");
      }
      this.maxRequestsPerSecond = rps;
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels = Map.copyOf(labels);
      return this;
    }

    public Builder adapters(Set<String> adapters) {
      this.adapters = Set.copyOf(adapters);
      return this;
    }

    public Builder maxAdapters(int maxAdapters) {
      if (maxAdapters < 0) {
        throw new IllegalArgumentException(
            "maxAdapters of endpoint " + id + ": " + maxAdapters + " (expected: >= 0)");
      }
      this.maxAdapters = maxAdapters;
      return this;
    }

    public Builder server(String server) {
      Objects.requireNonNull(server, "server");
      String s = server.trim().toLowerCase(Locale.ROOT);
      switch (s) {
        case "vllm":
        case "sglang":
        case "tgi":
        case "triton":
        case "generic":
          this.server = s;
          return this;
        default:
          throw new IllegalArgumentException(
              "server of endpoint " + id + ": '" + server + "' (expected: vllm, sglang, tgi, triton, generic)");
      }
    }

    /** The cost of one request here; NaN (the default) means the model's cost applies. */
    public Builder costPerRequest(double cost) {
      this.costPerRequest = Double.isNaN(cost) ? cost : ModelSpec.Builder.requireCost(cost, "costPerRequest");
      return this;
    }

    /** The cost of 1,000 tokens here; NaN (the default) means the model's cost applies. */
    public Builder costPer1kTokens(double cost) {
      this.costPer1kTokens = Double.isNaN(cost) ? cost : ModelSpec.Builder.requireCost(cost, "costPer1kTokens");
      return this;
    }

    public Endpoint build() {
      return new Endpoint(this);
    }
  }
}
