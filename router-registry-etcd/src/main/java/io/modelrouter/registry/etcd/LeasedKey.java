package io.modelrouter.registry.etcd;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One key attached to a lease with a TTL, kept alive every third of the TTL from a daemon thread
 * of its own, so two keep-alives may fail before the lease expires. If the lease was lost anyway
 * (etcd unreachable for longer than the TTL), the next successful keep-alive notices and puts the
 * key again on a new lease. {@link #close()} revokes the lease, deleting the key at once; {@link
 * #abandon()} stops as a crashed process would, leaving the key to expire. What {@link
 * EndpointRegistration} and {@link ReplicaMembership} stand on.
 */
final class LeasedKey implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeasedKey.class);

  private final EtcdClient client;
  private final String key;
  private final String value;
  private final long ttlSeconds;
  private final ScheduledExecutorService thread;
  private volatile long leaseId;
  private volatile boolean closed;

  /** A lease TTL in whole seconds, checked: etcd's leases count seconds. */
  static long ttlSeconds(java.time.Duration ttl) {
    java.util.Objects.requireNonNull(ttl, "ttl");
    if (ttl.getSeconds() < 1) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 1 second)");
    }
    return ttl.getSeconds();
  }

  /** Not yet in etcd: {@link #start()} puts it. */
  LeasedKey(EtcdClient client, String key, String value, long ttlSeconds) {
    this.client = client;
    this.key = key;
    this.value = value;
    this.ttlSeconds = ttlSeconds;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "modelrouter-etcd-lease " + key);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Grants the lease, puts the key and starts the keep-alives.
   *
   * @throws EtcdException when etcd cannot be reached; nothing is left behind
   */
  LeasedKey start() {
    try {
      put();
    } catch (RuntimeException e) {
      thread.shutdownNow();
      throw e;
    }
    long period = Math.max(1, ttlSeconds * 1000 / 3);
    thread.scheduleWithFixedDelay(this::keepAlive, period, period, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Runs {@code task} every {@code periodMillis} on the keep-alive thread, until closed. */
  void every(long periodMillis, Runnable task) {
    thread.scheduleWithFixedDelay(() -> {
      if (!closed) {
        task.run();
      }
    }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  String key() {
    return key;
  }

  long leaseId() {
    return leaseId;
  }

  long ttlSeconds() {
    return ttlSeconds;
  }

  private void put() {
    long lease = client.grantLease(ttlSeconds);
    client.put(key, value, lease);
    leaseId = lease;
  }

  private void keepAlive() {
    if (closed) {
      return;
    }
    try {
      if (client.keepAlive(leaseId) <= 0) {
        log.warn("{}: lease {} expired; putting the key again", key, Long.toHexString(leaseId));
        put();
      }
    } catch (EtcdException e) {
      log.warn("{}: keep-alive of lease {} failed, retrying in {} ms: {}",
          key, Long.toHexString(leaseId), Math.max(1, ttlSeconds * 1000 / 3), e.getMessage());
    }
  }

  /**
   * Stops the keep-alives and revokes the lease, which deletes the key. When etcd cannot be
   * reached the key goes when the lease expires.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    abandon();
    try {
      client.revokeLease(leaseId);
    } catch (EtcdException e) {
      log.warn("{}: cannot revoke lease {} ({}); the key goes when it expires in {} s",
          key, Long.toHexString(leaseId), e.getMessage(), ttlSeconds);
    }
  }

  /** Stops the keep-alives without revoking, as a crashed process would: the key expires. */
  void abandon() {
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
