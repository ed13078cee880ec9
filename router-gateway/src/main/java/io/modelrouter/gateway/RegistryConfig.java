package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.positive;

import com.fasterxml.jackson.annotation.JsonCreator;
import org.jspecify.annotations.Nullable;

/**
 * The {@code registry:} section: where the models and endpoints come from when they are not
 * inline ({@code models:}, {@code endpoints:} at the top of the file). Either a registry file,
 * relative to the configuration file and reloaded when it changes, or etcd, shared by every
 * replica. A bare string ({@code registry: registry.yaml}) names a file.
 *
 * <pre>{@code
 * registry:
 *   file: registry.yaml        # a registry file (RegistryFiles format); or
 *   etcd: {endpoints: [http://127.0.0.1:2379], prefix: /modelrouter/}   # see EtcdConfig
 *   reloadIntervalMs: 1000     # how often the files (registry and tenants) are checked for changes
 * }</pre>
 */
public record RegistryConfig(@Nullable String file, @Nullable EtcdConfig etcd, Long reloadIntervalMs) {

  /** How often files are checked for changes by default: every second, cheap (one stat) and quick enough for an edit. */
  public static final long DEFAULT_RELOAD_INTERVAL_MS = 1000;

  /** No file, no etcd: the registry is inline. */
  public static final RegistryConfig INLINE = new RegistryConfig(null, null, null);

  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public RegistryConfig {
    check(file == null || etcd == null, "etcd", "set with file", "one of file or etcd");
    check(file == null || !file.isBlank(), "file", "''", "a registry file name");
    reloadIntervalMs = positive(reloadIntervalMs, DEFAULT_RELOAD_INTERVAL_MS, "reloadIntervalMs");
  }

  /** {@code registry: FILE}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static RegistryConfig ofFile(String file) {
    return new RegistryConfig(file, null, null);
  }

  /** Whether the models and endpoints are in the configuration file itself. */
  boolean inline() {
    return file == null && etcd == null;
  }
}
