package io.modelrouter.select;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A strategy that hands each request to one of its delegates ({@link #pick}). A delegate's
 * {@linkplain SelectionStrategy#filters() filters} apply only to the requests it picks for: for the
 * others they pass every candidate.
 */
abstract class SwitchingStrategy implements SelectionStrategy {

  private final List<EndpointFilter> filters;

  SwitchingStrategy(List<SelectionStrategy> delegates) {
    Set<SelectionStrategy> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<EndpointFilter> all = new ArrayList<>();
    for (SelectionStrategy owner : delegates) {
      if (seen.add(owner)) {
        for (EndpointFilter f : owner.filters()) {
          all.add(scoped(owner, f));
        }
      }
    }
    this.filters = List.copyOf(all);
  }

  /** The delegate for this request: no lock, no allocation. */
  abstract SelectionStrategy pick(Candidates c);

  private EndpointFilter scoped(SelectionStrategy owner, EndpointFilter f) {
    return new EndpointFilter() {
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
    };
  }

  @Override
  public final int select(Candidates c) {
    return pick(c).select(c);
  }

  @Override
  public final double score(Candidates c, int index) {
    return pick(c).score(c, index);
  }

  @Override
  public final @Nullable String explain(Candidates c, int index) {
    return pick(c).explain(c, index);
  }

  @Override
  public final List<EndpointFilter> filters() {
    return filters;
  }
}
