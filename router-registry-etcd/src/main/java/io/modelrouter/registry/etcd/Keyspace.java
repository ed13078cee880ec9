package io.modelrouter.registry.etcd;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RegistryFiles;
import io.modelrouter.registry.RouteSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The registry's keys under one prefix, parsed: one key per model version ({@code
 * <prefix>models/<name>/<version>}), one per endpoint ({@code <prefix>endpoints/<id>}) and one per
 * model route ({@code <prefix>routes/<name>}), each
 * holding a JSON value in the registry file schema. Keys that cannot be used become {@link
 * KeyProblem}s and are left out of the content.
 *
 * <p>Not thread-safe: one owner (the watch thread, or one read) applies changes and builds.
 */
final class Keyspace {

  static final String MODELS = "models/";
  static final String ENDPOINTS = "endpoints/";
  static final String ROUTES = "routes/";

  private final String prefix;
  private final RegistrationPolicy policy;
  private final TreeMap<String, Entry> entries = new TreeMap<>();

  Keyspace(String prefix) {
    this(prefix, RegistrationPolicy.allowAll());
  }

  Keyspace(String prefix, RegistrationPolicy policy) {
    this.prefix = prefix;
    this.policy = policy;
  }

  /** The prefix with a trailing slash; rejects an empty one. */
  static String normalizePrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty() || prefix.equals("/")) {
      throw new IllegalArgumentException("prefix: '" + prefix + "' (expected: a key prefix such as /modelrouter/)");
    }
    return prefix.endsWith("/") ? prefix : prefix + '/';
  }

  static String modelKey(String prefix, String name, String version) {
    return prefix + MODELS + name + '/' + version;
  }

  static String endpointKey(String prefix, String id) {
    return prefix + ENDPOINTS + id;
  }

  static String routeKey(String prefix, String name) {
    return prefix + ROUTES + name;
  }

  void clear() {
    entries.clear();
  }

  /** Parses and records one key's value, replacing what the key held before. */
  void put(String key, String value, long modRevision) {
    entries.put(key, parse(key, value, modRevision));
  }

  void delete(String key) {
    entries.remove(key);
  }

  private Entry parse(String key, String value, long modRevision) {
    if (value.isBlank()) {
      return new Bad(new KeyProblem(key, modRevision, "empty value (expected: a JSON object in the registry file schema)"));
    }
    try {
      if (key.startsWith(prefix + MODELS)) {
        ModelSpec spec = RegistryFiles.parseModel(value, key);
        String expected = modelKey(prefix, spec.name(), spec.version());
        if (!expected.equals(key)) {
          return new Bad(new KeyProblem(key, modRevision,
              "model " + spec.key() + " is under the wrong key (expected: " + expected + ")"));
        }
        String refused = policy.violation(spec);
        if (refused != null) {
          return new Bad(new KeyProblem(key, modRevision, refused));
        }
        return new Model(spec, modRevision);
      }
      if (key.startsWith(prefix + ENDPOINTS)) {
        Endpoint endpoint = RegistryFiles.parseEndpoint(value, key);
        String expected = endpointKey(prefix, endpoint.id());
        if (!expected.equals(key)) {
          return new Bad(new KeyProblem(key, modRevision,
              "endpoint " + endpoint.id() + " is under the wrong key (expected: " + expected + ")"));
        }
        String refused = policy.violation(endpoint);
        if (refused != null) {
          return new Bad(new KeyProblem(key, modRevision, refused));
        }
        return new EndpointValue(endpoint, modRevision);
      }
      if (key.startsWith(prefix + ROUTES)) {
        RouteSpec route = RegistryFiles.parseRoute(value, key);
        String expected = routeKey(prefix, route.name());
        if (!expected.equals(key)) {
          return new Bad(new KeyProblem(key, modRevision,
              "route " + route.name() + " is under the wrong key (expected: " + expected + ")"));
        }
        return new RouteValue(route, modRevision);
      }
      return new Bad(new KeyProblem(key, modRevision,
          "unexpected key (expected: " + prefix + MODELS + "<name>/<version>, " + prefix + ENDPOINTS + "<id> or "
              + prefix + ROUTES + "<name>)"));
    } catch (RuntimeException e) {
      // RegistryException names the key, line and column; anything else is a bug in the parser,
      // and still must not drop the rest of the registry.
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      if (message.startsWith(key + ':')) {
        message = message.substring(key.length() + 1).strip();
      }
      return new Bad(new KeyProblem(key, modRevision, message));
    }
  }

  /** The usable content, and the problems of every key that was left out. */
  Built build() {
    List<KeyProblem> problems = new ArrayList<>();
    List<Model> models = new ArrayList<>();
    List<Endpoint> endpoints = new ArrayList<>();
    List<RouteValue> routeValues = new ArrayList<>();
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry entry = e.getValue();
      if (entry instanceof Model m) {
        models.add(m);
      } else if (entry instanceof EndpointValue ev) {
        endpoints.add(ev.endpoint());
      } else if (entry instanceof RouteValue rv) {
        routeValues.add(rv);
      } else {
        problems.add(((Bad) entry).problem());
      }
    }
    List<ModelSpec> specs = withoutTagClashes(models, problems);
    java.util.Set<String> modelNames = new java.util.HashSet<>();
    for (ModelSpec m : specs) {
      modelNames.add(m.name());
    }
    List<RouteSpec> routes = new ArrayList<>();
    for (RouteValue rv : routeValues) {
      if (modelNames.contains(rv.route().name())) {
        // A route may not shadow a model: the model keeps the name, on every replica.
        problems.add(new KeyProblem(routeKey(prefix, rv.route().name()), rv.modRevision(),
            "route " + rv.route().name() + " has the name of a model (expected: routes and models named apart)"));
      } else {
        routes.add(rv.route());
      }
    }
    problems.sort(java.util.Comparator.comparing(KeyProblem::key));
    return new Built(new RegistryContent(specs, endpoints, routes), List.copyOf(problems));
  }

  /**
   * A tag names one version of a model. When two versions claim it, the one written first keeps
   * it and the other is skipped, so every replica makes the same choice.
   */
  private List<ModelSpec> withoutTagClashes(List<Model> models, List<KeyProblem> problems) {
    List<Model> byAge = new ArrayList<>(models);
    byAge.sort((a, b) -> Long.compare(a.modRevision(), b.modRevision()));
    Map<String, Model> owner = new HashMap<>(); // name + '\0' + tag -> version holding it
    List<Model> skipped = new ArrayList<>();
    for (Model m : byAge) {
      Model clash = null;
      String clashTag = null;
      for (String tag : m.spec().tags()) {
        Model holder = owner.get(m.spec().name() + '\0' + tag);
        if (holder != null) {
          clash = holder;
          clashTag = tag;
          break;
        }
      }
      if (clash != null) {
        skipped.add(m);
        problems.add(new KeyProblem(modelKey(prefix, m.spec().name(), m.spec().version()), m.modRevision(),
            "tag '" + clashTag + "' is already on version " + clash.spec().version() + " of model "
                + m.spec().name() + " (expected: a tag on one version)"));
        continue;
      }
      for (String tag : m.spec().tags()) {
        owner.put(m.spec().name() + '\0' + tag, m);
      }
    }
    List<ModelSpec> specs = new ArrayList<>(models.size());
    for (Model m : models) {
      if (!skipped.contains(m)) {
        specs.add(m.spec());
      }
    }
    return specs;
  }

  record Built(RegistryContent content, List<KeyProblem> problems) {}

  private sealed interface Entry permits Model, EndpointValue, RouteValue, Bad {}

  private record RouteValue(RouteSpec route, long modRevision) implements Entry {}

  private record Model(ModelSpec spec, long modRevision) implements Entry {}

  private record EndpointValue(Endpoint endpoint, long modRevision) implements Entry {}

  private record Bad(KeyProblem problem) implements Entry {}
}
