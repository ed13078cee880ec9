package io.modelrouter.registry.etcd;

import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointStates;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RegistryListener;
import io.modelrouter.registry.RegistrySnapshot;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelRegistry} shared by every gateway replica that points at the same etcd prefix. It
 * reads every key under the prefix (see {@link EtcdRegistryStore} for the layout), then watches the
 * prefix and publishes a new {@link RegistrySnapshot} for every watch response that changes the
 * content, so all replicas converge on the same models and endpoints within one watch round trip.
 *
 * <p><b>Failure behaviour.</b> Routing reads {@link #snapshot()}, which never touches the network.
 * When etcd cannot be reached the last good snapshot keeps serving, and one background thread
 * reconnects with exponential backoff (from {@link #DEFAULT_MIN_BACKOFF_MILLIS} to {@link
 * #DEFAULT_MAX_BACKOFF_MILLIS} ms, with jitter so replicas do not reconnect in step). The watch
 * resumes from the revision after the last one applied, so no change is missed and none is applied
 * twice. When that revision has been compacted away, the registry reads the whole prefix again and
 * publishes only if the content differs. A key whose value cannot be used is reported in {@link
 * #problems()} and logged, and the rest of the registry is used without it.
 *
 * <p>Building a registry starts its thread; {@link #awaitLoaded(Duration)} waits for the first
 * read. {@link #close()} stops it; the {@link EtcdClient} stays the caller's.
 */
public final class EtcdRegistry implements ModelRegistry, AutoCloseable {

  /** The key prefix used when none is given: {@value #DEFAULT_PREFIX}. */
  public static final String DEFAULT_PREFIX = "/modelrouter/";

  /** The first reconnect delay: {@value #DEFAULT_MIN_BACKOFF_MILLIS} ms, quick for a blip. */
  public static final long DEFAULT_MIN_BACKOFF_MILLIS = 100;

  /**
   * The longest reconnect delay: {@value #DEFAULT_MAX_BACKOFF_MILLIS} ms, so a restarted etcd is
   * picked up within seconds without a fleet of replicas hammering it while it is down.
   */
  public static final long DEFAULT_MAX_BACKOFF_MILLIS = 3_000;

  /**
   * How long a watch may stay silent before it is re-opened from the last revision:
   * {@value #DEFAULT_WATCH_IDLE_TIMEOUT_MILLIS} ms. This is what detects a connection that died
   * without a reset (a NAT or load balancer dropping it); re-opening costs one request and loses
   * nothing. etcd sends progress notifications only every 10 minutes by default
   * ({@code --experimental-watch-progress-notify-interval}).
   */
  public static final long DEFAULT_WATCH_IDLE_TIMEOUT_MILLIS = 60_000;

  private static final Logger log = LoggerFactory.getLogger(EtcdRegistry.class);

  private final EtcdClient client;
  private final String prefix;
  private final InMemoryRegistry delegate;
  private final Keyspace keyspace;
  private final long minBackoffMillis;
  private final long maxBackoffMillis;
  private final Duration watchIdleTimeout;
  private final RandomGenerator random;
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final Thread thread;

  // Written by the watch thread only; read from anywhere.
  private volatile List<KeyProblem> problems = List.of();
  private volatile long revision;
  private volatile boolean connected;
  private volatile boolean closed;
  private volatile int watchesOpened;
  private volatile EtcdClient.@Nullable WatchStream stream;
  private RegistryContent content = RegistryContent.empty();
  private int failures;
  private long backoffMillis;

  private EtcdRegistry(Builder b) {
    this.client = b.client;
    this.prefix = b.prefix;
    this.delegate = InMemoryRegistry.create(b.ticker);
    this.keyspace = new Keyspace(prefix, b.policy);
    this.minBackoffMillis = b.minBackoff.toMillis();
    this.maxBackoffMillis = b.maxBackoff.toMillis();
    this.backoffMillis = minBackoffMillis;
    this.watchIdleTimeout = b.watchIdleTimeout;
    this.random = b.random;
    this.thread = new Thread(this::run, "modelrouter-etcd-watch " + prefix);
    this.thread.setDaemon(true);
  }

  /** A builder of a registry that reads and watches etcd through {@code client}. */
  public static Builder builder(EtcdClient client) {
    return new Builder(client);
  }

  /**
   * Waits until the prefix has been read once.
   *
   * @return false when it was not read within the timeout (etcd unreachable); the registry keeps
   *     trying and is empty meanwhile
   */
  public boolean awaitLoaded(Duration timeout) throws InterruptedException {
    return loaded.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public RegistrySnapshot snapshot() {
    return delegate.snapshot();
  }

  /** The etcd revision that the current snapshot reflects; 0 before the first read. */
  public long revision() {
    return revision;
  }

  /** Whether the watch is open now; when false the last good snapshot is serving. */
  public boolean connected() {
    return connected;
  }

  /** The keys that were skipped in the current snapshot, and why; sorted by key. */
  public List<KeyProblem> problems() {
    return problems;
  }

  /** How many watches etcd has confirmed so far (for tests). */
  int watchesOpened() {
    return watchesOpened;
  }

  /** The key prefix, ending with a slash. */
  public String prefix() {
    return prefix;
  }

  /** The live endpoint states, shared across this registry's snapshots. */
  public EndpointStates endpointStates() {
    return delegate.endpointStates();
  }

  @Override
  public void addListener(RegistryListener listener) {
    delegate.addListener(listener);
  }

  @Override
  public void removeListener(RegistryListener listener) {
    delegate.removeListener(listener);
  }

  /** Stops watching; the last snapshot stays readable. */
  @Override
  public void close() {
    closed = true;
    EtcdClient.WatchStream s = stream;
    if (s != null) {
      s.cancel();
    }
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "EtcdRegistry{" + client + ", prefix=" + prefix + ", revision=" + revision + ", connected=" + connected + '}';
  }

  // ------------------------------------------------------------------ the watch thread

  private void run() {
    boolean relist = true;
    while (!closed) {
      try {
        if (relist) {
          relist();
          relist = false;
        }
        Ended ended = watchOnce();
        relist = ended == Ended.RELIST;
        // A short pause before re-opening, so a stream that keeps ending at once cannot spin.
        if (ended == Ended.REOPEN && !sleep(minBackoffMillis)) {
          break;
        }
        continue;
      } catch (EtcdException e) {
        if (closed) {
          break;
        }
        failures++;
        // The first failure of an outage, then one in 20, so a long outage does not flood the log.
        if (failures == 1 || failures % 20 == 0) {
          log.warn("etcd registry {}: {}; serving the last snapshot (revision {}), retrying in about {} ms (attempt {})",
              prefix, e.getMessage(), revision, backoffMillis, failures);
        } else {
          log.debug("etcd registry {}: {} (attempt {})", prefix, e.getMessage(), failures);
        }
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        log.error("etcd registry {}: unexpected failure; serving the last snapshot (revision {})", prefix, revision, e);
      }
      connected = false;
      if (!sleep(backoffMillis / 2 + (long) (random.nextDouble() * backoffMillis / 2))) {
        break;
      }
      backoffMillis = Math.min(maxBackoffMillis, backoffMillis * 2);
    }
    connected = false;
  }

  /** How a watch ended without failing: re-open it, or read everything again first. */
  private enum Ended { REOPEN, RELIST }

  /** Reads the whole prefix at one revision and publishes it. */
  private void relist() {
    EtcdClient.RangeResult range = client.range(prefix);
    keyspace.clear();
    for (EtcdClient.KeyValue kv : range.kvs()) {
      keyspace.put(kv.key(), kv.value(), kv.modRevision());
    }
    publish(range.revision());
    loaded.countDown();
  }

  /** Watches from the revision after the last applied one until the stream ends. */
  private Ended watchOnce() {
    EtcdClient.WatchStream s = client.watch(prefix, revision + 1, watchIdleTimeout);
    stream = s;
    boolean created = false;
    try {
      if (closed) {
        return Ended.REOPEN;
      }
      EtcdClient.WatchResponse r;
      while ((r = s.next()) != null) {
        if (r.created()) {
          created = true;
          if (r.revision() < revision) {
            // The member is behind what we applied: it lags, or etcd was restored from a backup.
            log.warn("etcd registry {}: etcd answered at revision {}, behind the {} already applied; reading everything again",
                prefix, r.revision(), revision);
            return Ended.RELIST;
          }
          if (failures > 0) {
            log.info("etcd registry {}: connected again after {} failed attempts, watching from revision {}",
                prefix, failures, revision + 1);
          }
          connected = true;
          watchesOpened++;
          failures = 0;
          backoffMillis = minBackoffMillis;
        }
        if (r.canceled()) {
          if (r.compactRevision() > 0) {
            log.info("etcd registry {}: revision {} was compacted (oldest kept: {}); reading everything again",
                prefix, revision + 1, r.compactRevision());
            return Ended.RELIST;
          }
          throw new EtcdException("watch canceled by etcd: " + r.cancelReason());
        }
        apply(r);
      }
      connected = false;
      if (!created) {
        throw new EtcdException("watch stream ended before etcd confirmed the watch");
      }
      // The server closed the stream, or it was idle for watchIdleTimeout: reopen from revision.
      return Ended.REOPEN;
    } finally {
      stream = null;
      s.close();
    }
  }

  /** Applies one watch response: all its events, then one snapshot. */
  private void apply(EtcdClient.WatchResponse r) {
    if (r.events().isEmpty()) {
      if (r.isProgress() && r.revision() > revision) {
        revision = r.revision(); // every event up to here has been delivered
      }
      return;
    }
    long last = revision;
    for (EtcdClient.Event e : r.events()) {
      EtcdClient.KeyValue kv = e.kv();
      if (kv.modRevision() <= revision) {
        continue; // already applied; etcd does not resend, but a re-list may have covered it
      }
      if (e.delete()) {
        keyspace.delete(kv.key());
      } else {
        keyspace.put(kv.key(), kv.value(), kv.modRevision());
      }
      last = Math.max(last, kv.modRevision());
    }
    publish(last);
  }

  private void publish(long atRevision) {
    Keyspace.Built built = keyspace.build();
    reportNew(built.problems());
    problems = built.problems();
    if (!built.content().equals(content)) {
      try {
        delegate.replace(built.content());
        content = built.content();
      } catch (IllegalArgumentException e) {
        log.error("etcd registry {}: content at revision {} is inconsistent, keeping the last snapshot: {}",
            prefix, atRevision, e.getMessage());
      }
    }
    revision = atRevision;
  }

  private void reportNew(List<KeyProblem> now) {
    Set<KeyProblem> before = new HashSet<>(problems);
    for (KeyProblem p : now) {
      if (!before.contains(p)) {
        log.warn("etcd registry {}: skipping {}", prefix, p);
      }
    }
  }

  private boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Builds and starts an {@link EtcdRegistry}. */
  public static final class Builder {
    private final EtcdClient client;
    private String prefix = DEFAULT_PREFIX;
    private Duration minBackoff = Duration.ofMillis(DEFAULT_MIN_BACKOFF_MILLIS);
    private Duration maxBackoff = Duration.ofMillis(DEFAULT_MAX_BACKOFF_MILLIS);
    private Duration watchIdleTimeout = Duration.ofMillis(DEFAULT_WATCH_IDLE_TIMEOUT_MILLIS);
    private Ticker ticker = Ticker.system();
    private RandomGenerator random = new java.util.Random();
    private RegistrationPolicy policy = RegistrationPolicy.allowAll();

    private Builder(EtcdClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The key prefix; default {@value EtcdRegistry#DEFAULT_PREFIX}. A trailing slash is added when missing. */
    public Builder prefix(String prefix) {
      this.prefix = Keyspace.normalizePrefix(prefix);
      return this;
    }

    /** The first and the longest reconnect delay. */
    public Builder backoff(Duration min, Duration max) {
      EtcdClient.positive(min, "min");
      EtcdClient.positive(max, "max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("max: " + max + " (expected: >= min " + min + ")");
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /** How long a watch may be silent before it is re-opened; see {@link EtcdRegistry#DEFAULT_WATCH_IDLE_TIMEOUT_MILLIS}. */
    public Builder watchIdleTimeout(Duration timeout) {
      this.watchIdleTimeout = EtcdClient.positive(timeout, "watchIdleTimeout");
      return this;
    }

    /** The clock of the endpoint states; default the system ticker. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** The source of reconnect jitter. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Builds the registry and starts its watch thread. */
    /**
     * Which models and endpoint URLs a key may publish; {@link RegistrationPolicy#allowAll()} by
     * default. A key that breaks it is left out and reported in {@link EtcdRegistry#problems()}.
     */
    public Builder policy(RegistrationPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public EtcdRegistry build() {
      EtcdRegistry registry = new EtcdRegistry(this);
      registry.thread.start();
      return registry;
    }
  }
}
