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
final class PerModelStrategy extends SwitchingStrategy {

  private final Map<String, SelectionStrategy> byModel;
  private final SelectionStrategy otherwise;

  PerModelStrategy(Map<String, SelectionStrategy> byModel, SelectionStrategy otherwise) {
    super(delegates(byModel, otherwise));
    this.byModel = Map.copyOf(byModel);
    this.otherwise = otherwise;
  }

  private static List<SelectionStrategy> delegates(Map<String, SelectionStrategy> byModel, SelectionStrategy otherwise) {
    List<SelectionStrategy> all = new ArrayList<>(byModel.values());
    all.add(otherwise);
    return all;
  }

  @Override
  SelectionStrategy pick(Candidates c) {
    SelectionStrategy asked = byModel.get(c.request().model());
    return asked != null ? asked : byModel.getOrDefault(c.model().name(), otherwise);
  }

  @Override
  public String name() {
    return "per-model" + byModel.keySet() + "(otherwise: " + otherwise.name() + ')';
  }
}
