package io.modelrouter.gateway;

import io.modelrouter.Operation;
import io.modelrouter.Protocol;
import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.http.gateway.TenantQuota;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import io.modelrouter.registry.TensorSpec;
import io.modelrouter.simulator.SimServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's simulated fleet on 127.0.0.1 and the registry and tenants that describe it:
 *
 * <ul>
 *   <li>{@code demo-chat} (OpenAI chat and completions): version {@code 1} tagged {@code stable}
 *       on {@code chat-fast} (fast, expensive), {@code chat-mid} and {@code chat-slow} (slow,
 *       cheap); version {@code 2} tagged {@code canary} on {@code chat-v2}, taking 10% of the
 *       traffic that pins no version;
 *   <li>{@code demo-chat-mini} (OpenAI chat: small, fast, cheap, a 256-token context) on {@code
 *       chat-mini};
 *   <li>the model route {@code demo-assistant}: {@code demo-chat-mini}, then {@code demo-chat},
 *       policy {@code cheapest}: short prompts go to the mini model, prompts past its context to
 *       {@code demo-chat};
 *   <li>{@code demo-embed} (embeddings) on {@code embed-a} and {@code embed-b};
 *   <li>{@code demo-classifier} (OIP, input {@code input__0} FP32 {@code [-1, 4]}, output the sum
 *       of each row) on {@code clf-a} and {@code clf-b}.
 * </ul>
 *
 * <p>API keys: {@value #DEMO_KEY} (tenant {@code demo}, every model, no quota),
 * {@value #EMBED_KEY} (tenant {@code embed-only}, only {@code demo-embed}) and
 * {@value #LIMITED_KEY} (tenant {@code limited}, every model, 5 requests per second and 2 at once).
 */
final class DemoFleet implements AutoCloseable {

  /** The demo's main API key: every demo model, no quota. */
  static final String DEMO_KEY = "sk-demo";
  /** A key whose tenant may only use demo-embed. */
  static final String EMBED_KEY = "sk-demo-embed";
  /** A key whose tenant has a small quota. */
  static final String LIMITED_KEY = "sk-demo-limited";

  /** The small chat model. */
  static final String MINI = "demo-chat-mini";
  /** The model route over the mini and the full chat model. */
  static final String ROUTE = "demo-assistant";

  /** One simulated server and how the registry describes it. */
  record Member(SimServer server, Endpoint endpoint) {}

  private final List<Member> members;

  private DemoFleet(List<Member> members) {
    this.members = List.copyOf(members);
  }

  /**
   * Starts the fleet.
   *
   * @param speed multiplies every simulated latency (1 is the demo's pace; tests use less)
   */
  static DemoFleet start(double speed) throws IOException {
    List<Member> members = new ArrayList<>();
    try {
      members.add(chat("chat-fast", "demo-chat:1", 15, 0.4, 48, 0.0040, speed));
      members.add(chat("chat-mid", "demo-chat:1", 40, 1.0, 32, 0.0020, speed));
      members.add(chat("chat-slow", "demo-chat:1", 90, 2.5, 16, 0.0008, speed));
      members.add(chat("chat-v2", "demo-chat:2", 30, 0.8, 32, 0.0030, speed));
      members.add(mini("chat-mini", speed));
      members.add(embed("embed-a", 8, speed));
      members.add(embed("embed-b", 20, speed));
      members.add(classifier("clf-a", 5, speed));
      members.add(classifier("clf-b", 12, speed));
    } catch (IOException | RuntimeException e) {
      for (Member m : members) {
        m.server().close();
      }
      throw e;
    }
    return new DemoFleet(members);
  }

  private static Member chat(String id, String serves, long latencyMs, double perTokenMs, int capacity, double cost, double speed)
      throws IOException {
    SimServer sim = SimServer.openai("demo-chat").name(id).capacity(capacity).outputTokens(24)
        .baseLatency(scaled(latencyMs, speed)).perTokenLatency(scaled(perTokenMs, speed)).start();
    // slots: how many requests the server batches at once (vLLM's --max-num-seqs), its capacity here.
    Endpoint e = Endpoint.builder(id, sim.baseUrl()).protocol(Protocol.OPENAI).server("vllm")
        .serves(serves).slots(capacity).costPerRequest(cost).build();
    return new Member(sim, e);
  }

  private static Member mini(String id, double speed) throws IOException {
    SimServer sim = SimServer.openai(MINI).name(id).capacity(64).outputTokens(24)
        .baseLatency(scaled(8, speed)).perTokenLatency(scaled(0.2, speed)).start();
    return new Member(sim, Endpoint.builder(id, sim.baseUrl()).protocol(Protocol.OPENAI).server("vllm")
        .serves(MINI).slots(64).build());
  }

  private static Member embed(String id, long latencyMs, double speed) throws IOException {
    SimServer sim = SimServer.openai("demo-embed").name(id).capacity(64).baseLatency(scaled(latencyMs, speed)).start();
    return new Member(sim, Endpoint.builder(id, sim.baseUrl()).protocol(Protocol.OPENAI).server("vllm").serves("demo-embed").build());
  }

  private static Member classifier(String id, long latencyMs, double speed) throws IOException {
    SimServer sim = SimServer.oip("demo-classifier").name(id).capacity(64).input("input__0", 4)
        .baseLatency(scaled(latencyMs, speed)).start();
    return new Member(sim, Endpoint.builder(id, sim.baseUrl()).protocol(Protocol.OIP).server("triton")
        .serves("demo-classifier").build());
  }

  private static Duration scaled(double millis, double speed) {
    return Duration.ofNanos((long) (millis * speed * 1_000_000));
  }

  /** The demo's models. */
  static List<ModelSpec> models() {
    return List.of(
        ModelSpec.builder("demo-chat", "1").tags(Set.of("stable"))
            .operations(EnumSet.of(Operation.CHAT, Operation.COMPLETION)).trafficWeight(90)
            .inputSchema("{\"type\":\"object\",\"required\":[\"messages\"],\"properties\":{\"messages\":{\"type\":\"array\",\"minItems\":1}}}")
            .costPer1kTokens(0.002).contextWindow(8192).quality(0.8).build(),
        ModelSpec.builder("demo-chat", "2").tags(Set.of("canary"))
            .operations(EnumSet.of(Operation.CHAT, Operation.COMPLETION)).trafficWeight(10)
            .costPer1kTokens(0.002).contextWindow(8192).quality(0.8).build(),
        ModelSpec.builder(MINI, "1").operations(EnumSet.of(Operation.CHAT))
            .costPer1kTokens(0.0002).contextWindow(256).quality(0.5).build(),
        ModelSpec.builder("demo-embed", "1").operations(EnumSet.of(Operation.EMBEDDING)).build(),
        ModelSpec.builder("demo-classifier", "1").operations(EnumSet.of(Operation.INFER))
            .inputs(List.of(TensorSpec.of("input__0", "FP32", -1, 4)))
            .outputs(List.of(TensorSpec.of("output__0", "FP32", -1)))
            .build());
  }

  /** The registry content describing this fleet. */
  RegistryContent registry() {
    List<Endpoint> endpoints = new ArrayList<>();
    for (Member m : members) {
      endpoints.add(m.endpoint());
    }
    return new RegistryContent(models(), endpoints, List.of(RouteSpec.builder(ROUTE)
        .targets(List.of(RouteTarget.of(MINI), RouteTarget.of("demo-chat"))).policy("cheapest").build()));
  }

  /** The demo tenants and their keys. */
  static ApiKeyAuthenticator authenticator() {
    Map<String, Tenant> byHash = new LinkedHashMap<>();
    byHash.put(ApiKeyAuthenticator.hash(DEMO_KEY), Tenant.unlimited("demo"));
    byHash.put(ApiKeyAuthenticator.hash(EMBED_KEY), new Tenant("embed-only", Set.of("demo-embed"), TenantQuota.unlimited()));
    byHash.put(ApiKeyAuthenticator.hash(LIMITED_KEY), new Tenant("limited", Set.of(Tenant.ANY_MODEL), new TenantQuota(5, 20_000, 2)));
    return ApiKeyAuthenticator.of(byHash);
  }

  List<Member> members() {
    return members;
  }

  /** The simulated server behind an endpoint id. */
  SimServer server(String endpointId) {
    for (Member m : members) {
      if (m.endpoint().id().equals(endpointId)) {
        return m.server();
      }
    }
    throw new IllegalArgumentException("endpoint: '" + endpointId + "' (expected: one of the demo fleet's)");
  }

  @Override
  public void close() {
    for (Member m : members) {
      m.server().close();
    }
  }
}
