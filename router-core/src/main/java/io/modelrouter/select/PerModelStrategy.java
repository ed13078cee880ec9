package io.modelrouter.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link Strategies#perModel}: a strategy per model or route name, another for the rest. The name
 * the request asked for (a route, or a model) is looked up first, then the model chosen for it (a
 * route's target): hash-map reads of names whose hashes are cached, no lock, no allocation. A
 * delegate's {@linkplain SelectionStrategy#filters() filters} run only for the requests it picks
 * for. State a strategy keeps per model version (the rotation counter of the round robins) is
 * shared by a route's strategy and its target model's.
 */
final class PerModelStrategy implements SelectionStrategy {

  private final Map<String, SelectionStrategy> byModel;
  private final SelectionStrategy otherwise;
  private final List<EndpointFilter> filters;

  PerModelStrategy(Map<String, SelectionStrategy> byModel, SelectionStrategy otherwise) {
    this.byModel = Map.copyOf(byModel);
    this.otherwise = otherwise;
    List<EndpointFilter> all = new ArrayList<>();
    for (SelectionStrategy s : this.byModel.values()) {
      addScoped(all, s);
    }
    addScoped(all, otherwise);
    this.filters = List.copyOf(all);
  }

  /** Adds {@code owner}'s filters, each passing every candidate of a request another strategy picks for. */
  private void addScoped(List<EndpointFilter> into, SelectionStrategy owner) {
    for (EndpointFilter f : owner.filters()) {
      into.add(new EndpointFilter() {
        @Override
        public boolean accept(Candidates c, int index) {
          return pick(c) != owner || f.accept(c, index);
        }

        @Override
        public io.modelrouter.RejectionReason reasonWhenEmpty() {
          return f.reasonWhenEmpty();
        }

        @Override
        public boolean soft() {
          return f.soft();
        }

        @Override
        public String name() {
          return f.name();
        }
      });
    }
  }

  private SelectionStrategy pick(Candidates c) {
    SelectionStrategy asked = byModel.get(c.request().model());
    return asked != null ? asked : byModel.getOrDefault(c.model().name(), otherwise);
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
