package io.modelrouter.gateway;

import io.modelrouter.http.gateway.Authenticator;
import io.modelrouter.registry.FileRegistry;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.registry.RegistryException;
import io.modelrouter.registry.etcd.EtcdClient;
import io.modelrouter.registry.etcd.EtcdRegistry;
import io.modelrouter.registry.etcd.ReplicaMembership;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway of {@code gateway --config FILE}: {@link GatewayApp} with the registry the file
 * names opened (inline, a registry file watched for changes, or etcd), the tenants reloaded when
 * the file changes or on {@link #reload()} (SIGHUP), and, on etcd, this replica's membership,
 * by which it enforces its share of every tenant's quota.
 */
final class ConfiguredGateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfiguredGateway.class);

  /** How long start-up waits for etcd's first read before serving from an empty registry. */
  static final Duration ETCD_LOAD_TIMEOUT = Duration.ofSeconds(10);

  private final GatewayApp app;
  private final ModelRegistry registry;
  private final @Nullable FileWatcher watcher;
  private final @Nullable TenantReloader tenants;
  private final @Nullable ReplicaMembership membership;
  private final AtomicReference<@Nullable String> registryError;

  private ConfiguredGateway(GatewayApp app, ModelRegistry registry, @Nullable FileWatcher watcher,
      @Nullable TenantReloader tenants, @Nullable ReplicaMembership membership,
      AtomicReference<@Nullable String> registryError) {
    this.app = app;
    this.registryError = registryError;
    this.registry = registry;
    this.tenants = tenants;
    this.watcher = watcher;
    this.membership = membership;
  }

  /** Opens what {@code config} names and starts the gateway. */
  static ConfiguredGateway start(GatewayConfig config) throws IOException {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Map<Path, Runnable> watched = new LinkedHashMap<>();
      AtomicReference<@Nullable String> registryError = new AtomicReference<>();
      EtcdConfig etcd = config.registry().etcd();
      EtcdClient client = etcd == null ? null : etcd.client();
      if (client != null) {
        resources.add(client);
      }
      ModelRegistry registry = openRegistry(config, client, resources, watched, registryError);
      Authenticator tenants = config.authenticator();
      TenantReloader reloader = null;
      if (config.file() != null) {
        reloader = new TenantReloader(config.file(), config);
        watched.put(config.file().toAbsolutePath(), reloader::reload);
        tenants = reloader;
      }
      ReplicaMembership membership = null;
      if (etcd != null && client != null && etcd.shareQuotas()) {
        membership = ReplicaMembership.builder(client, etcd.replicaPrefix())
            .ttl(Duration.ofSeconds(etcd.replicaTtlSeconds()))
            .join();
        resources.add(0, membership); // leaves the fleet before its client closes
        tenants = new QuotaShare(tenants, membership::liveReplicas);
      }
      FileWatcher watcher = watched.isEmpty() ? null
          : new FileWatcher(watched, Duration.ofMillis(config.registry().reloadIntervalMs()));
      if (watcher != null) {
        resources.add(0, watcher);
      }
      GatewayApp app = GatewayApp.start(config, registry, tenants, resources.toArray(new AutoCloseable[0]));
      return new ConfiguredGateway(app, registry, watcher, reloader, membership, registryError);
    } catch (IOException | RuntimeException e) {
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * The registry the configuration names; its resources are added to {@code resources} ahead of
   * the etcd client, which closes last; files to watch go to {@code watched}.
   */
  private static ModelRegistry openRegistry(GatewayConfig config, @Nullable EtcdClient client, List<AutoCloseable> resources,
      Map<Path, Runnable> watched, AtomicReference<@Nullable String> registryError) {
    EtcdConfig etcd = config.registry().etcd();
    if (etcd != null && client != null) {
      EtcdRegistry registry = etcd.registry(client);
      resources.add(0, registry);
      try {
        if (!registry.awaitLoaded(ETCD_LOAD_TIMEOUT)) {
          log.warn("etcd at {} not read within {} s; serving an empty registry until it is", etcd.endpoints(),
              ETCD_LOAD_TIMEOUT.toSeconds());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return registry;
    }
    Path file = config.registryFile();
    if (file != null) {
      FileRegistry registry = FileRegistry.load(file);
      watched.put(file.toAbsolutePath(), () -> registryError.set(reloadRegistry(registry)));
      return registry;
    }
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(config.inlineRegistry());
    return registry;
  }

  /** Reads the registry file again; returns why it failed, or null. */
  private static @Nullable String reloadRegistry(FileRegistry registry) {
    try {
      if (registry.reload()) {
        log.info("registry reloaded from {}: {} endpoints", registry.file(), registry.snapshot().endpoints().size());
      }
      return null;
    } catch (RegistryException e) {
      log.warn("registry reload failed, keeping the last good registry: {}", e.getMessage());
      return e.getMessage();
    }
  }

  /** Reads the watched files again now, changed or not (SIGHUP). */
  void reload() {
    if (watcher != null) {
      watcher.reloadAll();
    }
  }

  /** Why the last reload of the configuration file failed, or null. */
  @Nullable String lastReloadError() {
    return tenants == null ? null : tenants.lastError();
  }

  /** Why the last reload of the registry file failed, or null. */
  @Nullable String lastRegistryReloadError() {
    return registryError.get();
  }

  /** The live gateway replicas this one counts, itself included (1 without etcd). */
  int liveReplicas() {
    return membership == null ? 1 : membership.liveReplicas();
  }

  /** The registry it routes over. */
  ModelRegistry registry() {
    return registry;
  }

  GatewayApp app() {
    return app;
  }

  @Override
  public void close() {
    app.close();
  }
}
