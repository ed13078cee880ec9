package io.modelrouter.examples;

import io.modelrouter.Decision;
import io.modelrouter.Lease;
import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.Router;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.util.List;

/** The README's embedding quickstart: compiled with the examples, so it cannot rot. */
public final class Quickstart {

  public static void main(String[] args) {
    // README-QUICKSTART-BEGIN
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(
        List.of(ModelSpec.builder("demo-chat", "1").tags(java.util.Set.of("stable")).build()),
        List.of(
            Endpoint.builder("chat-a", "http://127.0.0.1:8001").serves("demo-chat:1").build(),
            Endpoint.builder("chat-b", "http://127.0.0.1:8002").serves("demo-chat:1").build()));

    Router router = Router.builder(registry).build(); // Strategies.defaultStrategy(): leastLatency() here

    RouteResult result = router.route(RouteRequest.builder("demo-chat").explain(true).build());
    if (result instanceof Decision decision) {
      try (Lease lease = decision.lease()) {
        System.out.println("route demo-chat -> " + decision.endpoint().id() + " " + decision.endpoint().baseUrl());
        System.out.println("why: " + decision.explanation().toHeaderValue());
        // ... send the request to decision.endpoint().baseUrl(), then report how it went:
        lease.complete(Outcome.success());
      }
    } else {
      System.out.println("rejected: " + result);
    }
    // README-QUICKSTART-END
  }

  private Quickstart() {}
}
