package io.modelrouter.registry.etcd;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RegistryFiles;
import io.modelrouter.registry.RouteSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes the registry's keys in etcd: one key per model version, {@code
 * <prefix>models/<name>/<version>}, one per endpoint, {@code <prefix>endpoints/<id>}, and one per
 * model route, {@code <prefix>routes/<name>}, each
 * holding a JSON object in the registry file schema ({@link RegistryFiles#toJson(ModelSpec)}).
 * Every {@link EtcdRegistry} watching the same prefix sees each write as one change.
 *
 * <p>Thread-safe; every method is one or a few requests to etcd and throws {@link EtcdException}
 * when etcd cannot be reached.
 */
public final class EtcdRegistryStore {

  /**
   * How many writes go into one transaction: {@value #MAX_WRITES_PER_TXN}, etcd's default
   * {@code --max-txn-ops}. An import of more keys takes several revisions.
   */
  public static final int MAX_WRITES_PER_TXN = 128;

  private final EtcdClient client;
  private final String prefix;

  private EtcdRegistryStore(EtcdClient client, String prefix) {
    this.client = client;
    this.prefix = prefix;
  }

  /** The store under {@link EtcdRegistry#DEFAULT_PREFIX}. */
  public static EtcdRegistryStore of(EtcdClient client) {
    return of(client, EtcdRegistry.DEFAULT_PREFIX);
  }

  /** The store under {@code prefix}; a trailing slash is added when missing. */
  public static EtcdRegistryStore of(EtcdClient client, String prefix) {
    return new EtcdRegistryStore(Objects.requireNonNull(client, "client"), Keyspace.normalizePrefix(prefix));
  }

  /** The key prefix, ending with a slash. */
  public String prefix() {
    return prefix;
  }

  /** The key of this model version. */
  public String keyOf(ModelSpec spec) {
    return Keyspace.modelKey(prefix, spec.name(), spec.version());
  }

  /** The key of this endpoint. */
  public String keyOf(Endpoint endpoint) {
    return Keyspace.endpointKey(prefix, endpoint.id());
  }

  /** The key of this model route. */
  public String keyOf(RouteSpec route) {
    return Keyspace.routeKey(prefix, route.name());
  }

  /** Adds or replaces a model route; returns the revision of the write. */
  public long put(RouteSpec route) {
    return client.put(keyOf(route), RegistryFiles.toJson(route), 0);
  }

  /** Removes one model route; returns the revision after the call. */
  public long removeRoute(String name) {
    return client.delete(Keyspace.routeKey(prefix, name));
  }

  /** Adds or replaces a model version; returns the revision of the write. */
  public long put(ModelSpec spec) {
    return client.put(keyOf(spec), RegistryFiles.toJson(spec), 0);
  }

  /**
   * Adds or replaces an endpoint with no lease: it stays until removed. A model server that
   * registers itself should use {@link EndpointRegistration} instead.
   */
  public long put(Endpoint endpoint) {
    return client.put(keyOf(endpoint), RegistryFiles.toJson(endpoint), 0);
  }

  /** Removes one model version; returns the revision after the call. */
  public long removeModel(String name, String version) {
    return client.delete(Keyspace.modelKey(prefix, name, version));
  }

  /** Removes one endpoint; returns the revision after the call. */
  public long removeEndpoint(String id) {
    return client.delete(Keyspace.endpointKey(prefix, id));
  }

  /**
   * Writes every model, endpoint and route of {@code content}, models first, in transactions of at most
   * {@link #MAX_WRITES_PER_TXN} writes: up to that size, watchers see the import as one change.
   * Keys that are not in the content stay unless {@code prune} is set, in which case they are
   * deleted in the same transactions.
   *
   * @return the revision of the last transaction
   */
  public long importContent(RegistryContent content, boolean prune) {
    Objects.requireNonNull(content, "content");
    List<EtcdClient.Write> writes = new ArrayList<>();
    java.util.Set<String> keep = new java.util.HashSet<>();
    for (ModelSpec m : content.models()) {
      writes.add(new EtcdClient.Write(keyOf(m), RegistryFiles.toJson(m)));
      keep.add(keyOf(m));
    }
    for (Endpoint e : content.endpoints()) {
      writes.add(new EtcdClient.Write(keyOf(e), RegistryFiles.toJson(e)));
      keep.add(keyOf(e));
    }
    for (RouteSpec r : content.routes()) {
      writes.add(new EtcdClient.Write(keyOf(r), RegistryFiles.toJson(r)));
      keep.add(keyOf(r));
    }
    if (prune) {
      // Deletes go last, so that an endpoint's new models exist before old ones disappear.
      for (EtcdClient.KeyValue kv : client.range(prefix).kvs()) {
        if (!keep.contains(kv.key())) {
          writes.add(new EtcdClient.Write(kv.key(), null));
        }
      }
    }
    long revision = 0;
    for (int from = 0; from < writes.size(); from += MAX_WRITES_PER_TXN) {
      revision = client.txn(writes.subList(from, Math.min(writes.size(), from + MAX_WRITES_PER_TXN)));
    }
    return revision == 0 ? client.currentRevision() : revision;
  }

  /** Reads every key under the prefix at one revision. */
  public Listing list() {
    EtcdClient.RangeResult range = client.range(prefix);
    Keyspace keyspace = new Keyspace(prefix);
    for (EtcdClient.KeyValue kv : range.kvs()) {
      keyspace.put(kv.key(), kv.value(), kv.modRevision());
    }
    Keyspace.Built built = keyspace.build();
    return new Listing(range.revision(), built.content(), built.problems());
  }

  /**
   * What the prefix held at one revision.
   *
   * @param revision the etcd revision of the read
   * @param content the usable models and endpoints
   * @param problems the keys that were skipped, and why
   */
  public record Listing(long revision, RegistryContent content, List<KeyProblem> problems) {

    public Listing {
      Objects.requireNonNull(content, "content");
      problems = List.copyOf(problems);
    }
  }
}
