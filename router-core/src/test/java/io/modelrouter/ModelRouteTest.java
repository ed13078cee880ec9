package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import io.modelrouter.route.ModelSelector;
import io.modelrouter.route.RouteExplanation;
import io.modelrouter.route.TargetChoices;
import io.modelrouter.schema.SchemaValidator;
import io.modelrouter.select.DeadlinePolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Model routes in the router: each eligibility rule, each policy, the rejection and the explanation. */
class ModelRouteTest {

  private static final long DECAY = Duration.ofSeconds(10).toNanos();

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final InMemoryRegistry registry = InMemoryRegistry.create(now::get);

  private Router.Builder router() {
    return Router.builder(registry).ticker(now::get).random(new SplittableRandom(7));
  }

  /** small: fast, cheap, 8k context; large: slow, dear, 128k; vision: mid, can see. */
  private static ModelSpec small() {
    return ModelSpec.builder("small", "1").contextWindow(8192).quality(0.6).costPer1kTokens(0.1).build();
  }

  private static ModelSpec large() {
    return ModelSpec.builder("large", "1").contextWindow(131072).quality(0.9).costPer1kTokens(1.0).build();
  }

  private static ModelSpec vision() {
    return ModelSpec.builder("vision", "1").contextWindow(32768).quality(0.7).costPer1kTokens(0.5)
        .capabilities(Set.of("vision")).build();
  }

  private static Endpoint endpoint(String id, String serves) {
    return Endpoint.builder(id, "http://127.0.0.1:9/" + id).serves(serves).build();
  }

  private void fleet(String policy) {
    registry.replace(new RegistryContent(
        List.of(small(), large(), vision()),
        List.of(endpoint("s1", "small"), endpoint("s2", "small"), endpoint("l1", "large"), endpoint("v1", "vision")),
        List.of(RouteSpec.builder("chat")
            .targets(List.of(RouteTarget.of("small"), RouteTarget.of("large"), RouteTarget.of("vision")))
            .policy(policy)
            .build())));
    latency("s1", 20);
    latency("s2", 25);
    latency("l1", 200);
    latency("v1", 80);
  }

  private void latency(String id, long millis) {
    registry.snapshot().state(id).recordLatency(millis * 1_000_000, now.get(), DECAY);
  }

  private static RouteRequest.Builder chat() {
    return RouteRequest.builder("chat").promptTokens(1000).maxOutputTokens(200);
  }

  private static Decision decision(RouteResult r) {
    assertThat(r).isInstanceOf(Decision.class);
    return (Decision) r;
  }

  private static Rejection rejection(RouteResult r) {
    assertThat(r).isInstanceOf(Rejection.class);
    return (Rejection) r;
  }

  @Test
  void route_ordered_takesTheFirstEligibleTargetAndNamesTheRoute() {
    fleet("ordered");
    Decision d = decision(router().build().route(chat().build()));
    assertThat(d.model().name()).isEqualTo("small");
    assertThat(d.route().name()).isEqualTo("chat");
    assertThat(d.endpoint().id()).isEqualTo("s1");
    d.lease().close();
  }

  @Test
  void route_concreteModel_isUnchangedByRoutes() {
    fleet("ordered");
    Decision d = decision(router().build().route(RouteRequest.of("large")));
    assertThat(d.model().name()).isEqualTo("large");
    assertThat(d.route()).isNull();
    assertThat(d.routeExplanation()).isNull();
    d.lease().close();
  }

  @Test
  void route_contextOverflow_skipsTheShortContextTarget() {
    fleet("ordered");
    Decision d = decision(router().build().route(chat().promptTokens(9000).maxOutputTokens(200).build()));
    assertThat(d.model().name()).isEqualTo("large");
    d.lease().close();
  }

  @Test
  void route_capability_goesToTheTargetThatHasIt() {
    fleet("ordered");
    Decision d = decision(router().build().route(chat().capabilities(Set.of("vision")).build()));
    assertThat(d.model().name()).isEqualTo("vision");
    d.lease().close();
  }

  @Test
  void route_operation_skipsTargetsThatDoNotServeIt() {
    registry.replace(new RegistryContent(
        List.of(ModelSpec.builder("embed", "1").operations(Set.of(Operation.EMBEDDING)).build(), large()),
        List.of(endpoint("e1", "embed"), endpoint("l1", "large")),
        List.of(RouteSpec.builder("any").targets(List.of(RouteTarget.of("embed"), RouteTarget.of("large"))).build())));
    Router router = router().build();
    Decision d = decision(router.route(RouteRequest.builder("any").operation(Operation.CHAT).build()));
    assertThat(d.model().name()).isEqualTo("large");
    d.lease().close();
    Decision e = decision(router.route(RouteRequest.builder("any").operation(Operation.EMBEDDING).build()));
    assertThat(e.model().name()).isEqualTo("embed");
    e.lease().close();
  }

  @Test
  void route_minimumQuality_leavesOutLowerQualityTargets() {
    fleet("cheapest");
    Decision d = decision(router().build().route(chat().minQuality(0.8).build()));
    assertThat(d.model().name()).isEqualTo("large");
    d.lease().close();
  }

  @Test
  void route_tenantMayNotUseATarget_skipsItWithoutNamingIt() {
    fleet("ordered");
    Router router = router().build();
    RouteRequest.Builder noSmall = chat().modelAccess(m -> !m.equals("small")).explain(true);
    Decision d = decision(router.route(noSmall.build()));
    assertThat(d.model().name()).isEqualTo("large");
    assertThat(d.routeExplanation().toHeaderValue()).doesNotContain("small");
    d.lease().close();
    Rejection r = rejection(router.route(noSmall.promptTokens(200_000).build()));
    assertThat(r.message()).doesNotContain("small").contains("large:1").contains("vision:1");
  }

  @Test
  void route_tenantMayUseNoTarget_looksLikeAnUnknownModel() {
    fleet("ordered");
    Rejection r = rejection(router().build().route(chat().modelAccess(m -> false).build()));
    assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_MODEL);
    assertThat(r.message()).isEqualTo("model 'chat' does not exist");
  }

  @Test
  void route_noRoutableEndpoint_fallsToTheNextTarget() {
    fleet("ordered");
    registry.snapshot().state("s1").setStatus(EndpointStatus.UNHEALTHY, now.get());
    registry.snapshot().state("s2").setStatus(EndpointStatus.UNHEALTHY, now.get());
    Decision d = decision(router().build().route(chat().build()));
    assertThat(d.model().name()).isEqualTo("large");
    d.lease().close();
  }

  @Test
  void route_excludedEndpoints_moveTheRetryToTheNextTarget() {
    fleet("ordered");
    Decision d = decision(router().build().route(chat().excludedEndpoints(Set.of("s1", "s2")).build()));
    assertThat(d.model().name()).isEqualTo("large");
    d.lease().close();
  }

  @Test
  void route_latencyBudget_skipsTargetsPredictedTooSlow() {
    fleet("ordered");
    latency("s1", 300);
    latency("s2", 300);
    Decision d = decision(router().build().route(chat().latencyBudget(Duration.ofMillis(250)).build()));
    assertThat(d.model().name()).isEqualTo("large");
    d.lease().close();
  }

  @Test
  void route_fastest_choosesTheLowestPredictedLatency() {
    fleet("fastest");
    latency("s1", 500);
    latency("s2", 500);
    Decision d = decision(router().build().route(chat().build()));
    assertThat(d.model().name()).isEqualTo("vision");
    d.lease().close();
  }

  @Test
  void route_endpointPendingWithoutAnswer_isPredictedAtLeastItsPendingAge() {
    fleet("fastest");
    latency("s1", 500);
    latency("s2", 500);
    EndpointState v1 = registry.snapshot().state("v1");
    v1.acquire(now.get()); // vision takes a request and answers nothing for 2 s
    now.addAndGet(2_000_000_000L);
    Decision d = decision(router().build().route(chat().explain(true).build()));
    RouteExplanation.Target vision = d.routeExplanation().targets().get(2);
    assertThat(vision.predictedLatencyMillis()).as("its last answer took 80 ms; it has owed one for 2 s").isEqualTo(2_000.0);
    assertThat(d.model().name()).isEqualTo("large");
    d.lease().close();
    v1.release();
  }

  @Test
  void route_cheapest_choosesTheCheapestThatMeetsTheBudget() {
    fleet("cheapest");
    Router router = router().build();
    Decision d = decision(router.route(chat().build()));
    assertThat(d.model().name()).isEqualTo("small");
    d.lease().close();
    // small is too slow for the budget now: the cheapest of those that meet it is vision
    latency("s1", 400);
    latency("s2", 400);
    Router lenient = router().deadlinePolicy(DeadlinePolicy.BEST_EFFORT).build();
    Decision e = decision(lenient.route(chat().latencyBudget(Duration.ofMillis(300)).build()));
    assertThat(e.model().name()).isEqualTo("vision");
    e.lease().close();
  }

  @Test
  void route_weighted_splitsByWeightAndSticksPerAffinityKey() {
    registry.replace(new RegistryContent(
        List.of(small(), large()),
        List.of(endpoint("s1", "small"), endpoint("l1", "large")),
        List.of(RouteSpec.builder("chat").policy("weighted").targets(List.of(
            new RouteTarget("small", VersionSelector.unspecified(), 3),
            new RouteTarget("large", VersionSelector.unspecified(), 1))).build())));
    Router router = router().build();
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      Decision d = decision(router.route(chat().build()));
      served.merge(d.model().name(), 1, Integer::sum);
      d.lease().close();
    }
    assertThat(served.get("small")).isBetween(2800, 3200);
    assertThat(served.get("large")).isBetween(800, 1200);
    for (int k = 0; k < 20; k++) {
      String key = "session-" + k;
      Decision first = decision(router.route(chat().affinityKey(key).build()));
      first.lease().close();
      for (int i = 0; i < 5; i++) {
        Decision again = decision(router.route(chat().affinityKey(key).build()));
        assertThat(again.model().name()).isEqualTo(first.model().name());
        again.lease().close();
      }
    }
  }

  @Test
  void route_versionSelector_resolvesThatVersion() {
    registry.replace(new RegistryContent(
        List.of(ModelSpec.builder("m", "1").tags(Set.of("stable")).build(), ModelSpec.builder("m", "2").build()),
        List.of(endpoint("a", "m:1"), endpoint("b", "m:2")),
        List.of(RouteSpec.builder("r").targets(List.of(RouteTarget.of("m", "tag:stable"))).build())));
    Decision d = decision(router().build().route(RouteRequest.of("r")));
    assertThat(d.model().key()).isEqualTo("m:1");
    d.lease().close();
  }

  @Test
  void route_schema_choosesTheModelWhoseInputSchemaTheBodyMatches() {
    String textSchema = "{\"type\":\"object\",\"required\":[\"text\"]}";
    String imageSchema = "{\"type\":\"object\",\"required\":[\"image_url\"]}";
    registry.replace(new RegistryContent(
        List.of(ModelSpec.builder("texter", "1").inputSchema(textSchema).build(),
            ModelSpec.builder("imager", "1").inputSchema(imageSchema).build()),
        List.of(endpoint("t", "texter"), endpoint("i", "imager")),
        List.of(RouteSpec.builder("classify").targets(List.of(RouteTarget.of("texter"), RouteTarget.of("imager"))).build())));
    Router router = router().inputValidator(SchemaValidator.create()).build();
    JsonMapper json = JsonMapper.builder().build();
    Decision image = decision(router.route(RouteRequest.builder("classify")
        .payload(json.readTree("{\"image_url\":\"http://x/cat.png\"}")).build()));
    assertThat(image.model().name()).isEqualTo("imager");
    image.lease().close();
    Decision text = decision(router.route(RouteRequest.builder("classify")
        .payload(json.readTree("{\"text\":\"hello\"}")).build()));
    assertThat(text.model().name()).isEqualTo("texter");
    text.lease().close();
    Rejection neither = rejection(router.route(RouteRequest.builder("classify")
        .payload(json.readTree("{\"audio\":\"...\"}")).build()));
    assertThat(neither.reason()).isEqualTo(RejectionReason.NO_ELIGIBLE_MODEL);
    assertThat(neither.message()).contains("texter:1").contains("imager:1");
  }

  @Test
  void route_noEligibleTarget_saysWhyEachWasOut() {
    fleet("ordered");
    Rejection r = rejection(router().build().route(chat().promptTokens(9000).capabilities(Set.of("vision", "audio")).build()));
    assertThat(r.reason()).isEqualTo(RejectionReason.NO_ELIGIBLE_MODEL);
    assertThat(r.httpStatus()).isEqualTo(400);
    assertThat(r.message())
        .contains("small:1: lacks audio, vision")
        .contains("large:1: lacks audio, vision")
        .contains("vision:1: lacks audio");
    Rejection context = rejection(router().build().route(chat().promptTokens(200_000).build()));
    assertThat(context.message()).contains("small:1: 200,200 tokens > context 8,192");
  }

  @Test
  void route_onlyTemporaryReasons_rejectWithRetryAfter() {
    fleet("ordered");
    for (String id : List.of("s1", "s2", "l1", "v1")) {
      registry.snapshot().state(id).setStatus(EndpointStatus.UNHEALTHY, now.get());
    }
    Rejection r = rejection(router().build().route(chat().build()));
    assertThat(r.reason()).isEqualTo(RejectionReason.NO_HEALTHY_ENDPOINT);
    assertThat(r.retryAfter()).isNotNull();
    assertThat(r.message()).contains("small:1: none of the 2 endpoints");
  }

  @Test
  void route_explanation_listsEveryTargetsFateAndPredictions() {
    fleet("cheapest");
    Decision d = decision(router().build().route(chat().capabilities(Set.of()).promptTokens(9000)
        .latencyBudget(Duration.ofSeconds(1)).explain(true).build()));
    RouteExplanation why = d.routeExplanation();
    assertThat(why.policy()).isEqualTo("cheapest");
    assertThat(why.chosen()).isEqualTo("vision:1");
    assertThat(why.targets()).hasSize(3);
    assertThat(why.targets().get(0).outBecause()).isEqualTo("9,200 tokens > context 8,192");
    assertThat(why.targets().get(1).predictedLatencyMillis()).isEqualTo(200.0);
    assertThat(why.targets().get(1).cost()).isGreaterThan(why.targets().get(2).cost());
    assertThat(why.toHeaderValue()).startsWith("route=chat; policy=cheapest; small:1=out(")
        .contains("large:1=eligible,latency_ms=200.00").contains("vision:1=chosen");
    assertThat(d.explanation().chosen()).isEqualTo("v1");
    d.lease().close();
  }

  @Test
  void route_withoutExplain_buildsNoExplanation() {
    fleet("cheapest");
    Decision d = decision(router().build().route(chat().build()));
    assertThat(d.routeExplanation()).isNull();
    assertThat(d.explanation()).isNull();
    d.lease().close();
  }

  @Test
  void route_customSelector_isCalledByItsPolicyName() {
    fleet("last");
    ModelSelector last = new ModelSelector() {
      @Override
      public int select(TargetChoices c) {
        return c.size() - 1;
      }

      @Override
      public String name() {
        return "last";
      }
    };
    Decision d = decision(router().modelSelector(last).build().route(chat().build()));
    assertThat(d.model().name()).isEqualTo("vision");
    d.lease().close();
  }

  @Test
  void route_unknownPolicy_rejectsSayingSo() {
    fleet("nonesuch");
    Rejection r = rejection(router().build().route(chat().build()));
    assertThat(r.message()).contains("policy 'nonesuch'");
  }

  @Test
  void route_leaseReleasesTheChosenEndpoint() {
    fleet("ordered");
    Decision d = decision(router().build().route(chat().build()));
    assertThat(registry.snapshot().state("s1").inFlight()).isEqualTo(1);
    d.lease().complete(Outcome.success());
    assertThat(registry.snapshot().state("s1").inFlight()).isZero();
  }

  /**
   * small has {@code pool} endpoints, all at 500 ms but "s0" at 10 ms; large one at 200 ms; policy
   * fastest.
   */
  private void pool(int pool) {
    List<Endpoint> endpoints = new java.util.ArrayList<>();
    for (int i = 0; i < pool; i++) {
      endpoints.add(endpoint("s" + i, "small"));
    }
    endpoints.add(endpoint("l1", "large"));
    registry.replace(new RegistryContent(List.of(small(), large()), endpoints,
        List.of(RouteSpec.builder("chat").targets(List.of(RouteTarget.of("small"), RouteTarget.of("large")))
            .policy("fastest").build())));
    for (int i = 0; i < pool; i++) {
      latency("s" + i, i == 0 ? 10 : 500);
    }
    latency("l1", 200);
  }

  @Test
  void route_fullScanLimitOrFewerEndpoints_predictsOnEveryOne() {
    pool(TargetSelection.FULL_SCAN_LIMIT);
    Router r = router().build();
    for (int i = 0; i < 50; i++) {
      Decision d = decision(r.route(chat().explain(true).build()));
      assertThat(d.endpoint().id()).isEqualTo("s0");
      assertThat(d.routeExplanation().targets().get(0).endpointsCompared()).isEqualTo(TargetSelection.FULL_SCAN_LIMIT);
      d.lease().close();
    }
  }

  @Test
  void route_largePool_predictsOnTwoRandomEndpointsAndPicksAmongThem() {
    pool(TargetSelection.FULL_SCAN_LIMIT + 4);
    Router r = router().build();
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      Decision d = decision(r.route(chat().build()));
      // small wins only when its sample holds s0, and then s0 serves: the pair the prediction judged.
      served.merge(d.endpoint().id(), 1, Integer::sum);
      d.lease().close();
    }
    assertThat(served.keySet()).containsExactlyInAnyOrder("s0", "l1");
    // P(s0 in a sample of 2 of 20) = 10%: about 40 of 400.
    assertThat(served.get("s0")).isBetween(10, 100);
  }

  @Test
  void route_largePool_explanationShowsTheSampleCompared() {
    pool(TargetSelection.FULL_SCAN_LIMIT + 4);
    Router r = router().build();
    int smallChosen = 0;
    for (int i = 0; i < 200; i++) {
      Decision d = decision(r.route(chat().explain(true).build()));
      RouteExplanation why = d.routeExplanation();
      RouteExplanation.Target small = why.targets().get(0);
      assertThat(small.endpointsCompared()).isEqualTo(TargetSelection.SAMPLE);
      assertThat(small.endpointsRoutable()).isEqualTo(TargetSelection.FULL_SCAN_LIMIT + 4);
      assertThat(why.toHeaderValue()).contains(",compared=2/20").contains(",compared=1/1");
      if (small.chosen()) {
        smallChosen++;
        assertThat(small.predictedLatencyMillis()).isEqualTo(10.0);
        assertThat(d.endpoint().id()).isEqualTo("s0");
      } else {
        assertThat(small.predictedLatencyMillis()).isEqualTo(500.0);
      }
      d.lease().close();
    }
    assertThat(smallChosen).isPositive();
  }

  @Test
  void route_endpointReportingTokenTimes_predictsFromTheRequestsOutputTokens() {
    fleet("fastest");
    registry.snapshot().state("l1").recordTtft(50_000_000L, now.get(), DECAY);
    registry.snapshot().state("l1").recordTpot(2_000_000.0, now.get(), DECAY);
    Router r = router().build();
    Decision shortAnswer = decision(r.route(chat().maxOutputTokens(10).explain(true).build()));
    Decision longAnswer = decision(r.route(chat().maxOutputTokens(200).explain(true).build()));
    // large: 50 ms to the first token, then 2 ms a token; small (no token times): its whole-request latency.
    assertThat(shortAnswer.routeExplanation().targets().get(1).predictedLatencyMillis()).isEqualTo(68.0);
    assertThat(longAnswer.routeExplanation().targets().get(1).predictedLatencyMillis()).isEqualTo(448.0);
    assertThat(longAnswer.routeExplanation().targets().get(0).predictedLatencyMillis()).isEqualTo(20.0);
    shortAnswer.lease().close();
    longAnswer.lease().close();
  }

  @Test
  void route_cheapest_withoutBudget_skipsACheaperTargetWhoseServersQueue() {
    fleet("cheapest");
    Router router = router().build();
    long t = now.get();
    registry.snapshot().state("s1").updateServerMetrics(3, 1, 0.5, t); // requests wait on every small server
    registry.snapshot().state("s2").updateServerMetrics(2, 1, 0.5, t);
    Decision d = decision(router.route(chat().build()));
    assertThat(d.model().name()).as("the cheapest with a free slot that the request needs").isEqualTo("large");
    d.lease().close();
    registry.snapshot().state("v1").updateServerMetrics(1, 1, 0.5, t);
    registry.snapshot().state("l1").updateServerMetrics(1, 1, 0.5, t);
    Decision e = decision(router.route(chat().build()));
    // every target queues: the fastest of small (s2: 25 ms x (1 + 2 / 1)) and large (400 ms); vision is not needed
    assertThat(e.model().name()).isEqualTo("small");
    e.lease().close();
  }

  @Test
  void route_cheapest_withoutBudget_leavesATargetWithCapabilitiesItDoesNotNeedToThoseThatNeedThem() {
    fleet("cheapest");
    Router router = router().deadlinePolicy(DeadlinePolicy.BEST_EFFORT).build();
    RouteRequest.Builder longText = chat().promptTokens(9000); // past small's context: large or vision
    Decision noBudget = decision(router.route(longText.build()));
    assertThat(noBudget.model().name()).as("vision is cheaper, but text without a budget leaves it to images")
        .isEqualTo("large");
    noBudget.lease().close();
    Decision budget = decision(router.route(longText.latencyBudget(Duration.ofMillis(150)).build()));
    assertThat(budget.model().name()).as("only vision meets the budget").isEqualTo("vision");
    budget.lease().close();
    Decision image = decision(router.route(chat().capabilities(Set.of("vision")).build()));
    assertThat(image.model().name()).as("a request that needs vision, no budget").isEqualTo("vision");
    image.lease().close();
  }

  @Test
  void route_cheapest_withBudget_leavesABusyTargetWithCapabilitiesItDoesNotNeedToThoseThatNeedThem() {
    fleet("cheapest");
    Router router = router().deadlinePolicy(DeadlinePolicy.BEST_EFFORT).build();
    RouteRequest longText = chat().promptTokens(9000).latencyBudget(Duration.ofMillis(150)).build();
    EndpointState v1 = registry.snapshot().state("v1");
    v1.acquire(now.get()); // an image is running on vision
    Decision busy = decision(router.route(longText));
    assertThat(busy.model().name()).as("only vision meets the budget, but its prefill there would stall the image")
        .isEqualTo("large");
    busy.lease().close();
    Decision image = decision(router.route(chat().capabilities(Set.of("vision")).latencyBudget(Duration.ofMillis(150)).build()));
    assertThat(image.model().name()).as("a request that needs vision").isEqualTo("vision");
    image.lease().close();
    v1.release();
    Decision idle = decision(router.route(longText));
    assertThat(idle.model().name()).as("vision is idle: the request holds up no one there").isEqualTo("vision");
    idle.lease().close();
  }

  @Test
  void route_shedByATargetItCouldUse_doesNotOverflowOntoATargetWithCapabilitiesItDoesNotNeed() {
    fleet("cheapest");
    Router router = router().deadlinePolicy(DeadlinePolicy.BEST_EFFORT).build();
    registry.snapshot().state("l1").updateServerMetrics(10, 32, 0.5, now.get()); // large queues: saturated
    RouteRequest.Builder longText = chat().promptTokens(9000); // past small's context: large or vision
    Rejection shed = rejection(router.route(longText.priority(Priority.SHEDDABLE).build()));
    assertThat(shed.reason()).isEqualTo(RejectionReason.OVERLOADED);
    assertThat(shed.retryAfter()).isNotNull();
    assertThat(shed.message()).contains("vision:1: left to requests that need vision");
    Decision standard = decision(router.route(longText.priority(Priority.STANDARD).build()));
    assertThat(standard.model().name()).as("not shed: the saturated large, not vision").isEqualTo("large");
    standard.lease().close();
    Decision image = decision(router.route(chat().capabilities(Set.of("vision")).priority(Priority.SHEDDABLE).build()));
    assertThat(image.model().name()).as("a sheddable image, which needs vision").isEqualTo("vision");
    image.lease().close();
  }

  @Test
  void route_longPrompt_isPredictedItsPrefillAtTheTargetsLearntRate() {
    fleet("fastest");
    EndpointState l1 = registry.snapshot().state("l1");
    // large answers 1k-token prompts in 60 ms and 9k-token ones in 460 ms: 0.05 ms per prompt token
    for (int i = 0; i < 6; i++) {
      int prompt = i % 2 == 0 ? 1_000 : 9_000;
      long ttft = i % 2 == 0 ? 60_000_000L : 460_000_000L;
      long at = now.addAndGet(100_000_000L);
      l1.recordTtft(ttft, at, DECAY);
      l1.recordPrefill(prompt, ttft, at, DECAY);
    }
    l1.recordTpot(2_000_000.0, now.get(), DECAY);
    Router r = router().build();
    Decision shortPrompt = decision(r.route(chat().promptTokens(1_000).explain(true).build()));
    Decision longPrompt = decision(r.route(chat().promptTokens(20_000).explain(true).build()));
    double rate = l1.prefillNanosPerToken();
    assertThat(rate).isCloseTo(50_000, within(1.0));
    double expected = (l1.ttftEwmaNanos() + rate * (20_000 - l1.prefillMeanTokens())) / 1e6;
    RouteExplanation.Target large = longPrompt.routeExplanation().targets().get(1);
    assertThat(large.predictedTtftMillis()).isCloseTo(expected, within(1e-6)).isGreaterThan(1_000.0);
    assertThat(large.predictedLatencyMillis()).isCloseTo(expected + 199 * 2.0, within(1e-6));
    assertThat(shortPrompt.routeExplanation().targets().get(1).predictedTtftMillis()).isLessThan(300.0);
    shortPrompt.lease().close();
    longPrompt.lease().close();
  }

  @Test
  void route_largePool_whoseRandomDrawsMissItsFewRoutableEndpoints_isStillEligible() {
    pool(TargetSelection.FULL_SCAN_LIMIT + 4);
    for (int i = 0; i < TargetSelection.FULL_SCAN_LIMIT + 4; i++) {
      if (i != 0 && i != 7) {
        registry.snapshot().state("s" + i).setStatus(EndpointStatus.UNHEALTHY, now.get());
      }
    }
    Router r = router().build();
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      Decision d = decision(r.route(chat().build()));
      served.merge(d.endpoint().id(), 1, Integer::sum);
      d.lease().close();
    }
    // Eight draws of 20 rarely find both routable endpoints: the whole pool is filtered then, its two
    // routable endpoints are compared, and small on s0 (10 ms) beats large (200 ms) every time.
    assertThat(served).containsOnlyKeys("s0");
  }
}
