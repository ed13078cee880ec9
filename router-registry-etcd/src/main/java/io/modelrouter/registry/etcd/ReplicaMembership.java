package io.modelrouter.registry.etcd;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway replica's membership of its fleet: a key under a prefix of its own ({@code
 * <prefix><id>}), attached to a lease kept alive every third of the TTL, and a count of the live
 * replicas (the keys under the prefix), read every {@link #pollInterval()}. Replicas use the count
 * to split shared limits, such as each tenant's quota, evenly: {@code limit / liveReplicas()}.
 *
 * <p>A replica that stops cleanly revokes its lease, so the others see one replica fewer at their
 * next poll; one that dies stops its keep-alives, etcd expires the lease after the TTL, and the
 * others count it out then. While etcd cannot be reached the last count stands. Thread-safe.
 *
 * <pre>{@code
 * try (ReplicaMembership me = ReplicaMembership.builder(etcd, "/modelrouter-gateways/").join()) {
 *   double myShare = rate / me.liveReplicas();
 * }
 * }</pre>
 */
public final class ReplicaMembership implements AutoCloseable {

  /**
   * The lease TTL when none is given: {@value} s, as for endpoints: a dead replica's share is
   * handed back within this long, and a live one survives a few seconds of etcd being away.
   */
  public static final long DEFAULT_TTL_SECONDS = EndpointRegistration.DEFAULT_TTL_SECONDS;

  private static final Logger log = LoggerFactory.getLogger(ReplicaMembership.class);

  private final EtcdClient client;
  private final String prefix;
  private final String id;
  private final long pollMillis;
  private final LeasedKey lease;
  private volatile int live = 1;

  private ReplicaMembership(Builder b) {
    this.client = b.client;
    this.prefix = b.prefix;
    this.id = b.id;
    this.pollMillis = Math.max(100, Math.min(1000, b.ttlSeconds * 1000 / 3));
    this.lease = new LeasedKey(b.client, b.prefix + b.id, "{\"id\":\"" + b.id.replace("\"", "") + "\"}", b.ttlSeconds);
  }

  /** A builder for a replica of the fleet whose members live under {@code prefix}. */
  public static Builder builder(EtcdClient client, String prefix) {
    return new Builder(client, prefix);
  }

  /** This replica's id. */
  public String id() {
    return id;
  }

  /** This replica's key. */
  public String key() {
    return lease.key();
  }

  /** The live replicas at the last poll, this one included: at least 1. */
  public int liveReplicas() {
    return live;
  }

  /** How often the live replicas are counted. */
  public Duration pollInterval() {
    return Duration.ofMillis(pollMillis);
  }

  /** Stops the keep-alives and revokes the lease: the others count one replica fewer at their next poll. */
  @Override
  public void close() {
    lease.close();
  }

  /** Stops without revoking, as a crashed process would: the key expires after the TTL. */
  void abandon() {
    lease.abandon();
  }

  private void count() {
    try {
      int n = client.range(prefix).kvs().size();
      int before = live;
      live = Math.max(1, n);
      if (live != before) {
        log.info("replica {}: {} live replicas (was {})", id, live, before);
      }
    } catch (EtcdException e) {
      log.warn("replica {}: cannot count replicas, keeping {}: {}", id, live, e.getMessage());
    }
  }

  /** Builds a {@link ReplicaMembership} and joins. */
  public static final class Builder {
    private final EtcdClient client;
    private final String prefix;
    private String id = UUID.randomUUID().toString();
    private long ttlSeconds = DEFAULT_TTL_SECONDS;

    private Builder(EtcdClient client, String prefix) {
      this.client = Objects.requireNonNull(client, "client");
      this.prefix = Keyspace.normalizePrefix(prefix);
    }

    /** This replica's id; a random UUID by default. */
    public Builder id(String id) {
      Objects.requireNonNull(id, "id");
      if (id.isBlank() || id.contains("/")) {
        throw new IllegalArgumentException("id: '" + id + "' (expected: a non-blank name without /)");
      }
      this.id = id;
      return this;
    }

    /** The lease TTL, in whole seconds; {@value ReplicaMembership#DEFAULT_TTL_SECONDS} s by default. */
    public Builder ttl(Duration ttl) {
      this.ttlSeconds = LeasedKey.ttlSeconds(ttl);
      return this;
    }

    /**
     * Grants the lease, writes this replica's key, counts the replicas and starts the keep-alives
     * and the count.
     *
     * @throws EtcdException when etcd cannot be reached; nothing is left behind
     */
    public ReplicaMembership join() {
      ReplicaMembership m = new ReplicaMembership(this);
      m.lease.start();
      m.count();
      m.lease.every(m.pollMillis, m::count);
      return m;
    }
  }
}
