package io.modelrouter.http;

import io.modelrouter.Operation;
import io.modelrouter.Outcome;
import io.modelrouter.OutcomeListener;
import io.modelrouter.Protocol;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.Candidates;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.simulator.SimServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Simulated servers behind a registry: endpoint {@code e<i>} is simulator {@code i}. Closes them all. */
final class Fleet implements AutoCloseable {

  static final String CHAT = "/v1/chat/completions";

  final List<SimServer> sims;
  final InMemoryRegistry registry = InMemoryRegistry.create();
  final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  final List<String> outcomeEndpoints = new CopyOnWriteArrayList<>();

  Fleet(String model, Protocol protocol, String server, SimServer... sims) {
    this(model, protocol, server, urls(sims), sims);
  }

  /** Endpoint {@code e<i>} at {@code urls[i]} (a proxy in front of a simulator, say); closes {@code sims}. */
  Fleet(String model, Protocol protocol, String server, List<String> urls, SimServer... sims) {
    this.sims = List.of(sims);
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      endpoints.add(Endpoint.builder("e" + i, urls.get(i)).protocol(protocol).server(server)
          .serves(model + ":1").build());
    }
    Set<Operation> ops = protocol == Protocol.OIP ? Set.of(Operation.INFER)
        : Set.of(Operation.CHAT, Operation.COMPLETION, Operation.EMBEDDING);
    registry.replace(List.of(ModelSpec.builder(model, "1").operations(ops).build()), endpoints);
  }

  private static List<String> urls(SimServer... sims) {
    List<String> urls = new ArrayList<>();
    for (SimServer sim : sims) {
      urls.add(sim.baseUrl());
    }
    return urls;
  }

  /** A vLLM-like fleet serving {@code model}. */
  static Fleet openai(String model, SimServer... sims) {
    return new Fleet(model, Protocol.OPENAI, "vllm", sims);
  }

  /** A router over the fleet that records every outcome. */
  Router.Builder router() {
    return Router.builder(registry).addOutcomeListener(recorder());
  }

  OutcomeListener recorder() {
    return (endpoint, state, outcome, latency) -> {
      outcomes.add(outcome);
      outcomeEndpoints.add(endpoint.id());
    };
  }

  EndpointState state(int i) {
    return registry.snapshot().state("e" + i);
  }

  @Override
  public void close() {
    sims.forEach(SimServer::close);
  }

  static ProxyRequest chat(String model, boolean stream, int maxTokens) {
    String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}],"
        + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream + "}";
    return ProxyRequest.builder(CHAT, RouteRequest.builder(model).stream(stream).build())
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }

  /** Picks the candidate with the smallest endpoint id, so that tests know which endpoint goes first. */
  static final SelectionStrategy IN_ORDER = new SelectionStrategy() {
    @Override
    public int select(Candidates c) {
      int best = -1;
      for (int i = 0; i < c.size(); i++) {
        if (best < 0 || c.endpoint(i).id().compareTo(c.endpoint(best).id()) < 0) {
          best = i;
        }
      }
      return best;
    }

    @Override
    public String name() {
      return "in-order";
    }
  };
}
