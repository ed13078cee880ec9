package io.modelrouter.benchmarks.registry;

import io.modelrouter.Operation;
import io.modelrouter.Protocol;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Realistic registry content of a given size: model versions with tags, capabilities, a small
 * input schema and costs; endpoints with a URL, zone, labels and limits, each serving one version
 * (so {@code endpoints / versions} replicas per version).
 */
final class RegistryFixtures {

  private static final String SCHEMA =
      "{\"type\":\"object\",\"required\":[\"messages\"],\"properties\":{\"messages\":{\"type\":\"array\","
          + "\"minItems\":1,\"items\":{\"type\":\"object\",\"required\":[\"role\",\"content\"]}},"
          + "\"max_tokens\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":32768}}}";

  private RegistryFixtures() {}

  static RegistryContent content(int endpoints, int versions, int generation) {
    List<ModelSpec> models = new ArrayList<>(versions);
    int versionsPerModel = 4;
    for (int v = 0; v < versions; v++) {
      models.add(ModelSpec.builder("model-" + v / versionsPerModel, Integer.toString(v % versionsPerModel + 1))
          .tags(v % versionsPerModel == 0 ? Set.of("stable") : Set.of())
          .family("llama")
          .operations(EnumSet.of(Operation.CHAT, Operation.COMPLETION))
          .capabilities(Set.of("tools"))
          .inputSchema(SCHEMA)
          .costPer1kTokens(0.002)
          .build());
    }
    List<Endpoint> list = new ArrayList<>(endpoints);
    for (int e = 0; e < endpoints; e++) {
      ModelSpec serves = models.get(e % versions);
      list.add(Endpoint.builder("ep-" + e, "http://10." + (e >> 16 & 255) + "." + (e >> 8 & 255) + "." + (e & 255) + ":8000")
          .protocol(Protocol.OPENAI)
          .server("vllm")
          .serves(serves.key())
          .weight(100 + generation % 7)
          .zone("zone-" + e % 3)
          .maxConcurrency(64)
          .labels(Map.of("gpu", "h100", "pool", "pool-" + e % 10))
          .build());
    }
    return new RegistryContent(models, list);
  }
}
