package io.modelrouter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelrouter.Decision;
import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.Router;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RouterMeterBinder counting a Router's decisions, rejections and lease outcomes. */
class RouterMeterBinderTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final InMemoryRegistry registry = InMemoryRegistry.create();
  private final RouterMeterBinder binder = RouterMeterBinder.create();
  private final Router router = Router.builder(registry).addRouteListener(binder).addOutcomeListener(binder).build();

  RouterMeterBinderTest() {
    registry.replace(new RegistryContent(
        List.of(ModelSpec.builder("small", "1").build()),
        List.of(Endpoint.builder("s1", "http://127.0.0.1:9/s1").serves("small").build()),
        List.of(RouteSpec.builder("chat").targets(List.of(RouteTarget.of("small"))).build())));
  }

  @Test
  void decisionsRejectionsAndOutcomes_areCountedByRouteModelReasonAndEndpoint() {
    binder.bindTo(meters);
    decide("chat").lease().complete(Outcome.success());
    decide("small").lease().complete(Outcome.failure());
    assertThat(router.route(RouteRequest.of("nope")).isDecision()).isFalse();

    assertThat(meters.get("modelrouter.router.decisions").tags("route", "chat", "model", "small").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("modelrouter.router.decisions").tags("route", "", "model", "small").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("modelrouter.router.rejections").tag("reason", "unknown_model").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("modelrouter.router.outcomes").tags("endpoint", "s1", "outcome", "success").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("modelrouter.router.outcomes").tags("endpoint", "s1", "outcome", "failure").counter().count())
        .isEqualTo(1);
  }

  @Test
  void unknownModelFlood_leavesTheNumberOfSeriesUnchanged() {
    binder.bindTo(meters);
    decide("chat").lease().complete(Outcome.success());
    router.route(RouteRequest.of("warm-up"));
    int before = meters.getMeters().size();
    for (int i = 0; i < 100; i++) {
      assertThat(router.route(RouteRequest.of(i % 2 == 0 ? "chat-" + i : "made-up-" + i)).isDecision()).isFalse();
    }
    assertThat(meters.getMeters()).hasSize(before);
    for (Meter m : meters.getMeters()) {
      assertThat(m.getId().getTags().toString()).doesNotContain("made-up").doesNotContain("chat-");
    }
    assertThat(meters.get("modelrouter.router.rejections").tag("reason", "unknown_model").counter().count())
        .isEqualTo(101);
  }

  @Test
  void beforeItIsBound_nothingIsRecordedAndRoutingWorks() {
    decide("chat").lease().complete(Outcome.success());
    assertThat(meters.getMeters()).isEmpty();
    binder.bindTo(meters);
    decide("chat").lease().complete(Outcome.success());
    assertThat(meters.get("modelrouter.router.decisions").tag("route", "chat").counter().count()).isEqualTo(1);
  }

  private Decision decide(String model) {
    RouteResult r = router.route(RouteRequest.of(model));
    assertThat(r.isDecision()).as("%s", r).isTrue();
    return (Decision) r;
  }
}
