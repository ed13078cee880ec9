package io.modelrouter.select;

import io.modelrouter.registry.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Strategies#byServerKind}: one strategy for versions served by LLM servers, another for
 * the rest, decided by the kind of the version's first endpoint (a version's endpoints are one
 * deployment, so one kind).
 */
final class ServerKindStrategy implements SelectionStrategy {

  static final ServerKindStrategy DEFAULT =
      new ServerKindStrategy(LlmCombinedStrategy.DEFAULT, LeastLatencyStrategy.DEFAULT);

  private final SelectionStrategy llm;
  private final SelectionStrategy other;
  private final List<EndpointFilter> filters;

  ServerKindStrategy(SelectionStrategy llm, SelectionStrategy other) {
    this.llm = llm;
    this.other = other;
    List<EndpointFilter> all = new ArrayList<>(llm.filters());
    all.addAll(other.filters());
    this.filters = List.copyOf(all);
  }

  /** Whether the endpoint is declared as an LLM server: {@code vllm}, {@code sglang} or {@code tgi}. */
  static boolean isLlmServer(Endpoint endpoint) {
    String s = endpoint.server();
    return s.equals("vllm") || s.equals("sglang") || s.equals("tgi");
  }

  private SelectionStrategy pick(Candidates c) {
    return c.version().endpointCount() > 0 && isLlmServer(c.version().endpoint(0)) ? llm : other;
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
    return "by-server-kind(llm: " + llm.name() + ", other: " + other.name() + ')';
  }
}
