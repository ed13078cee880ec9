package io.modelrouter.gateway;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.etcd.EndpointRegistration;
import io.modelrouter.registry.etcd.EtcdClient;
import io.modelrouter.registry.etcd.EtcdException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a model server's endpoint in etcd while the server's own health check passes: probes the
 * health URL every interval, registers the endpoint on a TTL lease ({@link EndpointRegistration})
 * after {@code healthyThreshold} passes in a row, and revokes it after {@code unhealthyThreshold}
 * failures in a row or on {@link #close()}. If the sidecar itself dies, the lease expires after
 * its TTL and the endpoint goes anyway. What {@code modelrouter register} runs.
 */
final class Sidecar implements AutoCloseable {

  /** Settings of the health probe. */
  record Probe(URI url, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {
    Probe {
      Objects.requireNonNull(url, "url");
      ConfigChecks.check(interval.toMillis() > 0, "interval", interval, "> 0");
      ConfigChecks.check(timeout.toMillis() > 0, "timeout", timeout, "> 0");
      ConfigChecks.check(healthyThreshold >= 1, "healthyThreshold", healthyThreshold, ">= 1");
      ConfigChecks.check(unhealthyThreshold >= 1, "unhealthyThreshold", unhealthyThreshold, ">= 1");
    }
  }

  private final EtcdClient etcd;
  private final Endpoint endpoint;
  private final String prefix;
  private final Duration ttl;
  private final Probe probe;
  private final PrintStream log;
  private final HttpClient http;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "modelrouter-sidecar");
    t.setDaemon(true);
    return t;
  });
  private int passes;
  private int failures;
  private volatile @Nullable EndpointRegistration registration;
  private volatile boolean closed;

  Sidecar(EtcdClient etcd, Endpoint endpoint, String prefix, Duration ttl, Probe probe, PrintStream log) {
    this.etcd = etcd;
    this.endpoint = endpoint;
    this.prefix = prefix;
    this.ttl = ttl;
    this.probe = probe;
    this.log = log;
    this.http = HttpClient.newBuilder().connectTimeout(probe.timeout()).build();
  }

  /** Probes now and then every interval. */
  Sidecar start() {
    thread.scheduleWithFixedDelay(this::check, 0, probe.interval().toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Whether the endpoint is registered now. */
  boolean registered() {
    return registration != null;
  }

  private void check() {
    if (closed) {
      return;
    }
    if (healthy()) {
      failures = 0;
      passes++;
      if (registration == null && passes >= probe.healthyThreshold()) {
        try {
          EndpointRegistration r = EndpointRegistration.builder(etcd, endpoint).prefix(prefix).ttl(ttl).register();
          registration = r;
          log.printf("registered %s at %s (lease ttl %d s)%n", endpoint.id(), r.key(), r.ttlSeconds());
        } catch (EtcdException e) {
          log.printf("cannot register %s yet: %s%n", endpoint.id(), e.getMessage());
        }
      }
    } else {
      passes = 0;
      failures++;
      EndpointRegistration r = registration;
      if (r != null && failures >= probe.unhealthyThreshold()) {
        registration = null;
        r.close();
        log.printf("deregistered %s: %d health checks failed in a row%n", endpoint.id(), failures);
      }
    }
    log.flush();
  }

  private boolean healthy() {
    try {
      HttpResponse<Void> r = http.send(
          HttpRequest.newBuilder(probe.url()).timeout(probe.timeout()).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() / 100 == 2;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops probing and revokes the registration: the endpoint leaves at once. */
  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    EndpointRegistration r = registration;
    registration = null;
    if (r != null) {
      r.close();
      log.printf("deregistered %s: stopping%n", endpoint.id());
      log.flush();
    }
  }
}
