package io.modelrouter.select;

import io.modelrouter.registry.Endpoint;
import java.util.List;

/**
 * {@link Strategies#byServerKind}: one strategy for versions served by LLM servers, another for
 * the rest, decided by the kind of the version's first endpoint (a version's endpoints are one
 * deployment, so one kind). Each delegate's filters apply only to the versions it picks for.
 */
final class ServerKindStrategy extends SwitchingStrategy {

  static final ServerKindStrategy DEFAULT =
      new ServerKindStrategy(LlmCombinedStrategy.DEFAULT, LeastLatencyStrategy.DEFAULT);

  private final SelectionStrategy llm;
  private final SelectionStrategy other;

  ServerKindStrategy(SelectionStrategy llm, SelectionStrategy other) {
    super(List.of(llm, other));
    this.llm = llm;
    this.other = other;
  }

  /** Whether the endpoint is declared as an LLM server: {@code vllm}, {@code sglang} or {@code tgi}. */
  static boolean isLlmServer(Endpoint endpoint) {
    String s = endpoint.server();
    return s.equals("vllm") || s.equals("sglang") || s.equals("tgi");
  }

  @Override
  SelectionStrategy pick(Candidates c) {
    return c.version().endpointCount() > 0 && isLlmServer(c.version().endpoint(0)) ? llm : other;
  }

  @Override
  public String name() {
    return "by-server-kind(llm: " + llm.name() + ", other: " + other.name() + ')';
  }
}
