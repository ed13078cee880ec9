package io.modelrouter.registry;

import io.modelrouter.Operation;
import io.modelrouter.Protocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads and writes the registry file format, YAML or JSON:
 *
 * <pre>{@code
 * models:
 *   - name: demo-chat
 *     version: "1"
 *     tags: [stable]
 *     operations: [chat, completion]
 *     capabilities: [tools]
 *     cost: {perRequest: 0.0, per1kTokens: 0.002}
 *     trafficWeight: 90                # share of unpinned traffic (canary split)
 *     inputSchema: {type: object, required: [messages]}
 *     contextWindow: 8192              # prompt + output tokens one request may hold
 *     quality: 0.7                     # declared quality, higher is better
 *   - name: demo-classifier
 *     version: "1"
 *     operations: [infer]
 *     inputs: [{name: input__0, datatype: FP32, shape: [-1, 4]}]
 * endpoints:
 *   - id: chat-a
 *     url: http://10.0.0.7:8000
 *     protocol: openai                 # or oip
 *     server: vllm                     # vllm, sglang, tgi, triton, generic
 *     serves: ["demo-chat:1", "demo-chat"]   # name:version, or name for every version
 *     weight: 100
 *     zone: us-east-1a
 *     maxConcurrency: 64               # admission limit: the most requests in flight
 *     slots: 48                        # requests the server works on at once (limits nothing)
 *     maxRequestsPerSecond: 0
 *     adapters: [sql-lora]
 *     maxAdapters: 4
 *     labels: {gpu: h100}
 *     cost: {perRequest: 0.001}
 * routes:                              # names clients use instead of a model's
 *   - name: chat
 *     targets:                         # in order; version: "2", "tag:stable" (optional)
 *       - {model: demo-chat}
 *       - {model: demo-chat-large, version: "tag:stable", weight: 1}
 *     policy: cheapest                 # ordered, weighted, fastest, cheapest, or a selector's name
 *     fallback: true                   # a failed target falls back to the next eligible one
 * }</pre>
 *
 * <p>A route may not share its name with a model, and its targets must be listed under models.
 * Unknown keys, duplicate keys, wrong types and invalid values are errors that name the source,
 * the line and the column, and what was expected.
 */
public final class RegistryFiles {

  private static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder()
          .maxNestingDepth(64)
          .maxStringLength(4 * 1024 * 1024)
          .maxNumberLength(64)
          .maxDocumentLength(64L * 1024 * 1024)
          .build();

  private static final ObjectMapper JSON =
      JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final ObjectMapper YAML =
      YAMLMapper.builder(YAMLFactory.builder().streamReadConstraints(LIMITS).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private RegistryFiles() {}

  /** The syntax of a registry document. */
  public enum Format {
    YAML,
    JSON;

    /** JSON for a {@code .json} file name, YAML otherwise. */
    public static Format forFileName(String name) {
      return name.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
    }
  }

  /**
   * Reads a registry file; the format follows the file name ({@code .json}, else YAML).
   *
   * @throws RegistryException naming the file, line and column of the first problem
   */
  public static RegistryContent read(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RegistryException(file.toString(), -1, -1, "cannot read: " + e, e);
    }
    return parse(text, file.toString(), Format.forFileName(file.toString()));
  }

  /**
   * Parses registry content.
   *
   * @param source the name to use in error messages, such as the file name
   * @throws RegistryException naming the source, line and column of the first problem
   */
  public static RegistryContent parse(String text, String source, Format format) {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      return RegistryContent.empty();
    }
    Document doc = bind(text, source, format, Document.class);
    if (doc == null) {
      return RegistryContent.empty();
    }
    List<ModelSpec> models = new ArrayList<>();
    for (ModelDoc m : nonNull(doc.models())) {
      models.add(m.toSpec());
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (EndpointDoc e : nonNull(doc.endpoints())) {
      endpoints.add(e.toEndpoint());
    }
    List<RouteSpec> routes = new ArrayList<>();
    for (RouteDoc r : nonNull(doc.routes())) {
      routes.add(r.toRoute());
    }
    RegistryContent content = new RegistryContent(models, endpoints, routes);
    try {
      RegistrySnapshot.of(content, new io.modelrouter.health.EndpointStates(), 0);
      checkReferences(content);
    } catch (IllegalArgumentException e) {
      int[] at = routeProblemAt(text, content, e.getMessage());
      throw at == null ? new RegistryException(source, -1, -1, e.getMessage(), e)
          : new RegistryException(source, at[0], at[1], e.getMessage(), e);
    }
    return content;
  }

  /**
   * The line and column of the route a consistency problem names ({@code route NAME ...}): the
   * first {@code name: NAME} after the {@code routes} key; null when the problem is not a route's.
   */
  private static int @Nullable [] routeProblemAt(String text, RegistryContent content, @Nullable String message) {
    if (message == null) {
      return null;
    }
    for (RouteSpec r : content.routes()) {
      if (message.startsWith("route " + r.name() + ' ')) {
        return routeAt(text, r.name());
      }
    }
    return null;
  }

  /**
   * The 1-based line and column of route {@code name} in a YAML or JSON text holding a {@code
   * routes} list: the first {@code name: NAME} after the {@code routes} key; null when not found.
   * For files that embed registry content among other keys, such as the gateway's configuration.
   */
  public static int @Nullable [] routeAt(String text, String name) {
    String[] lines = text.split("\n", -1);
    java.util.regex.Pattern routesKey = java.util.regex.Pattern.compile("[\"']?routes[\"']?\\s*:");
    java.util.regex.Pattern nameKey = java.util.regex.Pattern.compile(
        "[\"']?name[\"']?\\s*:\\s*[\"']?" + java.util.regex.Pattern.quote(name) + "[\"']?\\s*[,}]?\\s*$|"
            + "[\"']?name[\"']?\\s*:\\s*[\"']?" + java.util.regex.Pattern.quote(name) + "[\"']?\\s*[,}]");
    boolean inRoutes = false;
    for (int i = 0; i < lines.length; i++) {
      if (!inRoutes && routesKey.matcher(lines[i]).find()) {
        inRoutes = true;
      }
      java.util.regex.Matcher m = nameKey.matcher(lines[i]);
      if (inRoutes && m.find()) {
        return new int[] {i + 1, m.start() + 1};
      }
    }
    return null;
  }

  private static void checkReferences(RegistryContent content) {
    Set<String> names = new java.util.HashSet<>();
    Set<String> keys = new java.util.HashSet<>();
    for (ModelSpec m : content.models()) {
      names.add(m.name());
      keys.add(m.key());
    }
    for (Endpoint e : content.endpoints()) {
      for (ModelRef ref : e.serves()) {
        if (ref.version() == null ? !names.contains(ref.model()) : !keys.contains(ref.toString())) {
          throw new IllegalArgumentException(
              "endpoint " + e.id() + " serves " + ref + " (expected: a model listed under models)");
        }
      }
    }
    for (RouteSpec r : content.routes()) {
      for (RouteTarget t : r.targets()) {
        if (!names.contains(t.model())) {
          throw new IllegalArgumentException(
              "route " + r.name() + " targets " + t.model() + " (expected: a model listed under models)");
        }
      }
    }
  }

  /** Parses one model route written as a JSON object in the registry file schema. */
  public static RouteSpec parseRoute(String json, String source) {
    RouteDoc doc = bind(json, source, Format.JSON, RouteDoc.class);
    if (doc == null) {
      throw new RegistryException(source, "empty value (expected: a route object)");
    }
    return doc.toRoute();
  }

  /** Writes one model route as a JSON object in the registry file schema. */
  public static String toJson(RouteSpec route) {
    return JSON.writeValueAsString(routeMap(route));
  }

  /** Parses one model version written as a JSON object in the registry file schema. */
  public static ModelSpec parseModel(String json, String source) {
    ModelDoc doc = bind(json, source, Format.JSON, ModelDoc.class);
    if (doc == null) {
      throw new RegistryException(source, "empty value (expected: a model object)");
    }
    return doc.toSpec();
  }

  /** Parses one endpoint written as a JSON object in the registry file schema. */
  public static Endpoint parseEndpoint(String json, String source) {
    EndpointDoc doc = bind(json, source, Format.JSON, EndpointDoc.class);
    if (doc == null) {
      throw new RegistryException(source, "empty value (expected: an endpoint object)");
    }
    return doc.toEndpoint();
  }

  /** Writes one model version as a JSON object in the registry file schema. */
  public static String toJson(ModelSpec spec) {
    return JSON.writeValueAsString(modelMap(spec));
  }

  /** Writes one endpoint as a JSON object in the registry file schema. */
  public static String toJson(Endpoint endpoint) {
    return JSON.writeValueAsString(endpointMap(endpoint));
  }

  /** Writes content as a registry document that {@link #parse} reads back to equal content. */
  public static String write(RegistryContent content, Format format) {
    Map<String, Object> doc = new LinkedHashMap<>();
    List<Object> models = new ArrayList<>();
    for (ModelSpec m : content.models()) {
      models.add(modelMap(m));
    }
    List<Object> endpoints = new ArrayList<>();
    for (Endpoint e : content.endpoints()) {
      endpoints.add(endpointMap(e));
    }
    doc.put("models", models);
    doc.put("endpoints", endpoints);
    if (!content.routes().isEmpty()) {
      List<Object> routes = new ArrayList<>();
      for (RouteSpec r : content.routes()) {
        routes.add(routeMap(r));
      }
      doc.put("routes", routes);
    }
    return (format == Format.JSON ? JSON : YAML).writeValueAsString(doc);
  }

  private static Map<String, Object> modelMap(ModelSpec m) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", m.name());
    map.put("version", m.version());
    if (!m.tags().isEmpty()) {
      map.put("tags", new java.util.TreeSet<>(m.tags()));
    }
    if (m.family() != null) {
      map.put("family", m.family());
    }
    if (!m.operations().isEmpty()) {
      List<String> ops = new ArrayList<>();
      for (Operation op : m.operations()) {
        ops.add(op.name().toLowerCase(Locale.ROOT));
      }
      map.put("operations", ops);
    }
    if (!m.capabilities().isEmpty()) {
      map.put("capabilities", new java.util.TreeSet<>(m.capabilities()));
    }
    if (m.inputSchema() != null) {
      map.put("inputSchema", JSON.readTree(m.inputSchema()));
    }
    if (!m.inputs().isEmpty()) {
      map.put("inputs", m.inputs());
    }
    if (!m.outputs().isEmpty()) {
      map.put("outputs", m.outputs());
    }
    Map<String, Object> cost = costMap(m.costPerRequest(), m.costPer1kTokens(), 0);
    if (!cost.isEmpty()) {
      map.put("cost", cost);
    }
    if (m.trafficWeight() > 0) {
      map.put("trafficWeight", m.trafficWeight());
    }
    if (m.contextWindow() > 0) {
      map.put("contextWindow", m.contextWindow());
    }
    if (m.quality() > 0) {
      map.put("quality", m.quality());
    }
    return map;
  }

  private static Map<String, Object> routeMap(RouteSpec r) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", r.name());
    List<Object> targets = new ArrayList<>();
    for (RouteTarget t : r.targets()) {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("model", t.model());
      if (t.version().kind() != io.modelrouter.VersionSelector.Kind.UNSPECIFIED) {
        tm.put("version", t.version().toString());
      }
      if (t.weight() != RouteTarget.DEFAULT_WEIGHT) {
        tm.put("weight", t.weight());
      }
      targets.add(tm);
    }
    map.put("targets", targets);
    map.put("policy", r.policy());
    map.put("fallback", r.fallback());
    return map;
  }

  private static Map<String, Object> costMap(double perRequest, double per1k, double absent) {
    Map<String, Object> cost = new LinkedHashMap<>();
    if (!Double.isNaN(perRequest) && perRequest != absent) {
      cost.put("perRequest", perRequest);
    }
    if (!Double.isNaN(per1k) && per1k != absent) {
      cost.put("per1kTokens", per1k);
    }
    return cost;
  }

  private static Map<String, Object> endpointMap(Endpoint e) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", e.id());
    map.put("url", e.baseUrl().toString());
    map.put("protocol", e.protocol().configName());
    map.put("server", e.server());
    List<String> serves = new ArrayList<>();
    for (ModelRef r : e.serves()) {
      serves.add(r.toString());
    }
    map.put("serves", serves);
    map.put("weight", e.weight());
    if (e.zone() != null) {
      map.put("zone", e.zone());
    }
    if (e.maxConcurrency() > 0) {
      map.put("maxConcurrency", e.maxConcurrency());
    }
    if (e.slots() > 0) {
      map.put("slots", e.slots());
    }
    if (e.maxRequestsPerSecond() > 0) {
      map.put("maxRequestsPerSecond", e.maxRequestsPerSecond());
    }
    if (!e.adapters().isEmpty()) {
      map.put("adapters", new java.util.TreeSet<>(e.adapters()));
    }
    if (e.maxAdapters() > 0) {
      map.put("maxAdapters", e.maxAdapters());
    }
    if (!e.labels().isEmpty()) {
      map.put("labels", new java.util.TreeMap<>(e.labels()));
    }
    Map<String, Object> cost = costMap(e.costPerRequest(), e.costPer1kTokens(), Double.NaN);
    if (!cost.isEmpty()) {
      map.put("cost", cost);
    }
    return map;
  }

  private static <T> @Nullable T bind(String text, String source, Format format, Class<T> type) {
    try {
      return (format == Format.JSON ? JSON : YAML).readValue(text, type);
    } catch (JacksonException e) {
      throw toRegistryException(source, text, e);
    } catch (RuntimeException e) {
      throw new RegistryException(source, -1, -1, "cannot parse: " + e.getMessage(), e);
    }
  }

  private static RegistryException toRegistryException(String source, String text, JacksonException e) {
    TokenStreamLocation loc = e.getLocation();
    int line = loc == null ? -1 : loc.getLineNr();
    int column = loc == null ? -1 : loc.getColumnNr();
    StringBuilder path = new StringBuilder();
    String lastProperty = null;
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getPropertyName());
        lastProperty = ref.getPropertyName();
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
        lastProperty = null;
      }
    }
    if (lastProperty != null && line > 0) {
      // The YAML parser reads ahead, so its location can be past the key at fault: point at the
      // last occurrence of the key at or before the reported line.
      int[] at = findKey(text, lastProperty, line);
      if (at != null) {
        line = at[0];
        column = at[1];
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root instanceof IllegalArgumentException && root.getMessage() != null
            ? root.getMessage()
            : e.getOriginalMessage();
    String firstLine = message == null ? "invalid content" : message.lines().findFirst().orElse(message);
    return new RegistryException(
        source, line, column, (path.length() == 0 ? "" : path + ": ") + firstLine, e);
  }

  private static int @Nullable [] findKey(String text, String key, int maxLine) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(
        "(?:^|[\\s{,-])[\"']?" + java.util.regex.Pattern.quote(key) + "[\"']?\\s*:");
    String[] lines = text.split("\n", -1);
    for (int i = Math.min(maxLine, lines.length) - 1; i >= 0; i--) {
      java.util.regex.Matcher m = p.matcher(lines[i]);
      if (m.find()) {
        int col = lines[i].indexOf(key, m.start());
        return new int[] {i + 1, Math.max(col, 0) + 1};
      }
    }
    return null;
  }

  private static <T> List<T> nonNull(@Nullable List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <T> Set<T> set(@Nullable List<T> list) {
    return list == null ? Set.of() : new LinkedHashSet<>(list);
  }

  private static String require(@Nullable String value, String what, String expected) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is missing (expected: " + expected + ")");
    }
    return value;
  }

  // ------------------------------------------------------------------ document shape

  record Document(
      @Nullable List<ModelDoc> models, @Nullable List<EndpointDoc> endpoints, @Nullable List<RouteDoc> routes) {}

  record TargetDoc(@Nullable String model, @Nullable String version, @Nullable Integer weight) {

    RouteTarget toTarget() {
      return new RouteTarget(
          require(model, "model of a route target", "a registered model's name"),
          io.modelrouter.VersionSelector.parse(version),
          weight == null ? RouteTarget.DEFAULT_WEIGHT : weight);
    }
  }

  record RouteDoc(
      @Nullable String name, @Nullable List<TargetDoc> targets, @Nullable String policy, @Nullable Boolean fallback) {

    RouteDoc {
      // Validate while the parser still knows the line: the exception carries the location.
      toRoute(name, targets, policy, fallback);
    }

    RouteSpec toRoute() {
      return toRoute(name, targets, policy, fallback);
    }

    private static RouteSpec toRoute(
        @Nullable String name, @Nullable List<TargetDoc> targets, @Nullable String policy, @Nullable Boolean fallback) {
      RouteSpec.Builder b = RouteSpec.builder(require(name, "name", "the route's name"));
      List<RouteTarget> list = new ArrayList<>();
      for (TargetDoc t : nonNull(targets)) {
        if (t == null) {
          throw new IllegalArgumentException("targets of route " + name + " hold an empty entry (expected: {model: NAME})");
        }
        list.add(t.toTarget());
      }
      b.targets(list);
      if (policy != null) {
        b.policy(policy);
      }
      if (fallback != null) {
        b.fallback(fallback);
      }
      return b.build();
    }
  }

  record CostDoc(@Nullable Double perRequest, @Nullable Double per1kTokens) {}

  record ModelDoc(
      @Nullable String name,
      @Nullable String version,
      @Nullable List<String> tags,
      @Nullable String family,
      @Nullable List<String> operations,
      @Nullable List<String> capabilities,
      @Nullable JsonNode inputSchema,
      @Nullable List<TensorSpec> inputs,
      @Nullable List<TensorSpec> outputs,
      @Nullable CostDoc cost,
      @Nullable Integer trafficWeight,
      @Nullable Integer contextWindow,
      @Nullable Double quality) {

    ModelDoc {
      // Validate while the parser still knows the line: the exception carries the location.
      toSpec(name, version, tags, family, operations, capabilities, inputSchema, inputs, outputs, cost, trafficWeight,
          contextWindow, quality);
    }

    ModelSpec toSpec() {
      return toSpec(name, version, tags, family, operations, capabilities, inputSchema, inputs, outputs, cost,
          trafficWeight, contextWindow, quality);
    }

    private static ModelSpec toSpec(
        @Nullable String name,
        @Nullable String version,
        @Nullable List<String> tags,
        @Nullable String family,
        @Nullable List<String> operations,
        @Nullable List<String> capabilities,
        @Nullable JsonNode inputSchema,
        @Nullable List<TensorSpec> inputs,
        @Nullable List<TensorSpec> outputs,
        @Nullable CostDoc cost,
        @Nullable Integer trafficWeight,
        @Nullable Integer contextWindow,
        @Nullable Double quality) {
      String n = require(name, "name", "the model's name");
      ModelSpec.Builder b = ModelSpec.builder(n, require(version, "version of model " + n, "a version such as \"1\""));
      b.tags(set(tags)).family(family).capabilities(set(capabilities));
      Set<Operation> ops = java.util.EnumSet.noneOf(Operation.class);
      for (String op : nonNull(operations)) {
        ops.add(operation(op));
      }
      b.operations(ops);
      if (inputSchema != null && !inputSchema.isNull()) {
        if (inputSchema.isString()) {
          b.inputSchema(JSON.readTree(inputSchema.asString()).toString());
        } else if (inputSchema.isObject() || inputSchema.isBoolean()) {
          b.inputSchema(inputSchema.toString());
        } else {
          throw new IllegalArgumentException(
              "inputSchema of model " + n + " (expected: a JSON Schema object)");
        }
      }
      b.inputs(nonNull(inputs)).outputs(nonNull(outputs));
      if (cost != null) {
        if (cost.perRequest() != null) {
          b.costPerRequest(cost.perRequest());
        }
        if (cost.per1kTokens() != null) {
          b.costPer1kTokens(cost.per1kTokens());
        }
      }
      if (trafficWeight != null) {
        b.trafficWeight(trafficWeight);
      }
      if (contextWindow != null) {
        b.contextWindow(contextWindow);
      }
      if (quality != null) {
        b.quality(quality);
      }
      return b.build();
    }

    private static Operation operation(String op) {
      switch (op.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
        case "chat":
        case "chat-completions":
          return Operation.CHAT;
        case "completion":
        case "completions":
          return Operation.COMPLETION;
        case "embedding":
        case "embeddings":
          return Operation.EMBEDDING;
        case "infer":
          return Operation.INFER;
        default:
          throw new IllegalArgumentException(
              "operation: '" + op + "' (expected: chat, completion, embedding, infer)");
      }
    }
  }

  record EndpointDoc(
      @Nullable String id,
      @Nullable String url,
      @Nullable String protocol,
      @Nullable String server,
      @Nullable List<String> serves,
      @Nullable Integer weight,
      @Nullable String zone,
      @Nullable Integer maxConcurrency,
      @Nullable Integer slots,
      @Nullable Double maxRequestsPerSecond,
      @Nullable List<String> adapters,
      @Nullable Integer maxAdapters,
      @Nullable Map<String, String> labels,
      @Nullable CostDoc cost) {

    EndpointDoc {
      toEndpoint(id, url, protocol, server, serves, weight, zone, maxConcurrency, slots, maxRequestsPerSecond, adapters, maxAdapters, labels, cost);
    }

    Endpoint toEndpoint() {
      return toEndpoint(id, url, protocol, server, serves, weight, zone, maxConcurrency, slots, maxRequestsPerSecond, adapters, maxAdapters, labels, cost);
    }

    private static Endpoint toEndpoint(
        @Nullable String id,
        @Nullable String url,
        @Nullable String protocol,
        @Nullable String server,
        @Nullable List<String> serves,
        @Nullable Integer weight,
        @Nullable String zone,
        @Nullable Integer maxConcurrency,
        @Nullable Integer slots,
        @Nullable Double maxRequestsPerSecond,
        @Nullable List<String> adapters,
        @Nullable Integer maxAdapters,
        @Nullable Map<String, String> labels,
        @Nullable CostDoc cost) {
      String i = require(id, "id", "the endpoint's unique id");
      Endpoint.Builder b = Endpoint.builder(i, require(url, "url of endpoint " + i, "an http or https URL"));
      if (protocol != null) {
        b.protocol(Protocol.fromName(protocol));
      }
      if (server != null) {
        b.server(server);
      }
      List<ModelRef> refs = new ArrayList<>();
      for (String s : nonNull(serves)) {
        refs.add(ModelRef.parse(s));
      }
      b.serves(refs);
      if (weight != null) {
        b.weight(weight);
      }
      b.zone(zone);
      if (maxConcurrency != null) {
        b.maxConcurrency(maxConcurrency);
      }
      if (slots != null) {
        b.slots(slots);
      }
      if (maxRequestsPerSecond != null) {
        b.maxRequestsPerSecond(maxRequestsPerSecond);
      }
      b.adapters(set(adapters));
      if (maxAdapters != null) {
        b.maxAdapters(maxAdapters);
      }
      if (labels != null) {
        b.labels(labels);
      }
      if (cost != null) {
        if (cost.perRequest() != null) {
          b.costPerRequest(cost.perRequest());
        }
        if (cost.per1kTokens() != null) {
          b.costPer1kTokens(cost.per1kTokens());
        }
      }
      return b.build();
    }
  }
}
