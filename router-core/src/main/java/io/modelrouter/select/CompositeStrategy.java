package io.modelrouter.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A strategy assembled from small parts: {@link EndpointFilter}s remove candidates, weighted
 * {@link EndpointScorer}s score the rest (the weighted sum, lower is better) and a {@link Picker}
 * chooses. The router runs the strategy's {@linkplain #filters() filters} after its own, so a
 * filter that removes everything yields a typed rejection; explanations show each candidate's
 * weighted score.
 *
 * <pre>{@code
 * SelectionStrategy llm = CompositeStrategy.builder()
 *     .scorer(Scorers.queueDepth(), 1)
 *     .scorer(Scorers.kvCacheUsage(), 1)
 *     .scorer(Scorers.inFlight(), 1)
 *     .picker(Pickers.lowestScore())
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; a pick allocates nothing and takes no lock.
 */
public final class CompositeStrategy implements SelectionStrategy, EndpointScorer {

  private final String name;
  private final List<EndpointFilter> filters;
  private final EndpointScorer[] scorers;
  private final double[] weights;
  private final Picker picker;

  private CompositeStrategy(Builder b) {
    this.filters = List.copyOf(b.filters);
    this.scorers = b.scorers.toArray(new EndpointScorer[0]);
    this.weights = new double[b.weights.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = b.weights.get(i);
    }
    this.picker = b.picker;
    this.name = b.name != null ? b.name : defaultName(scorers, picker);
  }

  /** Starts a composite strategy: no filter, no scorer (every candidate scores 0) and {@link Pickers#twoChoices()}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public int select(Candidates candidates) {
    return picker.pick(candidates, this);
  }

  /** The weighted sum of the scorers' scores. */
  @Override
  public double score(Candidates candidates, int index) {
    double sum = 0;
    for (int k = 0; k < scorers.length; k++) {
      sum += weights[k] * scorers[k].score(candidates, index);
    }
    return sum;
  }

  @Override
  public List<EndpointFilter> filters() {
    return filters;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "CompositeStrategy{" + name + '}';
  }

  private static String defaultName(EndpointScorer[] scorers, Picker picker) {
    StringBuilder sb = new StringBuilder(picker.name()).append('(');
    for (int i = 0; i < scorers.length; i++) {
      if (i > 0) {
        sb.append('+');
      }
      sb.append(scorers[i].name());
    }
    return sb.append(')').toString();
  }

  /** Builds a {@link CompositeStrategy}; every setter checks its argument. */
  public static final class Builder {
    private final List<EndpointFilter> filters = new ArrayList<>();
    private final List<EndpointScorer> scorers = new ArrayList<>();
    private final List<Double> weights = new ArrayList<>();
    private Picker picker = Pickers.twoChoices();
    private @org.jspecify.annotations.Nullable String name;

    private Builder() {}

    /** Adds a filter, run by the router after its built-in checks and its own filters. */
    public Builder filter(EndpointFilter filter) {
      filters.add(Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /** Adds a scorer whose score counts {@code weight} times in the sum. */
    public Builder scorer(EndpointScorer scorer, double weight) {
      Objects.requireNonNull(scorer, "scorer");
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("weight of scorer " + scorer.name() + ": " + weight + " (expected: a finite number >= 0)");
      }
      scorers.add(scorer);
      weights.add(weight);
      return this;
    }

    /** How a candidate is chosen from the scores; {@link Pickers#twoChoices()} by default. */
    public Builder picker(Picker picker) {
      this.picker = Objects.requireNonNull(picker, "picker");
      return this;
    }

    /** The name in explanations; by default the picker and scorer names, such as {@code lowest(queue+kv-cache)}. */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name: '' (expected: a non-blank name)");
      }
      this.name = name;
      return this;
    }

    public CompositeStrategy build() {
      return new CompositeStrategy(this);
    }
  }
}
