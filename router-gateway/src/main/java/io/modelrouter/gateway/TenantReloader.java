package io.modelrouter.gateway;

import io.modelrouter.http.gateway.Authenticator;
import io.modelrouter.http.gateway.GatewayRequest;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.registry.RegistryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants, keys and quotas of a configuration file, swapped in whole when the file is read
 * again: requests in flight keep the tenant they were admitted as, connections stay open, and the
 * next request sees the new keys. A file that no longer reads keeps the last good tenants serving
 * and logs why. Other sections need a restart; a change to them is logged as such.
 */
final class TenantReloader implements Authenticator {

  private static final Logger log = LoggerFactory.getLogger(TenantReloader.class);

  private final Path file;
  private volatile GatewayConfig current;
  private volatile @Nullable String lastError;

  TenantReloader(Path file, GatewayConfig initial) {
    this.file = Objects.requireNonNull(file, "file");
    this.current = initial;
  }

  @Override
  public @Nullable Tenant authenticate(GatewayRequest request) {
    return current.authenticator().authenticate(request);
  }

  /** Why the last reload failed, or null when it succeeded (or none was tried). */
  @Nullable String lastError() {
    return lastError;
  }

  /** The tenants now in force. */
  List<Tenant> tenants() {
    return current.tenants();
  }

  /**
   * Reads the file again and swaps in its tenants.
   *
   * @return whether the file read; when not, the last good tenants stay
   */
  boolean reload() {
    GatewayConfig next;
    try {
      next = GatewayConfig.read(file, false);
    } catch (RegistryException e) {
      log.warn("configuration reload failed, keeping the last good tenants: {}", e.getMessage());
      lastError = e.getMessage();
      return false;
    }
    lastError = null;
    GatewayConfig before = current;
    current = next;
    if (!before.tenants().equals(next.tenants())) {
      log.info("configuration reloaded from {}: {} tenants", file, next.tenants().size());
    }
    if (!next.sameApartFromTenants(before)) {
      log.warn("configuration {} changed outside tenants: those changes take effect on restart", file);
    }
    return true;
  }
}
