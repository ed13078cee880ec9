package io.modelrouter.registry.etcd;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.RegistryFiles;
import java.time.Duration;
import java.util.Objects;

/**
 * A model server's (or its sidecar's) own endpoint key in etcd, attached to a lease with a TTL and
 * kept alive from a background thread. When the process dies the keep-alives stop, etcd expires the
 * lease after the TTL and deletes the key, and every {@link EtcdRegistry} drops the endpoint: a dead
 * instance disappears on its own. {@link #close()} revokes the lease, so a clean shutdown removes
 * the endpoint at once.
 *
 * <p>Keep-alives are sent every third of the TTL, so two may fail before the lease expires. If the
 * lease was lost anyway (etcd unreachable for longer than the TTL), the next successful keep-alive
 * notices and registers the endpoint again on a new lease.
 *
 * <pre>{@code
 * try (EtcdClient etcd = EtcdClient.connect("http://10.0.0.2:2379");
 *      EndpointRegistration reg = EndpointRegistration.builder(etcd, self).ttl(Duration.ofSeconds(10)).register()) {
 *   server.awaitTermination();
 * }
 * }</pre>
 */
public final class EndpointRegistration implements AutoCloseable {

  /**
   * The lease TTL when none is given: {@value #DEFAULT_TTL_SECONDS} s. A dead instance keeps
   * receiving traffic for up to this long (health checks and outlier ejection cover the gap), while
   * a live one survives a few seconds of etcd being unreachable.
   */
  public static final long DEFAULT_TTL_SECONDS = 10;

  private final Endpoint endpoint;
  private final LeasedKey lease;

  private EndpointRegistration(Endpoint endpoint, LeasedKey lease) {
    this.endpoint = endpoint;
    this.lease = lease;
  }

  /** A builder that registers {@code endpoint} through {@code client}. */
  public static Builder builder(EtcdClient client, Endpoint endpoint) {
    return new Builder(client, endpoint);
  }

  /** The registered endpoint. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The etcd key holding the endpoint. */
  public String key() {
    return lease.key();
  }

  /** The id of the lease the key is attached to now (it changes if the lease had to be renewed). */
  public long leaseId() {
    return lease.leaseId();
  }

  /** The lease TTL in seconds. */
  public long ttlSeconds() {
    return lease.ttlSeconds();
  }

  /**
   * Stops the keep-alives and revokes the lease, which deletes the key. When etcd cannot be
   * reached the key goes when the lease expires.
   */
  @Override
  public void close() {
    lease.close();
  }

  /** Stops the keep-alives without revoking, as a crashed process would: the key expires. */
  void abandon() {
    lease.abandon();
  }

  /** Builds and starts an {@link EndpointRegistration}. */
  public static final class Builder {
    private final EtcdClient client;
    private final Endpoint endpoint;
    private String prefix = EtcdRegistry.DEFAULT_PREFIX;
    private long ttlSeconds = DEFAULT_TTL_SECONDS;

    private Builder(EtcdClient client, Endpoint endpoint) {
      this.client = Objects.requireNonNull(client, "client");
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The registry's key prefix; default {@value EtcdRegistry#DEFAULT_PREFIX}. */
    public Builder prefix(String prefix) {
      this.prefix = Keyspace.normalizePrefix(prefix);
      return this;
    }

    /**
     * The lease TTL, in whole seconds; default {@value EndpointRegistration#DEFAULT_TTL_SECONDS} s. etcd raises TTLs
     * below its minimum (1.5 election timeouts, 2 s by default) to that minimum.
     */
    public Builder ttl(Duration ttl) {
      this.ttlSeconds = LeasedKey.ttlSeconds(ttl);
      return this;
    }

    /**
     * Grants the lease, writes the endpoint's key and starts the keep-alives.
     *
     * @throws EtcdException when etcd cannot be reached; nothing is left behind
     */
    public EndpointRegistration register() {
      LeasedKey lease = new LeasedKey(client, Keyspace.endpointKey(prefix, endpoint.id()), RegistryFiles.toJson(endpoint), ttlSeconds);
      return new EndpointRegistration(endpoint, lease.start());
    }
  }
}
