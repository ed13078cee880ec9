package io.modelrouter.registry.etcd;

import static io.modelrouter.registry.etcd.EtcdRegistryTest.chat;
import static io.modelrouter.registry.etcd.EtcdRegistryTest.endpoint;
import static io.modelrouter.registry.etcd.EtcdRegistryTest.recordWeightsOf;
import static io.modelrouter.registry.etcd.EtcdRegistryTest.routedIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Router;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.testing.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** etcd itself stops and starts again under two running routers. */
class EtcdRestartTest {

  @Test
  void etcdRestartedMidRun_routersKeepRoutingAndLoseNoUpdate() throws Exception {
    try (EtcdServer etcd = EtcdServer.startOrSkip();
        EtcdClient client = EtcdClient.connect(etcd.url())) {
      EtcdRegistryStore store = EtcdRegistryStore.of(client, "/restart/");
      store.put(chat());
      store.put(endpoint("a", 1));
      store.put(endpoint("b", 1));
      try (EtcdRegistry first = replica(client);
          EtcdRegistry second = replica(client);
          EndpointRegistration leased = EndpointRegistration.builder(client, endpoint("leased", 1))
              .prefix("/restart/").ttl(Duration.ofSeconds(3)).register()) {
        Router r1 = Router.builder(first).build();
        Router r2 = Router.builder(second).build();
        Await.until("both registries see the leased endpoint", Duration.ofSeconds(1), () -> first.snapshot().endpoint("leased") != null && second.snapshot().endpoint("leased") != null);
        List<Integer> weights1 = recordWeightsOf(first, "a");
        List<Integer> weights2 = recordWeightsOf(second, "a");

        etcd.stop();
        Await.until("both registries disconnected", Duration.ofSeconds(2), () -> !first.connected() && !second.connected());
        // While etcd is down (and the routers back off and retry), routing goes on.
        List<String> before = List.of("a", "b", "leased");
        assertThat(Await.holdsWithin(Duration.ofSeconds(1), () -> !List.copyOf(routedIds(r1)).equals(before) || !List.copyOf(routedIds(r2)).equals(before)))
            .as("both routers route to a, b and leased all the while").isFalse();

        etcd.start();
        // Writes land as soon as etcd is back, racing the routers' reconnects.
        for (int w = 2; w <= 6; w++) {
          store.put(endpoint("a", w));
        }
        store.removeEndpoint("b");
        long last = store.put(endpoint("c", 1));

        Await.until("both registries at the last revision", Duration.ofSeconds(5), () -> first.revision() >= last && second.revision() >= last);
        for (EtcdRegistry r : List.of(first, second)) {
          assertThat(r.snapshot().endpoints()).extracting(Endpoint::id).containsExactly("a", "c", "leased");
          assertThat(r.snapshot().endpoint("a").weight()).isEqualTo(6);
          assertThat(r.connected()).isTrue();
        }
        assertThat(weights1).isSorted().endsWith(6);
        assertThat(weights2).isSorted().endsWith(6);
        assertThat(routedIds(r1)).containsExactly("a", "c", "leased");

        // The keep-alives resumed too: the leased endpoint outlives its TTL after the restart.
        assertThat(Await.holdsWithin(Duration.ofMillis(3_500),
                () -> first.snapshot().endpoint("leased") == null || second.snapshot().endpoint("leased") == null))
            .as("the leased endpoint outlives its TTL").isFalse();
      }
    }
  }

  private static EtcdRegistry replica(EtcdClient client) throws InterruptedException {
    EtcdRegistry r = EtcdRegistry.builder(client).prefix("/restart/")
        .backoff(Duration.ofMillis(100), Duration.ofMillis(500)).build();
    assertThat(r.awaitLoaded(Duration.ofSeconds(5))).isTrue();
    return r;
  }
}
