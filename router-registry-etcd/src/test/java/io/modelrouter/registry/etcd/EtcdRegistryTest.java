package io.modelrouter.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Decision;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.Router;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several registries (gateway replicas) on one real etcd, each test under its own prefix. */
class EtcdRegistryTest {

  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static EtcdServer etcd;
  private static EtcdClient client;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private String prefix;
  private EtcdRegistryStore store;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.startOrSkip();
    client = EtcdClient.connect(etcd.url());
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (client != null) {
      client.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  @BeforeEach
  void newPrefix() {
    prefix = "/test-" + PREFIXES.incrementAndGet() + "/";
    store = EtcdRegistryStore.of(client, prefix);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void twoRouters_seeAddedEndpointWithinOneSecond() throws Exception {
    store.put(chat());
    store.put(endpoint("a", 1));
    EtcdRegistry first = registry(client);
    EtcdRegistry second = registry(client);
    Router r1 = Router.builder(first).build();
    Router r2 = Router.builder(second).build();
    assertThat(routedIds(r1)).containsExactly("a");

    long start = System.nanoTime();
    store.put(endpoint("b", 1));
    Await.until("both registries see endpoint b", Duration.ofSeconds(1), () -> first.snapshot().endpoint("b") != null && second.snapshot().endpoint("b") != null);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

    assertThat(routedIds(r1)).containsExactly("a", "b");
    assertThat(routedIds(r2)).containsExactly("a", "b");
    assertThat(first.revision()).isEqualTo(second.revision()).isEqualTo(client.currentRevision());
    assertThat(first.connected()).isTrue();
  }

  @Test
  void removedKey_disappearsFromEveryRouter() throws Exception {
    store.importContent(new RegistryContent(List.of(chat()), List.of(endpoint("a", 1), endpoint("b", 1))), false);
    EtcdRegistry first = registry(client);
    EtcdRegistry second = registry(client);

    store.removeEndpoint("a");
    Await.until("both registries dropped endpoint a", Duration.ofSeconds(5), () -> first.snapshot().endpoint("a") == null && second.snapshot().endpoint("a") == null);

    assertThat(routedIds(Router.builder(second).build())).containsExactly("b");
  }

  @Test
  void expiredLease_removesEndpointFromBothRouters() throws Exception {
    store.put(chat());
    store.put(endpoint("static", 1));
    EtcdRegistry first = registry(client);
    EtcdRegistry second = registry(client);
    EndpointRegistration lease = EndpointRegistration.builder(client, endpoint("leased", 1))
        .prefix(prefix).ttl(Duration.ofSeconds(2)).register();
    closeables.add(lease);
    Await.until("both registries see the leased endpoint", Duration.ofSeconds(5), () -> first.snapshot().endpoint("leased") != null && second.snapshot().endpoint("leased") != null);

    // Keep-alives hold the key well past its TTL.
    assertThat(Await.holdsWithin(Duration.ofSeconds(3), () -> first.snapshot().endpoint("leased") == null))
        .as("the leased endpoint outlives its TTL").isFalse();
    assertThat(routedIds(Router.builder(first).build())).containsExactly("leased", "static");

    // The process dies: no more keep-alives, no revoke. etcd expires the lease after the TTL.
    long died = System.nanoTime();
    lease.abandon();
    Await.until("the expired lease removed the endpoint from both registries", Duration.ofSeconds(5), () -> first.snapshot().endpoint("leased") == null && second.snapshot().endpoint("leased") == null);
    assertThat(Duration.ofNanos(System.nanoTime() - died)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));

    assertThat(routedIds(Router.builder(first).build())).containsExactly("static");
    assertThat(routedIds(Router.builder(second).build())).containsExactly("static");
  }

  @Test
  void closedRegistration_removesEndpointAtOnce() throws Exception {
    store.put(chat());
    EtcdRegistry registry = registry(client);
    EndpointRegistration lease = EndpointRegistration.builder(client, endpoint("leased", 1))
        .prefix(prefix).ttl(Duration.ofSeconds(30)).register();
    Await.until("the leased endpoint registered", Duration.ofSeconds(5), () -> registry.snapshot().endpoint("leased") != null);

    lease.close();

    Await.until("the leased endpoint removed", Duration.ofSeconds(5), () -> registry.snapshot().endpoint("leased") == null);
  }

  @Test
  void malformedValue_isReportedAndSkippedWithoutDroppingTheRest() throws Exception {
    store.put(chat());
    store.put(endpoint("a", 1));
    client.put(prefix + "endpoints/broken", "{\"id\": \"broken\", \"url\": \"http://127.0.0.1:9\", \"weight\": -1}", 0);
    client.put(prefix + "endpoints/not-json", "{oops", 0);
    client.put(prefix + "endpoints/elsewhere", "{\"id\": \"c\", \"url\": \"http://127.0.0.1:9003\", \"serves\": [\"chat:1\"]}", 0);
    client.put(prefix + "stray", "{}", 0);
    store.put(endpoint("d", 1));

    EtcdRegistry registry = registry(client);

    assertThat(registry.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("a", "d");
    assertThat(registry.problems()).extracting(KeyProblem::key).containsExactly(
        prefix + "endpoints/broken", prefix + "endpoints/elsewhere", prefix + "endpoints/not-json", prefix + "stray");
    assertThat(registry.problems().get(0).message()).contains("weight").contains("expected");
    assertThat(registry.problems().get(1).message()).contains("expected: " + prefix + "endpoints/c");
    assertThat(routedIds(Router.builder(registry).build())).containsExactly("a", "d");

    // A bad value arriving through the watch is skipped the same way; fixing it clears the problem.
    client.put(prefix + "endpoints/a", "{\"id\": \"a\", \"url\": \"ftp://nope\"}", 0);
    // The problems and the snapshot are published one after the other: wait for both.
    Await.untilAsserted("five problems reported and a dropped", Duration.ofSeconds(5), () -> {
      assertThat(registry.problems()).hasSize(5);
      assertThat(registry.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("d");
    });

    store.put(endpoint("a", 1));
    client.delete(prefix + "stray");
    Await.untilAsserted("three problems reported and a back", Duration.ofSeconds(5), () -> {
      assertThat(registry.problems()).hasSize(3);
      assertThat(registry.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("a", "d");
    });
  }

  @Test
  void tagOnTwoVersions_keepsTheVersionWrittenFirst() throws Exception {
    store.put(ModelSpec.builder("chat", "1").tags(Set.of("stable")).build());
    store.put(ModelSpec.builder("chat", "2").tags(Set.of("stable")).build());
    EtcdRegistry registry = registry(client);

    assertThat(registry.snapshot().modelSpecs()).extracting(ModelSpec::key).containsExactly("chat:1");
    assertThat(registry.problems()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo(prefix + "models/chat/2");
      assertThat(p.message()).contains("tag 'stable' is already on version 1");
    });
  }

  @Test
  void partition_keepsServingTheLastSnapshotAndResumesWithoutMissingAnEvent() throws Exception {
    store.put(chat());
    store.put(endpoint("a", 1));
    store.put(endpoint("b", 1));
    try (TcpProxy proxy = new TcpProxy(port(etcd.url()));
        EtcdClient viaProxy = EtcdClient.builder(proxy.url()).requestTimeout(Duration.ofSeconds(1)).build()) {
      EtcdRegistry cutOff = registry(viaProxy);
      EtcdRegistry direct = registry(client);
      Router router = Router.builder(cutOff).build();
      List<Integer> weightsSeen = recordWeightsOf(cutOff, "a");

      proxy.cut();
      Await.until("the cut-off registry disconnected", Duration.ofSeconds(5), () -> !cutOff.connected());
      for (int w = 2; w <= 5; w++) {
        store.put(endpoint("a", w));
      }
      store.removeEndpoint("b");
      long last = store.put(endpoint("c", 1));
      Await.until("the direct registry at the last revision", Duration.ofSeconds(5), () -> direct.revision() >= last);

      // Cut off, the router keeps routing on what it knew.
      assertThat(routedIds(router)).containsExactly("a", "b");

      proxy.heal();
      Await.until("the cut-off registry reconnected at the last revision", Duration.ofSeconds(5), () -> cutOff.revision() >= last && cutOff.connected());
      assertThat(cutOff.snapshot().endpoints()).isEqualTo(direct.snapshot().endpoints());
      assertThat(routedIds(router)).containsExactly("a", "c");
      assertThat(cutOff.snapshot().endpoint("a").weight()).isEqualTo(5);
      // Every snapshot moved forward: no event from before the cut was applied again.
      assertThat(weightsSeen).isSorted().endsWith(5);
    }
  }

  @Test
  void historyCompactedWhileDisconnected_readsEverythingAgain() throws Exception {
    store.put(chat());
    store.put(endpoint("a", 1));
    store.put(endpoint("b", 1));
    try (TcpProxy proxy = new TcpProxy(port(etcd.url()));
        EtcdClient viaProxy = EtcdClient.builder(proxy.url()).requestTimeout(Duration.ofSeconds(1)).build()) {
      EtcdRegistry registry = registry(viaProxy);

      proxy.cut();
      Await.until("the registry disconnected", Duration.ofSeconds(2), () -> !registry.connected());
      store.removeEndpoint("a");
      store.put(endpoint("b", 7));
      long now = store.put(endpoint("c", 1));
      client.compact(now);

      proxy.heal();
      Await.until("the registry reconnected at the current revision", Duration.ofSeconds(5), () -> registry.revision() >= now && registry.connected());
      assertThat(registry.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("b", "c");
      assertThat(registry.snapshot().endpoint("b").weight()).isEqualTo(7);

      // And it watches again from there.
      store.put(endpoint("d", 1));
      Await.until("endpoint d seen", Duration.ofSeconds(1), () -> registry.snapshot().endpoint("d") != null);
    }
  }

  @Test
  void severalMemberUrls_watchMovesToTheNextWhenOneIsCutOff() throws Exception {
    store.put(chat());
    store.put(endpoint("a", 1));
    try (TcpProxy one = new TcpProxy(port(etcd.url()));
        TcpProxy two = new TcpProxy(port(etcd.url()));
        EtcdClient both = EtcdClient.builder(one.url(), two.url()).requestTimeout(Duration.ofSeconds(1)).build()) {
      EtcdRegistry registry = registry(both);

      one.cut();
      long last = store.put(endpoint("b", 1));

      Await.until("the registry at the last revision", Duration.ofSeconds(2), () -> registry.revision() >= last);
      assertThat(registry.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("a", "b");
      assertThat(EtcdRegistryStore.of(both, prefix).list().content().endpoints()).hasSize(2);
    }
  }

  @Test
  void silentWatch_isReopenedFromItsRevisionWithoutLosingAnEvent() throws Exception {
    store.put(chat());
    EtcdRegistry registry = EtcdRegistry.builder(client).prefix(prefix)
        .watchIdleTimeout(Duration.ofMillis(150)).build(); // etcd here notifies progress every second
    closeables.add(registry);
    assertThat(registry.awaitLoaded(Duration.ofSeconds(5))).isTrue();

    Await.until("three watches opened", Duration.ofSeconds(3), () -> registry.watchesOpened() >= 3);
    long last = store.put(endpoint("a", 1));

    Await.until("the registry at the last revision", Duration.ofSeconds(1), () -> registry.revision() >= last);
    assertThat(registry.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("a");
    assertThat(registry.problems()).isEmpty();
  }

  @Test
  void registryStartedWhileEtcdUnreachable_loadsOnceItIsThere() throws Exception {
    store.put(chat());
    store.put(endpoint("a", 1));
    try (TcpProxy proxy = new TcpProxy(port(etcd.url()));
        EtcdClient viaProxy = EtcdClient.builder(proxy.url()).requestTimeout(Duration.ofSeconds(1)).build()) {
      proxy.cut();
      EtcdRegistry registry = registry0(viaProxy);
      assertThat(registry.awaitLoaded(Duration.ofMillis(300))).isFalse();
      assertThat(registry.snapshot().endpoints()).isEmpty();

      proxy.heal();
      assertThat(registry.awaitLoaded(Duration.ofSeconds(5))).isTrue();
      assertThat(registry.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("a");
    }
  }

  @Test
  void importContent_writesOneRevisionThatListReadsBack() {
    RegistryContent content = new RegistryContent(
        List.of(chat(), ModelSpec.builder("embed", "3").build()),
        List.of(endpoint("a", 1), Endpoint.builder("e", "http://127.0.0.1:9100").serves("embed").zone("z1").build()));
    long before = client.currentRevision();

    long revision = store.importContent(content, false);

    assertThat(revision).isEqualTo(before + 1);
    EtcdRegistryStore.Listing listing = store.list();
    assertThat(listing.revision()).isEqualTo(revision);
    assertThat(listing.content().models()).containsExactlyInAnyOrderElementsOf(content.models());
    assertThat(listing.content().endpoints()).containsExactlyInAnyOrderElementsOf(content.endpoints());
    assertThat(listing.problems()).isEmpty();
  }

  @Test
  void importContent_withPrune_deletesKeysNotInTheContent() {
    store.importContent(new RegistryContent(List.of(chat()), List.of(endpoint("a", 1), endpoint("b", 1))), false);
    client.put(prefix + "stray", "x", 0);

    store.importContent(new RegistryContent(List.of(chat()), List.of(endpoint("b", 2))), true);

    EtcdRegistryStore.Listing listing = store.list();
    assertThat(listing.content().endpoints()).containsExactly(endpoint("b", 2));
    assertThat(listing.problems()).isEmpty();
  }

  @Test
  void unreachableEtcd_isReportedWithItsUrl() {
    try (EtcdClient nowhere = EtcdClient.builder("http://127.0.0.1:1").connectTimeout(Duration.ofMillis(200)).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> EtcdRegistryStore.of(nowhere, "/x/").list())
          .isInstanceOf(EtcdException.class)
          .hasMessageContaining("cannot reach etcd at http://127.0.0.1:1/");
    }
  }

  // ------------------------------------------------------------------ helpers

  private EtcdRegistry registry(EtcdClient via) throws InterruptedException {
    EtcdRegistry r = registry0(via);
    assertThat(r.awaitLoaded(Duration.ofSeconds(5))).isTrue();
    return r;
  }

  private EtcdRegistry registry0(EtcdClient via) {
    EtcdRegistry r = EtcdRegistry.builder(via).prefix(prefix)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
    closeables.add(r);
    return r;
  }

  static ModelSpec chat() {
    return ModelSpec.builder("chat", "1").build();
  }

  static Endpoint endpoint(String id, int weight) {
    return Endpoint.builder(id, "http://127.0.0.1:" + (9000 + Math.abs(id.hashCode() % 900)))
        .serves("chat:1").weight(weight).build();
  }

  /** The ids of the endpoints that 50 routing decisions went to. */
  static Set<String> routedIds(Router router) {
    Set<String> ids = new TreeSet<>();
    for (int i = 0; i < 50; i++) {
      RouteResult result = router.route(RouteRequest.builder("chat").build());
      assertThat(result).as("route result").isInstanceOf(Decision.class);
      Decision d = (Decision) result;
      try (var lease = d.lease()) {
        ids.add(d.endpoint().id());
      }
    }
    return ids;
  }

  /** Every weight of endpoint {@code id} that the registry's snapshots held, in order. */
  static List<Integer> recordWeightsOf(EtcdRegistry registry, String id) {
    List<Integer> weights = new java.util.concurrent.CopyOnWriteArrayList<>();
    weights.add(registry.snapshot().endpoint(id).weight());
    registry.addListener((previous, current) -> {
      Endpoint e = current.endpoint(id);
      Endpoint before = previous.endpoint(id);
      if (e != null && (before == null || before.weight() != e.weight())) {
        weights.add(e.weight());
      }
    });
    return weights;
  }

  static int port(String url) {
    return java.net.URI.create(url).getPort();
  }
}
