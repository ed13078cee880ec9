package io.modelrouter.testing;

import io.modelrouter.Operation;
import io.modelrouter.Outcome;
import io.modelrouter.OutcomeListener;
import io.modelrouter.Protocol;
import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.simulator.FaultProxy;
import io.modelrouter.simulator.SimServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A simulated model-server fleet on 127.0.0.1 and the registry that describes it, for routing
 * tests without GPUs. Declare it in a few lines:
 *
 * <pre>{@code
 * SimFleet fleet = SimFleet.builder()
 *     .openai("chat", 3)                                                  // chat-0, chat-1, chat-2
 *     .openai("chat", 1, server -> server.baseLatency(Duration.ofMillis(300)))  // chat-3, slow
 *     .oip("classifier", 2, server -> server.input("input__0", 4))        // classifier-0, -1
 *     .start();
 * }</pre>
 *
 * <p>Each declared server is a {@link SimServer} (vLLM-like for {@code openai}, Triton-like for
 * {@code oip}) on a free port; each becomes an {@link Endpoint} named {@code <model>-<n>},
 * numbered per model in declaration order, serving version {@code 1} of its model. The models get
 * the operations their protocol serves; {@link Builder#model} adds what else a spec needs (a
 * schema, a tensor signature, a context window). Faults are toggled at run time on the servers
 * themselves ({@code fleet.server("chat-1").hang(true)}, {@code kill()}, {@code restart()},
 * {@code failureRate(0.5)}). Declared with {@link Builder#faultProxies()}, every server sits
 * behind a {@link FaultProxy} that plays network faults ({@code fleet.proxy("chat-0")
 * .fault(Fault.freeze())}).
 *
 * <p>{@link #router()} gives a router over the fleet that records every outcome ({@link
 * #outcomes()}); the {@code await*} methods wait, with a deadline, for what routing tests check.
 * {@link #close()} stops every server. Use it through {@link SimFleetExtension} to have JUnit
 * start and stop it.
 */
public final class SimFleet implements AutoCloseable {

  /** One recorded outcome: which endpoint, and how its request ended. */
  public record RecordedOutcome(String endpointId, Outcome outcome) {}

  private final Map<String, SimServer> servers;
  private final Map<String, FaultProxy> proxies;
  private final InMemoryRegistry registry;
  private final List<RecordedOutcome> outcomes = new CopyOnWriteArrayList<>();

  private SimFleet(Map<String, SimServer> servers, Map<String, FaultProxy> proxies, RegistryContent content) {
    this.servers = Collections.unmodifiableMap(servers);
    this.proxies = Collections.unmodifiableMap(proxies);
    this.registry = InMemoryRegistry.of(content);
  }

  /** A new declaration. */
  public static Builder builder() {
    return new Builder();
  }

  /** The registry describing the fleet; change it as a test needs (it is the fleet's own). */
  public InMemoryRegistry registry() {
    return registry;
  }

  /** A router builder over the fleet's registry that records every outcome in {@link #outcomes()}. */
  public Router.Builder router() {
    return Router.builder(registry).addOutcomeListener(recorder());
  }

  /** A listener that records outcomes in {@link #outcomes()}, for a router built elsewhere. */
  public OutcomeListener recorder() {
    return (endpoint, state, outcome, latency) -> outcomes.add(new RecordedOutcome(endpoint.id(), outcome));
  }

  /** Every outcome recorded so far, in the order the leases completed. */
  public List<RecordedOutcome> outcomes() {
    return List.copyOf(outcomes);
  }

  /** The outcomes recorded for one endpoint. */
  public List<Outcome> outcomes(String endpointId) {
    List<Outcome> found = new ArrayList<>();
    for (RecordedOutcome r : outcomes) {
      if (r.endpointId().equals(endpointId)) {
        found.add(r.outcome());
      }
    }
    return found;
  }

  /** The endpoint ids, in declaration order. */
  public List<String> endpointIds() {
    return List.copyOf(servers.keySet());
  }

  /** The simulated server behind an endpoint: toggle its faults, kill or restart it. */
  public SimServer server(String endpointId) {
    SimServer s = servers.get(endpointId);
    if (s == null) {
      throw new IllegalArgumentException("endpoint: '" + endpointId + "' (expected: one of " + servers.keySet() + ")");
    }
    return s;
  }

  /**
   * The fault proxy in front of an endpoint's server: {@code fault(Fault.crashOnRequest())},
   * {@code kill()}, {@code restart()}, {@code requestCount()}.
   *
   * @throws IllegalStateException if the fleet was declared without {@link Builder#faultProxies()}
   */
  public FaultProxy proxy(String endpointId) {
    server(endpointId);
    FaultProxy p = proxies.get(endpointId);
    if (p == null) {
      throw new IllegalStateException("no fault proxy in front of " + endpointId + " (declare the fleet with faultProxies())");
    }
    return p;
  }

  /**
   * A strategy that picks the candidate declared first (endpoints added to the registry later come
   * after, by id), so that a test knows which endpoint a request tries first and which next. Pass it
   * to {@link Router.Builder#strategy}.
   */
  public SelectionStrategy inOrder() {
    return new InOrderStrategy(endpointIds());
  }

  /** The endpoint as the registry describes it now. */
  public Endpoint endpoint(String endpointId) {
    server(endpointId);
    Endpoint e = registry.snapshot().endpoint(endpointId);
    if (e == null) {
      throw new IllegalStateException("endpoint " + endpointId + " was removed from the fleet's registry");
    }
    return e;
  }

  /** The endpoint's live state (in flight, latency, status). */
  public EndpointState state(String endpointId) {
    server(endpointId);
    EndpointState state = registry.snapshot().state(endpointId);
    if (state == null) {
      throw new IllegalStateException("endpoint " + endpointId + " was removed from the fleet's registry");
    }
    return state;
  }

  /**
   * The base URL of an endpoint's server, {@code http://127.0.0.1:<port>}; behind a fault proxy,
   * the endpoint's URL is the proxy's ({@link #endpoint}).
   */
  public String baseUrl(String endpointId) {
    return server(endpointId).baseUrl();
  }

  /** Waits until no endpoint of the fleet has a request in flight: every lease was completed. */
  public void awaitNoneInFlight() {
    Await.until("no request in flight on " + servers.keySet(), () -> {
      for (String id : servers.keySet()) {
        if (state(id).inFlight() != 0) {
          return false;
        }
      }
      return true;
    });
  }

  /** Waits until the endpoint has no request in flight. */
  public void awaitNoneInFlight(String endpointId) {
    EndpointState state = state(endpointId);
    Await.until(endpointId + " back to zero in flight (now " + state.inFlight() + ")", () -> state.inFlight() == 0);
  }

  /** Waits until the endpoint's status is {@code status} (a health check or ejection reached it). */
  public void awaitStatus(String endpointId, EndpointStatus status) {
    awaitStatus(endpointId, status, Await.DEFAULT_TIMEOUT);
  }

  /** Waits, at most {@code timeout}, until the endpoint's status is {@code status}. */
  public void awaitStatus(String endpointId, EndpointStatus status, Duration timeout) {
    EndpointState state = state(endpointId);
    Await.until(endpointId + " " + status, timeout, () -> state.status() == status);
  }

  /** Waits until the endpoint's server is working on at least {@code n} requests at once. */
  public void awaitRunning(String endpointId, int n) {
    SimServer s = server(endpointId);
    Await.until(endpointId + " running " + n + " requests", () -> s.runningCount() >= n);
  }

  /** Stops every proxy and server. */
  @Override
  public void close() {
    for (FaultProxy p : proxies.values()) {
      p.close();
    }
    for (SimServer s : servers.values()) {
      s.close();
    }
  }

  @Override
  public String toString() {
    return "SimFleet" + servers.keySet();
  }

  /** A fleet declaration: servers per model, and what the models' specs need beyond the defaults. */
  public static final class Builder {

    private record Group(String model, Protocol protocol, int count, Consumer<SimServer.Builder> server,
        Consumer<Endpoint.Builder> endpoint) {}

    private final List<Group> groups = new ArrayList<>();
    private final Map<String, Consumer<ModelSpec.Builder>> specs = new LinkedHashMap<>();
    private boolean faultProxies;

    private Builder() {}

    /**
     * Puts a {@link FaultProxy} in front of every server: the registry points at the proxies, and
     * {@link SimFleet#proxy} plays network faults (freeze, stop mid-stream, resets, crash on a
     * request) that a simulator alone cannot.
     */
    public Builder faultProxies() {
      faultProxies = true;
      return this;
    }

    /** {@code count} vLLM-like OpenAI-compatible servers for {@code model}. */
    public Builder openai(String model, int count) {
      return openai(model, count, server -> {});
    }

    /** {@code count} vLLM-like servers for {@code model}, each set up by {@code server}. */
    public Builder openai(String model, int count, Consumer<SimServer.Builder> server) {
      return servers(model, Protocol.OPENAI, count, server, endpoint -> {});
    }

    /** {@code count} Triton-like Open Inference Protocol servers for {@code model}. */
    public Builder oip(String model, int count) {
      return oip(model, count, server -> {});
    }

    /** {@code count} Triton-like servers for {@code model}, each set up by {@code server}. */
    public Builder oip(String model, int count, Consumer<SimServer.Builder> server) {
      return servers(model, Protocol.OIP, count, server, endpoint -> {});
    }

    /**
     * {@code count} servers for {@code model}: {@code server} sets up each simulator, {@code
     * endpoint} each registry entry (weight, zone, cost, limits) after the kit set its URL,
     * protocol, server kind ({@code vllm} or {@code triton}) and the model it serves.
     */
    public Builder servers(String model, Protocol protocol, int count, Consumer<SimServer.Builder> server,
        Consumer<Endpoint.Builder> endpoint) {
      requireName(model);
      Objects.requireNonNull(protocol, "protocol");
      if (count < 1) {
        throw new IllegalArgumentException("count: " + count + " (expected: at least one server)");
      }
      for (Group g : groups) {
        if (g.model().equals(model) && g.protocol() != protocol) {
          throw new IllegalArgumentException(
              "model " + model + ": declared with " + g.protocol() + " and " + protocol + " (expected: one protocol per model)");
        }
      }
      groups.add(new Group(model, protocol, count, Objects.requireNonNull(server, "server"),
          Objects.requireNonNull(endpoint, "endpoint")));
      return this;
    }

    /**
     * Adds to {@code model}'s spec what the kit cannot infer: an input schema, a tensor signature,
     * a context window, capabilities, tags. The kit sets the operations of its protocol first.
     */
    public Builder model(String model, Consumer<ModelSpec.Builder> spec) {
      requireName(model);
      specs.merge(model, Objects.requireNonNull(spec, "spec"), Consumer::andThen);
      return this;
    }

    /** Starts every server on a free loopback port and builds the registry; on failure, stops those started. */
    public SimFleet start() throws IOException {
      if (groups.isEmpty()) {
        throw new IllegalStateException("a fleet needs servers: declare some with openai(...) or oip(...)");
      }
      for (String model : specs.keySet()) {
        if (groups.stream().noneMatch(g -> g.model().equals(model))) {
          throw new IllegalStateException("model " + model + ": a spec without servers (expected: openai/oip servers for it)");
        }
      }
      Map<String, SimServer> servers = new LinkedHashMap<>();
      Map<String, FaultProxy> proxies = new LinkedHashMap<>();
      List<Endpoint> endpoints = new ArrayList<>();
      Map<String, Protocol> models = new LinkedHashMap<>();
      Map<String, Integer> numbering = new LinkedHashMap<>();
      try {
        for (Group g : groups) {
          models.put(g.model(), g.protocol());
          for (int i = 0; i < g.count(); i++) {
            int n = numbering.merge(g.model(), 1, Integer::sum) - 1;
            String id = g.model() + "-" + n;
            SimServer.Builder sb = (g.protocol() == Protocol.OIP ? SimServer.oip(g.model()) : SimServer.openai(g.model())).name(id);
            g.server().accept(sb);
            SimServer sim = sb.start();
            servers.put(id, sim);
            String url = sim.baseUrl();
            if (faultProxies) {
              FaultProxy proxy = FaultProxy.to(sim.port()).start();
              proxies.put(id, proxy);
              url = proxy.baseUrl();
            }
            Endpoint.Builder eb = Endpoint.builder(id, url).protocol(g.protocol())
                .server(g.protocol() == Protocol.OIP ? "triton" : "vllm").serves(g.model() + ":1");
            g.endpoint().accept(eb);
            endpoints.add(eb.build());
          }
        }
        List<ModelSpec> specList = new ArrayList<>();
        for (Map.Entry<String, Protocol> m : models.entrySet()) {
          ModelSpec.Builder spec = ModelSpec.builder(m.getKey(), "1").operations(operations(m.getValue()));
          specs.getOrDefault(m.getKey(), b -> {}).accept(spec);
          specList.add(spec.build());
        }
        return new SimFleet(servers, proxies, new RegistryContent(specList, endpoints));
      } catch (IOException | RuntimeException e) {
        proxies.values().forEach(FaultProxy::close);
        servers.values().forEach(SimServer::close);
        throw e;
      }
    }

    private static Set<Operation> operations(Protocol protocol) {
      return protocol == Protocol.OIP ? EnumSet.of(Operation.INFER)
          : EnumSet.of(Operation.CHAT, Operation.COMPLETION, Operation.EMBEDDING);
    }

    private static void requireName(String model) {
      if (Objects.requireNonNull(model, "model").isBlank()) {
        throw new IllegalArgumentException("model: blank (expected: the model's name)");
      }
    }
  }

  /** Starts a declaration, wrapping the checked failure for use in field initialisers. */
  static SimFleet startUnchecked(Builder builder) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the simulated fleet", e);
    }
  }
}
