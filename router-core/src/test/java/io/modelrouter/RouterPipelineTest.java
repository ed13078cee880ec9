package io.modelrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.health.EndpointState;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.EndpointFilter;
import io.modelrouter.select.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouterPipelineTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final InMemoryRegistry registry = InMemoryRegistry.create(now::get);

  private Router.Builder router() {
    return Router.builder(registry).ticker(now::get).random(new SplittableRandom(7));
  }

  private static ModelSpec model(String name, String version, String... tags) {
    return ModelSpec.builder(name, version).tags(Set.of(tags)).build();
  }

  private static Endpoint endpoint(String id, String... serves) {
    return Endpoint.builder(id, "http://127.0.0.1:9/" + id).serves(serves).build();
  }

  private void fleet() {
    registry.replace(
        List.of(model("chat", "1", "stable"), model("chat", "2", "canary"), model("chat", "10")),
        List.of(endpoint("a", "chat:1"), endpoint("b", "chat:1"), endpoint("c", "chat:2"), endpoint("d", "chat:10")));
  }

  private EndpointState state(String id) {
    return registry.snapshot().state(id);
  }

  @Test
  void route_unknownModel_rejectsAsUnknownModel() {
    fleet();
    RouteResult r = router().build().route(RouteRequest.of("nope"));
    assertThat(r).isInstanceOfSatisfying(Rejection.class, rej -> {
      assertThat(rej.reason()).isEqualTo(RejectionReason.UNKNOWN_MODEL);
      assertThat(rej.httpStatus()).isEqualTo(404);
      assertThat(rej.message()).contains("'nope'");
    });
  }

  @Test
  void route_resolvesExactVersionTagAndLatest() {
    fleet();
    Router router = router().build();
    assertThat(router.route(RouteRequest.builder("chat").version(VersionSelector.exact("2")).build())
        .decisionOrThrow().endpoint().id()).isEqualTo("c");
    assertThat(router.route(RouteRequest.builder("chat").version(VersionSelector.tag("canary")).build())
        .decisionOrThrow().model().version()).isEqualTo("2");
    assertThat(router.route(RouteRequest.builder("chat").version(VersionSelector.tag("stable")).build())
        .decisionOrThrow().endpoint().id()).isIn("a", "b");
    // numeric-aware: 10 is after 2
    assertThat(router.route(RouteRequest.builder("chat").version(VersionSelector.latest()).build())
        .decisionOrThrow().endpoint().id()).isEqualTo("d");
    assertThat(router.route(RouteRequest.of("chat")).decisionOrThrow().model().version()).isEqualTo("10");
  }

  @Test
  void route_noMatchingVersion_listsTheVersionsThereAre() {
    fleet();
    Rejection rej = (Rejection) router().build().route(
        RouteRequest.builder("chat").version(VersionSelector.tag("beta")).build());
    assertThat(rej.reason()).isEqualTo(RejectionReason.NO_MATCHING_VERSION);
    assertThat(rej.message()).contains("tag:beta").contains("1 [stable]").contains("2 [canary]").contains("10");
  }

  @Test
  void route_operationTheModelDoesNotServe_isRejected() {
    registry.replace(
        List.of(ModelSpec.builder("embed", "1").operations(EnumSet.of(Operation.EMBEDDING)).build()),
        List.of(endpoint("e", "embed")));
    Rejection rej = (Rejection) router().build().route(
        RouteRequest.builder("embed").operation(Operation.CHAT).build());
    assertThat(rej.reason()).isEqualTo(RejectionReason.UNSUPPORTED_OPERATION);
    assertThat(rej.httpStatus()).isEqualTo(400);
    assertThat(router().build().route(RouteRequest.builder("embed").operation(Operation.EMBEDDING).build()).isDecision())
        .isTrue();
  }

  @Test
  void route_missingCapability_isRejectedNamingIt() {
    registry.replace(
        List.of(ModelSpec.builder("chat", "1").capabilities(Set.of("tools")).build()),
        List.of(endpoint("a", "chat")));
    Rejection rej = (Rejection) router().build().route(
        RouteRequest.builder("chat").capabilities(Set.of("tools", "vision")).build());
    assertThat(rej.reason()).isEqualTo(RejectionReason.MISSING_CAPABILITY);
    assertThat(rej.message()).contains("vision").doesNotContain("lacks tools");
  }

  @Test
  void route_invalidInput_isRejectedBeforeAnyEndpointIsLeased() {
    fleet();
    InputValidator validator = (spec, request) -> request.payload() == null
        ? Rejection.invalidInput("no body", List.of(Violation.of("", "a body is required")))
        : null;
    Router router = router().inputValidator(validator).build();
    Rejection rej = (Rejection) router.route(RouteRequest.of("chat"));
    assertThat(rej.reason()).isEqualTo(RejectionReason.INVALID_INPUT);
    assertThat(rej.violations()).extracting(Violation::message).containsExactly("a body is required");
    assertThat(router.health().endpoints()).allSatisfy(h -> assertThat(h.inFlight()).isZero());
    assertThat(router.route(RouteRequest.builder("chat").payload("{}").build()).isDecision()).isTrue();
  }

  @Test
  void route_versionWithoutEndpoints_rejectsAsNoHealthyEndpoint() {
    registry.replace(List.of(model("lonely", "1")), List.of());
    Rejection rej = (Rejection) router().build().route(RouteRequest.of("lonely"));
    assertThat(rej.reason()).isEqualTo(RejectionReason.NO_HEALTHY_ENDPOINT);
    assertThat(rej.message()).contains("no endpoint serves");
  }

  @Test
  void select_skipsEjectedUnhealthyAndDrainingEndpoints() {
    fleet();
    state("a").setStatus(EndpointStatus.EJECTED, now.get());
    Router router = router().build();
    for (int i = 0; i < 20; i++) {
      Decision d = router.route(RouteRequest.builder("chat").version(VersionSelector.exact("1")).build()).decisionOrThrow();
      assertThat(d.endpoint().id()).isEqualTo("b");
      d.lease().close();
    }
    state("b").setStatus(EndpointStatus.DRAINING, now.get());
    Rejection rej = (Rejection) router.route(RouteRequest.builder("chat").version(VersionSelector.exact("1")).build());
    assertThat(rej.reason()).isEqualTo(RejectionReason.NO_HEALTHY_ENDPOINT);
    assertThat(rej.retryAfter()).isEqualTo(Router.DEFAULT_RETRY_AFTER);
    state("a").setStatus(EndpointStatus.DEGRADED, now.get());
    assertThat(router.route(RouteRequest.builder("chat").version(VersionSelector.exact("1")).build())
        .decisionOrThrow().endpoint().id()).isEqualTo("a");
  }

  @Test
  void select_neverChoosesAnExcludedEndpoint() {
    fleet();
    Router router = router().build();
    RouteRequest retry = RouteRequest.builder("chat").version(VersionSelector.exact("1")).build().toBuilder().exclude("a").build();
    for (int i = 0; i < 20; i++) {
      Decision d = router.route(retry).decisionOrThrow();
      assertThat(d.endpoint().id()).isEqualTo("b");
      d.lease().close();
    }
    Rejection rej = (Rejection) router.route(retry.toBuilder().exclude("b").build());
    assertThat(rej.reason()).isEqualTo(RejectionReason.NO_HEALTHY_ENDPOINT);
    assertThat(rej.message()).contains("untried");
  }

  @Test
  void route_everyEndpointAtItsConcurrencyLimit_rejectsAsOverCapacityWithRetryAfter() {
    registry.replace(List.of(model("m", "1")),
        List.of(Endpoint.builder("x", "http://127.0.0.1:9").serves("m").maxConcurrency(2).build()));
    Router router = router().retryAfter(Duration.ofMillis(250)).build();
    Decision d1 = router.route(RouteRequest.of("m")).decisionOrThrow();
    Decision d2 = router.route(RouteRequest.of("m")).decisionOrThrow();
    Rejection rej = (Rejection) router.route(RouteRequest.of("m"));
    assertThat(rej.reason()).isEqualTo(RejectionReason.OVER_CAPACITY);
    assertThat(rej.httpStatus()).isEqualTo(503);
    assertThat(rej.retryAfter()).isEqualTo(Duration.ofMillis(250));
    d1.lease().complete(Outcome.success());
    assertThat(router.route(RouteRequest.of("m")).isDecision()).isTrue();
    d2.lease().close();
  }

  @Test
  void route_endpointRateQuotaUsedUp_rejectsAsQuotaExceededUntilTimePasses() {
    registry.replace(List.of(model("m", "1")),
        List.of(Endpoint.builder("x", "http://127.0.0.1:9").serves("m").maxRequestsPerSecond(2).build()));
    Router router = router().quotaBurst(2).build();
    router.route(RouteRequest.of("m")).decisionOrThrow().lease().close();
    router.route(RouteRequest.of("m")).decisionOrThrow().lease().close();
    Rejection rej = (Rejection) router.route(RouteRequest.of("m"));
    assertThat(rej.reason()).isEqualTo(RejectionReason.QUOTA_EXCEEDED);
    assertThat(rej.httpStatus()).isEqualTo(429);
    now.addAndGet(500_000_000L); // half a second: one more request at 2 per second
    assertThat(router.route(RouteRequest.of("m")).isDecision()).isTrue();
    assertThat(router.route(RouteRequest.of("m")).isDecision()).isFalse();
  }

  @Test
  void route_adapter_prefersHoldersThenFreeSlots_andNeverEndpointsThatCannotLoadIt() {
    registry.replace(List.of(model("m", "1")), List.of(
        Endpoint.builder("plain", "http://127.0.0.1:9").serves("m").build(),
        Endpoint.builder("configured", "http://127.0.0.1:9").serves("m").adapters(Set.of("sql")).build(),
        Endpoint.builder("slots", "http://127.0.0.1:9").serves("m").maxAdapters(2).build()));
    Router router = router().build();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      Decision d = router.route(RouteRequest.builder("m").adapter("sql").build()).decisionOrThrow();
      seen.merge(d.endpoint().id(), 1, Integer::sum);
      d.lease().close();
    }
    assertThat(seen).as("the holder first").containsOnlyKeys("configured");

    state("configured").setStatus(EndpointStatus.UNHEALTHY, now.get());
    Decision d = router.route(RouteRequest.builder("m").adapter("sql").build()).decisionOrThrow();
    assertThat(d.endpoint().id()).as("then an endpoint with a free adapter slot").isEqualTo("slots");
    d.lease().close();

    registry.replace(List.of(model("m", "1")), List.of(Endpoint.builder("plain", "http://127.0.0.1:9").serves("m").build()));
    Rejection rej = (Rejection) router.route(RouteRequest.builder("m").adapter("sql").build());
    assertThat(rej.reason()).isEqualTo(RejectionReason.MISSING_CAPABILITY);
    state("plain").updateLoadedAdapters(Set.of("sql")); // scraped: the server loaded it
    assertThat(router.route(RouteRequest.builder("m").adapter("sql").build()).isDecision()).isTrue();
  }

  @Test
  void route_filterThatRemovesEveryone_rejectsWithItsReason_unlessSoft() {
    fleet();
    EndpointFilter none = new EndpointFilter() {
      @Override
      public boolean accept(io.modelrouter.select.Candidates c, int i) {
        return false;
      }

      @Override
      public RejectionReason reasonWhenEmpty() {
        return RejectionReason.DEADLINE_UNMEETABLE;
      }

      @Override
      public String name() {
        return "nothing-fits";
      }
    };
    Rejection rej = (Rejection) router().addFilter(none).build().route(RouteRequest.of("chat"));
    assertThat(rej.reason()).isEqualTo(RejectionReason.DEADLINE_UNMEETABLE);
    assertThat(rej.message()).contains("nothing-fits");
    assertThat(rej.retryAfter()).isNotNull();

    EndpointFilter softNone = new EndpointFilter() {
      @Override
      public boolean accept(io.modelrouter.select.Candidates c, int i) {
        return false;
      }

      @Override
      public boolean soft() {
        return true;
      }
    };
    EndpointFilter onlyB = (c, i) -> c.endpoint(i).id().equals("b");
    Router router = router().addFilter(softNone).addFilter(onlyB).build();
    assertThat(router.route(RouteRequest.builder("chat").version(VersionSelector.exact("1")).build())
        .decisionOrThrow().endpoint().id()).isEqualTo("b");
  }

  @Test
  void route_strategyThatFindsNothing_rejectsAsNoHealthyEndpoint() {
    fleet();
    Rejection rej = (Rejection) router().strategy(c -> -1).build().route(RouteRequest.of("chat"));
    assertThat(rej.reason()).isEqualTo(RejectionReason.NO_HEALTHY_ENDPOINT);
  }

  @Test
  void route_unpinnedRequests_followTheTrafficSplit_stickyPerAffinityKey() {
    registry.replace(
        List.of(ModelSpec.builder("chat", "1").trafficWeight(90).build(), ModelSpec.builder("chat", "2").trafficWeight(10).build()),
        List.of(endpoint("v1", "chat:1"), endpoint("v2", "chat:2")));
    Router router = router().build();
    int v2 = 0;
    for (int i = 0; i < 10_000; i++) {
      Decision d = router.route(RouteRequest.of("chat")).decisionOrThrow();
      if (d.model().version().equals("2")) {
        v2++;
      }
      d.lease().close();
    }
    assertThat(v2).isBetween(800, 1200);

    int sessionsOnV2 = 0;
    for (int s = 0; s < 1_000; s++) {
      String key = "session-" + s;
      String first = null;
      for (int i = 0; i < 5; i++) {
        Decision d = router.route(RouteRequest.builder("chat").affinityKey(key).build()).decisionOrThrow();
        if (first == null) {
          first = d.model().version();
        }
        assertThat(d.model().version()).as("session %s stays on one version", key).isEqualTo(first);
        d.lease().close();
      }
      if (first.equals("2")) {
        sessionsOnV2++;
      }
    }
    assertThat(sessionsOnV2).isBetween(60, 140);
    // a pinned version ignores the split
    assertThat(router.route(RouteRequest.builder("chat").version(VersionSelector.exact("2")).build())
        .decisionOrThrow().endpoint().id()).isEqualTo("v2");
  }

  @Test
  void explain_isNullUnlessAsked_andListsEveryCandidateWithItsFate() {
    fleet();
    state("a").setStatus(EndpointStatus.UNHEALTHY, now.get());
    Router router = router().strategy(Strategies.leastRequest()).build();
    Decision plain = router.route(RouteRequest.builder("chat").version(VersionSelector.exact("1")).build()).decisionOrThrow();
    assertThat(plain.explanation()).isNull();
    plain.lease().close();

    Decision d = router.route(RouteRequest.builder("chat").version(VersionSelector.exact("1")).explain(true).build())
        .decisionOrThrow();
    Explanation ex = d.explanation();
    assertThat(ex).isNotNull();
    assertThat(ex.strategy()).isEqualTo("least-request");
    assertThat(ex.chosen()).isEqualTo("b");
    assertThat(ex.candidates()).extracting(Explanation.Candidate::endpointId).containsExactly("a", "b");
    assertThat(ex.candidates().get(0).removedBy()).isEqualTo("status");
    assertThat(ex.candidates().get(1).score()).isEqualTo(0.0); // explained before its own lease is taken
    assertThat(ex.toHeaderValue()).contains("chosen=b").contains("a:status=unhealthy").contains("removed=status");
    d.lease().close();
  }

  @Test
  void rejectionReasons_mapToClientOrCapacityStatuses_neverA500() {
    List<String> codes = new ArrayList<>();
    for (RejectionReason r : RejectionReason.values()) {
      assertThat(r.httpStatus()).as(r.name()).isBetween(400, 504).isNotEqualTo(500);
      assertThat(r.retryable()).as(r.name()).isEqualTo(r.httpStatus() == 429 || r.httpStatus() >= 503);
      codes.add(r.code());
    }
    assertThat(codes).doesNotHaveDuplicates().contains("unknown_model", "over_capacity", "deadline_unmeetable");
    assertThat(Rejection.of(RejectionReason.UNAUTHORIZED, "x").httpStatus()).isEqualTo(401);
    assertThat(Rejection.of(RejectionReason.PAYLOAD_TOO_LARGE, "x").httpStatus()).isEqualTo(413);
    assertThat(Rejection.of(RejectionReason.UNSUPPORTED_MEDIA_TYPE, "x").httpStatus()).isEqualTo(415);
    assertThat(Rejection.of(RejectionReason.OVERLOADED, "x").httpStatus()).isEqualTo(503);
  }

  @Test
  void decisionOrThrow_onRejection_throwsCarryingIt() {
    Rejection rej = Rejection.of(RejectionReason.UNKNOWN_MODEL, "model 'x' does not exist");
    org.assertj.core.api.Assertions.assertThatThrownBy(rej::decisionOrThrow)
        .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.rejection()).isSameAs(rej))
        .hasMessage("unknown_model: model 'x' does not exist");
  }
}
