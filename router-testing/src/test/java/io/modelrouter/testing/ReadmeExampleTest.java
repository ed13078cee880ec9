package io.modelrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Decision;
import io.modelrouter.Lease;
import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

// README-TESTING-BEGIN
class ReadmeExampleTest {

  @RegisterExtension
  final SimFleetExtension sims = SimFleetExtension.of(SimFleet.builder()
      .openai("chat", 2)                                                        // chat-0, chat-1
      .openai("chat", 1, server -> server.baseLatency(Duration.ofMillis(300)))); // chat-2, slow

  @Test
  void route_sendsLittleToTheSlowServer(SimFleet fleet) throws Exception {
    Router router = fleet.router().build(); // the default: llmCombined() for vLLM-like servers
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 30; i++) {
      Decision decision = (Decision) router.route(RouteRequest.builder("chat").build());
      try (Lease lease = decision.lease()) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                decision.endpoint().baseUrl().resolve("/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
            .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        lease.complete(Outcome.ofStatus(answer.statusCode()));
      }
    }
    fleet.awaitNoneInFlight();
    assertThat(fleet.outcomes("chat-2")).hasSizeLessThan(10);
    assertThat(fleet.outcomes()).hasSize(30).allMatch(o -> o.outcome().kind() == Outcome.Kind.SUCCESS);
  }
}
// README-TESTING-END
