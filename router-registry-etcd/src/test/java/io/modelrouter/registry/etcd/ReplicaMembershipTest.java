package io.modelrouter.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Gateway replicas counting each other on a real etcd. */
class ReplicaMembershipTest {

  private static EtcdServer etcd;

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

  @Test
  void replicas_countEachOther_andOneStoppingCleanlyLeavesAtTheNextPoll() throws InterruptedException {
    try (EtcdClient c1 = EtcdClient.connect(etcd.url());
        EtcdClient c2 = EtcdClient.connect(etcd.url());
        ReplicaMembership a = ReplicaMembership.builder(c1, "/clean-replicas/").id("a").ttl(Duration.ofSeconds(5)).join()) {
      assertThat(a.liveReplicas()).isEqualTo(1);
      assertThat(a.key()).isEqualTo("/clean-replicas/a");
      ReplicaMembership b = ReplicaMembership.builder(c2, "/clean-replicas/").id("b").ttl(Duration.ofSeconds(5)).join();
      assertThat(b.liveReplicas()).isEqualTo(2);
      Await.until("two live replicas", Duration.ofSeconds(5), () -> a.liveReplicas() == 2);

      b.close();

      Await.until("one live replica", Duration.ofSeconds(3), () -> a.liveReplicas() == 1);
    }
  }

  @Test
  void aReplicaThatDies_isCountedOutWhenItsLeaseExpires() throws InterruptedException {
    try (EtcdClient c1 = EtcdClient.connect(etcd.url());
        EtcdClient c2 = EtcdClient.connect(etcd.url());
        ReplicaMembership a = ReplicaMembership.builder(c1, "/dead-replicas/").id("a").ttl(Duration.ofSeconds(2)).join()) {
      ReplicaMembership b = ReplicaMembership.builder(c2, "/dead-replicas/").id("b").ttl(Duration.ofSeconds(2)).join();
      Await.until("two live replicas", Duration.ofSeconds(5), () -> a.liveReplicas() == 2);

      long died = System.nanoTime();
      b.abandon(); // no revoke, no more keep-alives: as a killed process

      Await.until("one live replica", Duration.ofSeconds(10), () -> a.liveReplicas() == 1);
      // The lease TTL (2 s; etcd checks expiry every 500 ms), plus one poll.
      assertThat(Duration.ofNanos(System.nanoTime() - died)).isLessThan(Duration.ofSeconds(2).plus(a.pollInterval()).plusSeconds(1));
    }
  }

  @Test
  void builder_refusesABadIdOrTtl() {
    try (EtcdClient c = EtcdClient.connect(etcd.url())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReplicaMembership.builder(c, "/x/").id("a/b"))
          .hasMessage("id: 'a/b' (expected: a non-blank name without /)");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReplicaMembership.builder(c, "/x/").ttl(Duration.ofMillis(10)))
          .hasMessage("ttl: PT0.01S (expected: >= 1 second)");
    }
  }
}
