package io.modelrouter.http;

import static io.modelrouter.http.Chat.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.http.metrics.MetricsScraper;
import io.modelrouter.http.outlier.OutlierDetector;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.select.Candidates;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import io.modelrouter.testing.SimFleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pieces together on a fleet of simulated servers: endpoints die and come back, metrics steer traffic. */
class FleetBehaviourTest {

  @Test
  void anEndpointThatDiesIsEjectedAndLaterReturns() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 3).start()) {
      SimServer a = fleet.server("chat-0");
      OutlierDetector outliers = OutlierDetector.builder(fleet.registry())
          .consecutiveFailures(2).baseEjectionTime(Duration.ofMillis(300)).maxEjectionTime(Duration.ofMillis(600))
          .halfOpenSuccesses(2)
          .sweepInterval(Duration.ofMillis(20)).build();
      Router router = fleet.router().strategy(io.modelrouter.select.Strategies.roundRobin())
          .addOutcomeListener(outliers).addFilter(outliers.halfOpenFilter()).build();
      try (outliers; RoutingClient client = RoutingClient.builder(router).retryBudget(RetryBudget.unlimited()).build()) {
        outliers.start();
        a.kill();
        for (int i = 0; i < 12; i++) {
          try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
            assertThat(r.status()).as("every request is still answered").isEqualTo(200);
            r.body().readAllBytes();
          }
        }
        assertThat(outliers.ejections("chat-0")).isGreaterThanOrEqualTo(1);
        long servedByA = a.requestCount();

        a.restart();
        Await.until("chat-0 no longer ejected", () -> fleet.state("chat-0").status() != EndpointStatus.EJECTED);
        Map<String, Integer> share = new HashMap<>();
        for (int i = 0; i < 30; i++) {
          try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
            r.body().readAllBytes();
            share.merge(r.endpoint().id(), 1, Integer::sum);
          }
        }
        assertThat(fleet.state("chat-0").status()).isEqualTo(EndpointStatus.HEALTHY);
        assertThat(a.requestCount()).isGreaterThan(servedByA);
        assertThat(share.get("chat-0")).as("back in rotation").isGreaterThanOrEqualTo(5);
      }
    }
  }

  @Test
  void scrapedQueueDepthSteersTrafficAwayFromTheBusyEndpoint() throws Exception {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.capacity(1)).openai("chat", 1).start()) {
      SimServer busy = fleet.server("chat-0");
      Router router = fleet.router().strategy(SHORTEST_QUEUE).build();
      // Straight to the busy server, past the fleet's registry: one that holds chat-0 alone.
      InMemoryRegistry busyOnly = InMemoryRegistry.create();
      busyOnly.replace(List.of(fleet.registry().snapshot().model("chat").version("1").spec()), List.of(fleet.endpoint("chat-0")));
      Router toBusy = Router.builder(busyOnly).build();
      try (RoutingClient client = RoutingClient.builder(router).build();
          RoutingClient direct = RoutingClient.builder(toBusy).build();
          MetricsScraper scraper = MetricsScraper.builder(fleet.registry()).build()) {
        assertThat(route(client, 4)).as("without metrics: the first endpoint").containsOnly("chat-0");

        busy.hang(true);
        List<CompletableFuture<ProxyResponse>> backlog = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          backlog.add(direct.executeAsync(chat("chat", false, 1)));
        }
        Await.until("three requests waiting on chat-0", () -> busy.waitingCount() == 3);
        scraper.scrapeNow().get(5, TimeUnit.SECONDS);
        assertThat(fleet.state("chat-0").queueDepth()).isEqualTo(3);

        assertThat(route(client, 6)).as("the busy endpoint's queue shows").containsOnly("chat-1");

        busy.hang(false);
        for (CompletableFuture<ProxyResponse> f : backlog) {
          try (ProxyResponse r = f.get(10, TimeUnit.SECONDS)) {
            r.body().readAllBytes();
          }
        }
        scraper.scrapeNow().get(5, TimeUnit.SECONDS);
        assertThat(route(client, 2)).as("the queue drained").containsOnly("chat-0");
      }
    }
  }

  /** Fewest waiting requests as scraped (fresh within 5 s), ties to the smallest id: a test strategy. */
  private static final SelectionStrategy SHORTEST_QUEUE = new SelectionStrategy() {
    @Override
    public int select(Candidates c) {
      int best = -1;
      for (int i = 0; i < c.size(); i++) {
        if (best < 0 || queue(c, i) < queue(c, best)
            || (queue(c, i) == queue(c, best) && c.endpoint(i).id().compareTo(c.endpoint(best).id()) < 0)) {
          best = i;
        }
      }
      return best;
    }

    private int queue(Candidates c, int i) {
      EndpointState s = c.state(i);
      return s.serverMetricsFresh(c.nanoTime(), TimeUnit.SECONDS.toNanos(5)) ? Math.max(s.queueDepth(), 0) : 0;
    }
  };

  private static List<String> route(RoutingClient client, int n) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try (ProxyResponse r = client.execute(chat("chat", false, 1))) {
        r.body().readAllBytes();
        ids.add(r.endpoint().id());
      }
    }
    return ids;
  }
}
