package io.modelrouter.registry;

import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStates;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, pre-indexed view of the registry: model name to {@link ModelEntry}, version to
 * {@link ModelVersion}, and each version's endpoints as arrays. A registry builds a new snapshot
 * on every change and swaps it in atomically, so routing never locks and never sees half an
 * update. Endpoint {@link EndpointState}s are shared with earlier snapshots by endpoint id.
 */
public final class RegistrySnapshot {

  private static final RegistrySnapshot EMPTY =
      new RegistrySnapshot(0, Map.of(), Map.of(), Map.of(), List.of(), List.of(), List.of());

  private final long generation;
  private final Map<String, ModelEntry> models;
  private final Map<String, Endpoint> endpoints;
  private final Map<String, EndpointState> states;
  private final List<ModelSpec> specs;
  private final List<Endpoint> endpointList;
  private final List<String> warnings;

  private RegistrySnapshot(
      long generation,
      Map<String, ModelEntry> models,
      Map<String, Endpoint> endpoints,
      Map<String, EndpointState> states,
      List<ModelSpec> specs,
      List<Endpoint> endpointList,
      List<String> warnings) {
    this.generation = generation;
    this.models = models;
    this.endpoints = endpoints;
    this.states = states;
    this.specs = specs;
    this.endpointList = endpointList;
    this.warnings = warnings;
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
    Objects.requireNonNull(modelSpecs, "modelSpecs");
    Objects.requireNonNull(endpointSpecs, "endpointSpecs");
    Objects.requireNonNull(states, "states");

    Map<String, Map<String, ModelSpec>> byModel = new TreeMap<>();
    for (ModelSpec spec : modelSpecs) {
      ModelSpec previous = byModel.computeIfAbsent(spec.name(), k -> new HashMap<>()).put(spec.version(), spec);
      if (previous != null) {
        throw new IllegalArgumentException("model " + spec.key() + " is registered twice (expected: each name:version once)");
      }
    }

    TreeMap<String, Endpoint> endpointsById = new TreeMap<>();
    for (Endpoint e : endpointSpecs) {
      if (endpointsById.put(e.id(), e) != null) {
        throw new IllegalArgumentException("endpoint id " + e.id() + " is registered twice (expected: unique ids)");
      }
    }

    List<String> warnings = new ArrayList<>();
    Map<String, List<Endpoint>> servingByKey = new HashMap<>();
    Map<String, EndpointState> stateById = new HashMap<>(endpointsById.size() * 2);
    for (Endpoint e : endpointsById.values()) {
      stateById.put(e.id(), states.stateOf(e.id()));
      Set<String> keys = new HashSet<>();
      for (ModelRef ref : e.serves()) {
        Map<String, ModelSpec> versions = byModel.get(ref.model());
        if (versions == null) {
          warnings.add("endpoint " + e.id() + " serves " + ref + ", which is not a registered model");
          continue;
        }
        if (ref.version() == null) {
          for (ModelSpec spec : versions.values()) {
            keys.add(spec.key());
          }
        } else if (versions.containsKey(ref.version())) {
          keys.add(ref.model() + ':' + ref.version());
        } else {
          warnings.add("endpoint " + e.id() + " serves " + ref + ", which is not a registered version");
        }
      }
      for (String key : keys) {
        servingByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
      }
    }

    Map<String, ModelEntry> entries = new HashMap<>(byModel.size() * 2);
    List<ModelSpec> specList = new ArrayList<>(modelSpecs.size());
    for (Map.Entry<String, Map<String, ModelSpec>> m : byModel.entrySet()) {
      List<ModelSpec> ordered = new ArrayList<>(m.getValue().values());
      ordered.sort((a, b) -> ModelEntry.VERSION_ORDER.compare(a.version(), b.version()));
      ModelVersion[] versions = new ModelVersion[ordered.size()];
      Map<String, ModelVersion> byTag = new HashMap<>();
      for (int i = 0; i < versions.length; i++) {
        ModelSpec spec = ordered.get(i);
        List<Endpoint> serving = servingByKey.getOrDefault(spec.key(), List.of());
        Endpoint[] es = serving.toArray(new Endpoint[0]); // already in id order
        EndpointState[] ss = new EndpointState[es.length];
        for (int j = 0; j < es.length; j++) {
          ss[j] = stateById.get(es[j].id());
        }
        versions[i] = new ModelVersion(spec, es, ss);
        for (String tag : spec.tags()) {
          ModelVersion clash = byTag.put(tag, versions[i]);
          if (clash != null) {
            throw new IllegalArgumentException(
                "tag '" + tag + "' of model " + m.getKey() + " is on versions " + clash.spec().version()
                    + " and " + spec.version() + " (expected: a tag on one version)");
          }
        }
        specList.add(spec);
      }
      entries.put(m.getKey(), new ModelEntry(m.getKey(), versions, Map.copyOf(byTag)));
    }
    return new RegistrySnapshot(
        generation,
        entries,
        Collections.unmodifiableMap(new HashMap<>(endpointsById)),
        stateById,
        Collections.unmodifiableList(specList),
        List.copyOf(endpointsById.values()),
        List.copyOf(warnings));
  }

  /** Increases with every snapshot a registry publishes. */
  public long generation() {
    return generation;
  }

  /** The model with this name, or null. One hash lookup. */
  public @Nullable ModelEntry model(String name) {
    return models.get(name);
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
    return endpoints.get(id);
  }

  /** Every endpoint, by id. */
  public List<Endpoint> endpoints() {
    return endpointList;
  }

  /** The live state of the endpoint with this id, or null if it is not in this snapshot. */
  public @Nullable EndpointState state(String endpointId) {
    return states.get(endpointId);
  }

  /** The live states of every endpoint in this snapshot. */
  public Collection<EndpointState> states() {
    return Collections.unmodifiableCollection(states.values());
  }

  /** What was accepted but looks wrong, such as an endpoint serving an unknown model. */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return "RegistrySnapshot{generation=" + generation + ", models=" + models.size()
        + ", versions=" + specs.size() + ", endpoints=" + endpoints.size() + '}';
  }
}
