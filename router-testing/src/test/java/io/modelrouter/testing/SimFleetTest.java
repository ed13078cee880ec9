package io.modelrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Decision;
import io.modelrouter.Operation;
import io.modelrouter.Outcome;
import io.modelrouter.Protocol;
import io.modelrouter.RouteRequest;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.TensorSpec;
import io.modelrouter.simulator.Fault;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimFleetTest {

  @Test
  void start_numbersEndpointsPerModelAndDescribesThemInTheRegistry() throws IOException {
    try (SimFleet fleet = SimFleet.builder()
        .openai("chat", 2)
        .oip("classifier", 1, server -> server.input("input__0", 4))
        .openai("chat", 1)
        .model("classifier", spec -> spec.inputs(List.of(TensorSpec.of("input__0", "FP32", -1, 4))))
        .start()) {
      assertThat(fleet.endpointIds()).containsExactly("chat-0", "chat-1", "classifier-0", "chat-2");
      Endpoint clf = fleet.endpoint("classifier-0");
      assertThat(clf.protocol()).isEqualTo(Protocol.OIP);
      assertThat(clf.server()).isEqualTo("triton");
      assertThat(clf.baseUrl().toString()).isEqualTo(fleet.baseUrl("classifier-0")).startsWith("http://127.0.0.1:");
      assertThat(fleet.endpoint("chat-2").server()).isEqualTo("vllm");
      ModelSpec chat = fleet.registry().snapshot().model("chat").version("1").spec();
      assertThat(chat.operations()).contains(Operation.CHAT, Operation.EMBEDDING);
      ModelSpec classifier = fleet.registry().snapshot().model("classifier").version("1").spec();
      assertThat(classifier.operations()).containsExactly(Operation.INFER);
      assertThat(classifier.inputs()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("input__0"));
    }
  }

  @Test
  void servers_endpointCustomizerSetsRegistryFields() throws IOException {
    try (SimFleet fleet = SimFleet.builder()
        .servers("chat", Protocol.OPENAI, 1, server -> {}, endpoint -> endpoint.weight(7).zone("west"))
        .start()) {
      assertThat(fleet.endpoint("chat-0").weight()).isEqualTo(7);
      assertThat(fleet.endpoint("chat-0").zone()).isEqualTo("west");
    }
  }

  @Test
  void router_recordsOutcomesPerEndpoint() throws IOException {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start()) {
      Decision d = (Decision) fleet.router().build().route(RouteRequest.builder("chat").build());
      assertThat(fleet.state("chat-0").inFlight()).isEqualTo(1);
      d.lease().complete(Outcome.ofStatus(503));
      fleet.awaitNoneInFlight("chat-0");
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> assertThat(o.httpStatus()).isEqualTo(503));
      assertThat(fleet.outcomes()).extracting(SimFleet.RecordedOutcome::endpointId).containsExactly("chat-0");
    }
  }

  @Test
  void awaitStatus_seesAStatusSetLater() throws IOException {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start()) {
      Thread setter = new Thread(() -> fleet.state("chat-0").setStatus(EndpointStatus.EJECTED, System.nanoTime()));
      setter.start();
      fleet.awaitStatus("chat-0", EndpointStatus.EJECTED);
      assertThat(fleet.state("chat-0").status()).isEqualTo(EndpointStatus.EJECTED);
    }
  }

  @Test
  void server_faultsToggleAtRunTime() throws IOException {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start()) {
      fleet.server("chat-0").kill();
      assertThat(fleet.server("chat-0").isRunning()).isFalse();
      fleet.server("chat-0").restart();
      HttpURLConnection c = (HttpURLConnection) URI.create(fleet.baseUrl("chat-0") + "/health").toURL().openConnection();
      assertThat(c.getResponseCode()).isEqualTo(200);
    }
  }

  @Test
  void close_stopsEveryServer() throws IOException {
    SimFleet fleet = SimFleet.builder().openai("chat", 2).start();
    fleet.close();
    assertThat(fleet.endpointIds()).allSatisfy(id -> assertThat(fleet.server(id).isRunning()).isFalse());
  }

  @Test
  void builder_rejectsBadDeclarationsWithClearMessages() {
    assertThatThrownBy(() -> SimFleet.builder().openai("chat", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one server");
    assertThatThrownBy(() -> SimFleet.builder().openai("chat", 1).oip("chat", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one protocol per model");
    assertThatThrownBy(() -> SimFleet.builder().start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("a fleet needs servers");
    assertThatThrownBy(() -> SimFleet.builder().openai("chat", 1).model("other", spec -> {}).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("other");
    assertThatThrownBy(() -> SimFleet.builder().openai(" ", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
  }

  @Test
  void server_unknownIdNamesTheFleet() throws IOException {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start()) {
      assertThatThrownBy(() -> fleet.server("nope"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chat-0");
    }
  }

  @Test
  void faultProxies_standInFrontOfEveryServerAndTheRegistryPointsAtThem() throws IOException {
    SimFleet fleet = SimFleet.builder().openai("chat", 2).faultProxies().start();
    try (fleet) {
      assertThat(fleet.endpoint("chat-0").baseUrl().toString()).isEqualTo(fleet.proxy("chat-0").baseUrl())
          .isNotEqualTo(fleet.baseUrl("chat-0"));
      assertThat(get(fleet.endpoint("chat-1").baseUrl() + "/health")).isEqualTo(200);
      assertThat(fleet.proxy("chat-1").requestCount()).isEqualTo(1);

      fleet.proxy("chat-1").fault(Fault.crashOnRequest());
      assertThatThrownBy(() -> get(fleet.endpoint("chat-1").baseUrl() + "/health")).isInstanceOf(IOException.class);
      assertThat(fleet.proxy("chat-1").isRunning()).as("crashed").isFalse();
      assertThat(fleet.server("chat-1").isRunning()).as("the server behind it").isTrue();
    }
    assertThat(fleet.endpointIds()).allSatisfy(id -> assertThat(fleet.proxy(id).isRunning()).isFalse());
  }

  @Test
  void proxy_withoutFaultProxies_saysHowToDeclareThem() throws IOException {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1).start()) {
      assertThatThrownBy(() -> fleet.proxy("chat-0"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("faultProxies()");
    }
  }

  @Test
  void inOrder_picksTheEndpointDeclaredFirst_thenThoseTheFleetDidNotDeclare() throws IOException {
    try (SimFleet fleet = SimFleet.builder().openai("chat", 11).start()) {
      fleet.registry().putEndpoint(Endpoint.builder("a-added", fleet.baseUrl("chat-0")).serves("chat:1").build());
      var router = fleet.router().strategy(fleet.inOrder()).build();
      List<String> picked = new ArrayList<>();
      for (String id : fleet.endpointIds()) {
        picked.add(route(router));
        fleet.state(id).setStatus(EndpointStatus.EJECTED, System.nanoTime());
      }
      picked.add(route(router));

      List<String> expected = new ArrayList<>(fleet.endpointIds());
      expected.add("a-added");
      assertThat(picked).as("chat-10 after chat-9, not after chat-1").isEqualTo(expected);
      assertThat(fleet.inOrder().name()).isEqualTo("in-order");
    }
  }

  private static String route(io.modelrouter.Router router) {
    Decision d = (Decision) router.route(RouteRequest.builder("chat").build());
    try (var lease = d.lease()) {
      lease.complete(Outcome.ofStatus(200));
      return d.endpoint().id();
    }
  }

  private static int get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    return c.getResponseCode();
  }
}
