package io.modelrouter.examples;

import io.modelrouter.Decision;
import io.modelrouter.Lease;
import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.CompositeStrategy;
import io.modelrouter.select.EndpointScorer;
import io.modelrouter.select.Pickers;
import io.modelrouter.select.Scorers;
import io.modelrouter.select.SelectionStrategy;
import java.util.List;

/**
 * A custom scorer in a few lines: prefer endpoints in the gateway's own zone (no cross-zone
 * traffic to pay for), but not at any price: the zone counts half as much as predicted latency
 * and load, so a local endpoint that is much slower or busier loses to a remote one.
 */
public final class ZoneAwareScorerExample {

  /** The strategy: latency + load + half a point for being in another zone, lowest sum wins. */
  public static SelectionStrategy strategy(String localZone) {
    // SCORER-EXAMPLE-BEGIN
    EndpointScorer sameZone = (candidates, i) -> localZone.equals(candidates.endpoint(i).zone()) ? 0 : 1;
    return CompositeStrategy.builder()
        .scorer(Scorers.latency(), 1)
        .scorer(Scorers.inFlight(), 1)
        .scorer(sameZone, 0.5)
        .picker(Pickers.lowestScore())
        .name("zone-aware")
        .build();
    // SCORER-EXAMPLE-END
  }

  public static void main(String[] args) {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(
        List.of(ModelSpec.builder("demo-chat", "1").build()),
        List.of(
            Endpoint.builder("chat-east", "http://127.0.0.1:8001").serves("demo-chat").zone("us-east-1a").build(),
            Endpoint.builder("chat-west", "http://127.0.0.1:8002").serves("demo-chat").zone("us-west-2a").build()));
    Router router = Router.builder(registry).strategy(strategy("us-west-2a")).build();
    Decision d = router.route(RouteRequest.builder("demo-chat").explain(true).build()).decisionOrThrow();
    try (Lease lease = d.lease()) {
      System.out.println("route demo-chat -> " + d.endpoint().id());
      System.out.println("why: " + d.explanation().toHeaderValue());
      lease.complete(Outcome.success());
    }
  }

  private ZoneAwareScorerExample() {}
}
