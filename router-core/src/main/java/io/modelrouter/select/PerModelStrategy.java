package io.modelrouter.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link Strategies#perModel}: a strategy per model name, another for the rest. */
final class PerModelStrategy implements SelectionStrategy {

  private final Map<String, SelectionStrategy> byModel;
  private final SelectionStrategy otherwise;
  private final List<EndpointFilter> filters;

  PerModelStrategy(Map<String, SelectionStrategy> byModel, SelectionStrategy otherwise) {
    this.byModel = Map.copyOf(byModel);
    this.otherwise = otherwise;
    List<EndpointFilter> all = new ArrayList<>();
    for (SelectionStrategy s : this.byModel.values()) {
      all.addAll(s.filters());
    }
    all.addAll(otherwise.filters());
    this.filters = List.copyOf(all);
  }

  private SelectionStrategy pick(Candidates c) {
    return byModel.getOrDefault(c.model().name(), otherwise);
  }

  @Override
  public int select(Candidates c) {
    return pick(c).select(c);
  }

  @Override
  public double score(Candidates c, int index) {
    return pick(c).score(c, index);
  }

  @Override
  public @org.jspecify.annotations.Nullable String explain(Candidates c, int index) {
    return pick(c).explain(c, index);
  }

  @Override
  public List<EndpointFilter> filters() {
    return filters;
  }

  @Override
  public String name() {
    return "per-model" + byModel.keySet() + "(otherwise: " + otherwise.name() + ')';
  }
}
