package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The default strategy follows the endpoints' kind: LLM servers get the combined scorer. */
class DefaultStrategyTest {

  private long now = 1_000_000_000L;
  private final InMemoryRegistry registry = InMemoryRegistry.create(() -> now);

  DefaultStrategyTest() {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      endpoints.add(Endpoint.builder("chat-" + i, "http://127.0.0.1:" + (9000 + i)).serves("chat").server("vllm").build());
      endpoints.add(Endpoint.builder("embed-" + i, "http://127.0.0.1:" + (9100 + i)).serves("embed").build());
    }
    registry.replace(List.of(ModelSpec.builder("chat", "1").build(), ModelSpec.builder("embed", "1").build()), endpoints);
    for (Endpoint e : endpoints) {
      registry.snapshot().state(e.id()).updateServerMetrics(0, 0, 0.1, now);
    }
  }

  private Router.Builder router() {
    return Router.builder(registry).ticker(() -> now).random(new SplittableRandom(3));
  }

  private static RouteRequest request(String model, long... blocks) {
    return RouteRequest.builder(model).prefixBlocks(blocks).explain(true).build();
  }

  private static Explanation explain(Router router, RouteRequest request) {
    Decision d = router.route(request).decisionOrThrow();
    d.lease().close();
    return d.explanation();
  }

  @Test
  void llmServers_getTheCombinedScorer_othersLeastLatency() {
    Router router = router().build();
    assertThat(router.strategy()).isSameAs(Strategies.defaultStrategy());
    Explanation chat = explain(router, request("chat", 11, 12, 13));
    assertThat(chat.candidates()).allSatisfy(c -> assertThat(c.scoreTerms()).startsWith("prefix_blocks="));
    Explanation embed = explain(router, request("embed"));
    assertThat(embed.candidates()).allSatisfy(c -> assertThat(c.scoreTerms()).isNull());
    assertThat(embed.candidates()).filteredOn(c -> !c.chosen()).extracting(Explanation.Candidate::score)
        .as("least latency's predicted latency, in ns").containsOnly((double) Strategies.DEFAULT_INITIAL_RTT.toNanos());
  }

  @Test
  void llmDefault_sendsASharedPrefixBackToTheEndpointThatGotIt() {
    Router router = router().build();
    String first = explain(router, request("chat", 1, 2, 3, 4)).chosen();
    for (int k = 0; k < 5; k++) {
      assertThat(explain(router, request("chat", 1, 2, 3, 4, 5 + k)).chosen()).isEqualTo(first);
    }
  }

  @Test
  void explanation_showsEachCandidatesMatchedBlocks_evenWhenLoadSendsTheRequestElsewhere() {
    Router router = router().build();
    String holder = explain(router, request("chat", 1, 2, 3, 4)).chosen();
    for (int k = 0; k < 10; k++) {
      registry.snapshot().state(holder).acquire(now);
    }
    Explanation next = explain(router, request("chat", 1, 2, 3, 9));
    assertThat(next.chosen()).isNotEqualTo(holder);
    Explanation.Candidate h = next.candidates().stream().filter(c -> c.endpointId().equals(holder)).findFirst().orElseThrow();
    assertThat(h.scoreTerms()).startsWith("prefix_blocks=3/4 ").contains("inflight=0.714*");
    assertThat(next.toHeaderValue()).contains(holder + ":status=healthy,inflight=10").contains("terms=prefix_blocks=3/4/");
  }

  /** Serves {@code count} requests without a prefix, each answered {@code ms} after it is routed. */
  private void serve(Router router, int count, long ms) {
    for (int k = 0; k < count; k++) {
      Decision d = router.route(RouteRequest.of("chat")).decisionOrThrow();
      now += ms * 1_000_000L;
      d.lease().complete(Outcome.success());
    }
  }

  private void freshMetrics() {
    for (int i = 0; i < 3; i++) {
      registry.snapshot().state("chat-" + i).updateServerMetrics(0, 0, 0.1, now);
    }
  }

  @Test
  void llmDefault_sendsNothingNewToAnEndpointPendingFarLongerThanItsUsualLatency_notEvenItsPrefix() {
    Router router = router().build();
    serve(router, 30, 100);
    for (int i = 0; i < 3; i++) {
      assertThat(registry.snapshot().state("chat-" + i).latencyMeanNanos()).as("chat-" + i + " answered").isPositive();
    }
    freshMetrics();
    String holder = explain(router, request("chat", 1, 2, 3, 4, 5, 6, 7, 8)).chosen();
    Decision stuck = router.route(request("chat", 1, 2, 3, 4, 5, 6, 7, 8, 9)).decisionOrThrow();
    assertThat(stuck.endpoint().id()).isEqualTo(holder);
    now += 50_000_000L; // pending for half its usual latency: busy, not stalled
    assertThat(explain(router, request("chat", 1, 2, 3, 4, 5, 6, 7, 8, 10)).chosen()).isEqualTo(holder);

    now += 950_000_000L; // pending 10 times its usual latency, its scraped metrics still fresh
    freshMetrics();
    for (int k = 0; k < 20; k++) {
      Explanation e = explain(router, request("chat", 1, 2, 3, 4, 5, 6, 7, 8, 11 + k));
      assertThat(e.chosen()).as("pick %d", k).isNotEqualTo(holder);
      now += 10_000_000L;
    }
    stuck.lease().close();
  }

  @Test
  void aModelOverridesTheDefault() {
    Router router = router().strategy(Strategies.perModel(Map.of("chat", Strategies.leastLatency()), Strategies.defaultStrategy())).build();
    Explanation chat = explain(router, request("chat", 1, 2));
    assertThat(chat.candidates()).allSatisfy(c -> assertThat(c.scoreTerms()).isNull());
    assertThat(chat.candidates()).filteredOn(c -> !c.chosen()).extracting(Explanation.Candidate::score)
        .containsOnly((double) Strategies.DEFAULT_INITIAL_RTT.toNanos());
  }
}
