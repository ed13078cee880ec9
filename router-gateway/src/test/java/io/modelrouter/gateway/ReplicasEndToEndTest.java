package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.registry.etcd.EtcdServer;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Two gateway replicas on one real etcd, each with its own etcd client: they see a registry import
 * within a second, and split a tenant's quota so that together they hold its rate; when one stops,
 * the other takes the whole quota within the lease TTL.
 */
class ReplicasEndToEndTest {

  private static final String KEY = "sk-replicas";
  private static final double RATE = 20;
  private static final String CHAT =
      "{\"model\":\"demo-chat\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static EtcdServer etcd;

  @TempDir Path dir;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.startOrSkip();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  private ConfiguredGateway replica(String name) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, """
        gateway: {port: 0}
        health: {enabled: false}
        scraping: {enabled: false}
        registry:
          etcd: {endpoints: ["%s"], prefix: /replicas/, replicaTtlSeconds: 2}
        tenants:
          - {name: t, keys: ["%s"], models: ["*"], quota: {requestsPerSecond: %s}}
        """.formatted(etcd.url(), ApiKeyAuthenticator.hash(KEY), RATE));
    return ConfiguredGateway.start(GatewayConfig.read(file));
  }

  @Test
  void replicas_seeAnImportWithinASecond_andSplitATenantsRate() throws Exception {
    try (SimServer sim = SimServer.openai("demo-chat").start();
        ConfiguredGateway a = replica("a")) {
      ConfiguredGateway b = replica("b");
      try {
        Await.until("both replicas count two", Duration.ofSeconds(5), () -> a.liveReplicas() == 2 && b.liveReplicas() == 2);

        Path registry = dir.resolve("registry.yaml");
        Files.writeString(registry, """
            models: [{name: demo-chat, version: "1"}]
            endpoints: [{id: sim, url: "%s", serves: [demo-chat]}]
            """.formatted(sim.baseUrl()));
        StringWriter err = new StringWriter();
        int imported = new CommandLine(new Main()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
            .execute("registry", "import", "--etcd", etcd.url(), "--prefix", "/replicas/", registry.toString());
        long importedAt = System.nanoTime();
        assertThat(imported).as(err.toString()).isZero();
        Await.until("both see the import", Duration.ofSeconds(5),
            () -> a.registry().snapshot().endpoint("sim") != null && b.registry().snapshot().endpoint("sim") != null);
        assertThat(Duration.ofNanos(System.nanoTime() - importedAt)).isLessThan(Duration.ofSeconds(1));

        // Both replicas driven well over the rate: together they admit RATE per second.
        double together = admittedPerSecond(Duration.ofSeconds(8), a, b);
        assertThat(together).isBetween(RATE * 0.9, RATE * 1.1);

        long stopped = System.nanoTime();
        b.close();
        Await.until("a counts itself alone within the lease TTL", Duration.ofSeconds(2), () -> a.liveReplicas() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(2));

        double alone = admittedPerSecond(Duration.ofSeconds(8), a);
        assertThat(alone).isBetween(RATE * 0.9, RATE * 1.1);
      } finally {
        b.close();
      }
    }
  }

  /**
   * Drives each gateway with one client sending a request every 10 ms (well over its share), and
   * returns the requests admitted per second by all of them together over {@code window}, once
   * every replica has refused a request (its bucket's initial burst spent). A client stalled by a
   * busy machine lets its bucket refill, up to one second's worth (the quota's burst): over 8 s
   * that is at most 1/8 over the rate in the worst case, and far less in practice.
   */
  private static double admittedPerSecond(Duration window, ConfiguredGateway... gateways) throws Exception {
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong admitted = new AtomicLong();
    AtomicIntegerArray throttled = new AtomicIntegerArray(gateways.length);
    Thread[] clients = new Thread[gateways.length];
    for (int i = 0; i < gateways.length; i++) {
      Http http = new Http(gateways[i].app().baseUrl());
      int replica = i;
      clients[i] = new Thread(() -> {
        long next = System.nanoTime();
        while (running.get()) {
          try {
            int status = http.post("/v1/chat/completions", CHAT, bearer(KEY)).statusCode();
            if (status == 200 && counting.get()) {
              admitted.incrementAndGet();
            } else if (status == 429) {
              throttled.set(replica, 1);
            }
            next += 10_000_000L; // the client's own rate, 100 requests a second
            long wait = next - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            }
          } catch (Exception e) {
            return;
          }
        }
      }, "client-" + i);
      clients[i].start();
    }
    try {
      Await.until("every replica's burst spent (a request refused)", () -> {
        for (int i = 0; i < throttled.length(); i++) {
          if (throttled.get(i) == 0) {
            return false;
          }
        }
        return true;
      });
    } catch (AssertionError e) {
      running.set(false);
      throw e;
    }
    counting.set(true);
    long start = System.nanoTime();
    Thread.sleep(window.toMillis()); // the measurement window itself: requests admitted over a fixed time
    counting.set(false);
    long elapsed = System.nanoTime() - start;
    running.set(false);
    for (Thread t : clients) {
      t.join();
    }
    return admitted.get() * 1e9 / elapsed;
  }
}
