package io.modelrouter.registry;

import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, pre-indexed view of the registry: model name to {@link ModelEntry}, version to
 * {@link ModelVersion}, and each version's endpoints as arrays. A registry builds a new snapshot
 * on every change and swaps it in atomically, so routing never locks and never sees half an
 * update. Endpoint {@link EndpointState}s are shared with earlier snapshots by endpoint id.
 */
public final class RegistrySnapshot {

  private static final RegistrySnapshot EMPTY =
      new RegistrySnapshot(0, Map.of(), Map.of(), List.of(), List.of(), List.of(), Map.of(), List.of());

  private final long generation;
  private final Map<String, ModelEntry> models;
  private final Map<String, Slot> slots;
  private final List<ModelSpec> specs;
  private final List<Endpoint> endpointList;
  private final List<String> warnings;
  private final Map<String, RouteEntry> routes;
  private final List<RouteSpec> routeSpecs;

  private RegistrySnapshot(
      long generation,
      Map<String, ModelEntry> models,
      Map<String, Slot> slots,
      List<ModelSpec> specs,
      List<Endpoint> endpointList,
      List<String> warnings,
      Map<String, RouteEntry> routes,
      List<RouteSpec> routeSpecs) {
    this.generation = generation;
    this.models = models;
    this.slots = slots;
    this.specs = specs;
    this.endpointList = endpointList;
    this.warnings = warnings;
    this.routes = routes;
    this.routeSpecs = routeSpecs;
  }

  /** The snapshot with nothing in it, generation 0. */
  public static RegistrySnapshot empty() {
    return EMPTY;
  }

  /**
   * Builds and indexes a snapshot. Endpoint states come from {@code states} (created for new
   * endpoint ids); states of endpoints that are not in this snapshot are left to the caller.
   *
   * @throws IllegalArgumentException on a duplicated model version, endpoint id or tag, naming it
   */
  public static RegistrySnapshot of(
      Collection<ModelSpec> modelSpecs,
      Collection<Endpoint> endpointSpecs,
      EndpointStates states,
      long generation) {
    return of(modelSpecs, endpointSpecs, List.of(), states, generation);
  }

  /**
   * Builds and indexes a snapshot of content with model routes; see {@link #of(Collection,
   * Collection, EndpointStates, long)}. A route target naming a model that is not registered is
   * kept, resolved to nothing, with a warning.
   *
   * @throws IllegalArgumentException also on a route registered twice or named like a model
   */
  public static RegistrySnapshot of(RegistryContent content, EndpointStates states, long generation) {
    return of(content.models(), content.endpoints(), content.routes(), states, generation);
  }

  private static RegistrySnapshot of(
      Collection<ModelSpec> modelSpecs,
      Collection<Endpoint> endpointSpecs,
      Collection<RouteSpec> routeSpecs,
      EndpointStates states,
      long generation) {
    Objects.requireNonNull(modelSpecs, "modelSpecs");
    Objects.requireNonNull(endpointSpecs, "endpointSpecs");
    Objects.requireNonNull(states, "states");

    // Model versions get dense indices; endpoints are counted per index, then placed in arrays.
    ModelSpec[] specs = modelSpecs.toArray(new ModelSpec[0]);
    Map<String, Map<String, Integer>> versionIndex = new HashMap<>();
    for (int i = 0; i < specs.length; i++) {
      ModelSpec spec = specs[i];
      if (versionIndex.computeIfAbsent(spec.name(), k -> new HashMap<>(8)).put(spec.version(), i) != null) {
        throw new IllegalArgumentException("model " + spec.key() + " is registered twice (expected: each name:version once)");
      }
    }

    Endpoint[] endpoints = endpointSpecs.toArray(new Endpoint[0]);
    Arrays.sort(endpoints, Comparator.comparing(Endpoint::id));
    for (int i = 1; i < endpoints.length; i++) {
      if (endpoints[i].id().equals(endpoints[i - 1].id())) {
        throw new IllegalArgumentException(
            "endpoint id " + endpoints[i].id() + " is registered twice (expected: unique ids)");
      }
    }

    List<String> warnings = new ArrayList<>();
    int[] counts = new int[specs.length];
    int[] lastSeenBy = new int[specs.length];
    Arrays.fill(lastSeenBy, -1);
    int[][] servedBy = new int[endpoints.length][];
    int[] scratch = new int[Math.max(specs.length, 1)];
    for (int e = 0; e < endpoints.length; e++) {
      Endpoint endpoint = endpoints[e];
      int n = 0;
      for (ModelRef ref : endpoint.serves()) {
        Map<String, Integer> versions = versionIndex.get(ref.model());
        if (versions == null) {
          warnings.add("endpoint " + endpoint.id() + " serves " + ref + ", which is not a registered model");
          continue;
        }
        if (ref.version() == null) {
          for (Integer i : versions.values()) {
            n = mark(i, e, lastSeenBy, scratch, n);
          }
        } else {
          Integer i = versions.get(ref.version());
          if (i == null) {
            warnings.add("endpoint " + endpoint.id() + " serves " + ref + ", which is not a registered version");
          } else {
            n = mark(i, e, lastSeenBy, scratch, n);
          }
        }
      }
      servedBy[e] = Arrays.copyOf(scratch, n);
      for (int k = 0; k < n; k++) {
        counts[scratch[k]]++;
      }
    }

    EndpointState[] endpointStates = new EndpointState[endpoints.length];
    Map<String, Slot> slots = new HashMap<>(endpoints.length * 4 / 3 + 1);
    for (int e = 0; e < endpoints.length; e++) {
      endpointStates[e] = states.stateOf(endpoints[e].id());
      slots.put(endpoints[e].id(), new Slot(endpoints[e], endpointStates[e]));
    }

    // Fill each version's arrays in endpoint-id order.
    Endpoint[][] versionEndpoints = new Endpoint[specs.length][];
    EndpointState[][] versionStates = new EndpointState[specs.length][];
    for (int i = 0; i < specs.length; i++) {
      versionEndpoints[i] = new Endpoint[counts[i]];
      versionStates[i] = new EndpointState[counts[i]];
      counts[i] = 0;
    }
    for (int e = 0; e < endpoints.length; e++) {
      for (int i : servedBy[e]) {
        int at = counts[i]++;
        versionEndpoints[i][at] = endpoints[e];
        versionStates[i][at] = endpointStates[e];
      }
    }

    Map<String, ModelEntry> entries = new HashMap<>(versionIndex.size() * 4 / 3 + 1);
    List<ModelSpec> specList = new ArrayList<>(specs.length);
    List<String> names = new ArrayList<>(versionIndex.keySet());
    names.sort(null);
    for (String name : names) {
      Collection<Integer> indices = versionIndex.get(name).values();
      ModelVersion[] versions = new ModelVersion[indices.size()];
      int k = 0;
      for (int i : indices) {
        versions[k++] = new ModelVersion(specs[i], versionEndpoints[i], versionStates[i]);
      }
      Arrays.sort(versions, (a, b) -> ModelEntry.VERSION_ORDER.compare(a.spec().version(), b.spec().version()));
      Map<String, ModelVersion> byTag = new HashMap<>();
      for (ModelVersion v : versions) {
        for (String tag : v.spec().tags()) {
          ModelVersion clash = byTag.put(tag, v);
          if (clash != null) {
            throw new IllegalArgumentException(
                "tag '" + tag + "' of model " + name + " is on versions " + clash.spec().version()
                    + " and " + v.spec().version() + " (expected: a tag on one version)");
          }
        }
        specList.add(v.spec());
      }
      entries.put(name, new ModelEntry(name, versions, Map.copyOf(byTag)));
    }
    Map<String, RouteEntry> routes = routeEntries(routeSpecs, entries, warnings);
    return new RegistrySnapshot(
        generation,
        entries,
        slots,
        Collections.unmodifiableList(specList),
        List.of(endpoints),
        List.copyOf(warnings),
        routes,
        List.copyOf(routeSpecs));
  }

  private static Map<String, RouteEntry> routeEntries(
      Collection<RouteSpec> routeSpecs, Map<String, ModelEntry> models, List<String> warnings) {
    if (routeSpecs.isEmpty()) {
      return Map.of();
    }
    Map<String, RouteEntry> routes = new HashMap<>(routeSpecs.size() * 4 / 3 + 1);
    for (RouteSpec route : routeSpecs) {
      if (models.containsKey(route.name())) {
        throw new IllegalArgumentException(
            "route " + route.name() + " has the name of a model (expected: routes and models named apart)");
      }
      ModelEntry[] resolved = new ModelEntry[route.targets().size()];
      for (int i = 0; i < resolved.length; i++) {
        RouteTarget t = route.targets().get(i);
        resolved[i] = models.get(t.model());
        if (resolved[i] == null) {
          warnings.add("route " + route.name() + " targets " + t.model() + ", which is not a registered model");
        }
      }
      if (routes.put(route.name(), new RouteEntry(route, resolved)) != null) {
        throw new IllegalArgumentException("route " + route.name() + " is registered twice (expected: each route once)");
      }
    }
    return routes;
  }

  /** Adds version index {@code i} to the endpoint's list once, however often it is referenced. */
  private static int mark(int i, int endpoint, int[] lastSeenBy, int[] scratch, int n) {
    if (lastSeenBy[i] != endpoint) {
      lastSeenBy[i] = endpoint;
      scratch[n++] = i;
    }
    return n;
  }

  /** An endpoint and its live state, found together by id. */
  private record Slot(Endpoint endpoint, EndpointState state) {}

  /** Increases with every snapshot a registry publishes. */
  public long generation() {
    return generation;
  }

  /** The model with this name, or null. One hash lookup. */
  public @Nullable ModelEntry model(String name) {
    return models.get(name);
  }

  /** The model route with this name, or null. One hash lookup. */
  public @Nullable RouteEntry route(String name) {
    return routes.get(name);
  }

  /** Every model route's spec, in registration order. */
  public List<RouteSpec> routeSpecs() {
    return routeSpecs;
  }

  /** Every model, in no particular order. */
  public Collection<ModelEntry> models() {
    return models.values();
  }

  /** Every model version's spec, by name then version. */
  public List<ModelSpec> modelSpecs() {
    return specs;
  }

  /** The spec of one model version, or null. */
  public @Nullable ModelSpec modelSpec(String name, String version) {
    ModelEntry m = models.get(name);
    ModelVersion v = m == null ? null : m.version(version);
    return v == null ? null : v.spec();
  }

  /** The endpoint with this id, or null. */
  public @Nullable Endpoint endpoint(String id) {
    Slot slot = slots.get(id);
    return slot == null ? null : slot.endpoint();
  }

  /** Every endpoint, by id. */
  public List<Endpoint> endpoints() {
    return endpointList;
  }

  /** The live state of the endpoint with this id, or null if it is not in this snapshot. */
  public @Nullable EndpointState state(String endpointId) {
    Slot slot = slots.get(endpointId);
    return slot == null ? null : slot.state();
  }

  /** The live states of every endpoint in this snapshot, in endpoint-id order. */
  public List<EndpointState> states() {
    List<EndpointState> list = new ArrayList<>(endpointList.size());
    for (Endpoint e : endpointList) {
      list.add(slots.get(e.id()).state());
    }
    return list;
  }

  /** What was accepted but looks wrong, such as an endpoint serving an unknown model. */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return "RegistrySnapshot{generation=" + generation + ", models=" + models.size()
        + ", versions=" + specs.size() + ", endpoints=" + endpointList.size()
        + (routes.isEmpty() ? "" : ", routes=" + routes.size()) + '}';
  }
}
