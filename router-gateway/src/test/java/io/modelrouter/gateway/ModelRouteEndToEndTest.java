package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Operation;
import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.http.gateway.TenantQuota;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import io.modelrouter.registry.TensorSpec;
import io.modelrouter.simulator.SimServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Model routes end to end: the gateway on 127.0.0.1 in front of simulated servers that answer only
 * to their own model's name, so a request forwarded under the route's name fails.
 */
class ModelRouteEndToEndTest {

  private final List<SimServer> sims = new ArrayList<>();
  private SimServer small;
  private SimServer large;
  private SimServer vision;
  private InMemoryRegistry registry;
  private GatewayApp app;
  private Http http;

  @BeforeEach
  void setUp() throws IOException {
    small = sim(SimServer.openai("small"));
    large = sim(SimServer.openai("large"));
    vision = sim(SimServer.openai("vision"));
    SimServer clfA = sim(SimServer.oip("clf-text").input("tokens", 4));
    SimServer clfB = sim(SimServer.oip("clf-image").input("pixels", 8));
    registry = InMemoryRegistry.create();
    registry.replace(new RegistryContent(
        List.of(
            ModelSpec.builder("small", "1").contextWindow(256).quality(0.6).costPer1kTokens(0.1).build(),
            ModelSpec.builder("large", "1").contextWindow(100_000).quality(0.9).costPer1kTokens(1.0).build(),
            ModelSpec.builder("vision", "1").contextWindow(8192).quality(0.7).costPer1kTokens(0.5)
                .capabilities(Set.of("vision")).build(),
            ModelSpec.builder("clf-text", "1").operations(Set.of(Operation.INFER))
                .inputs(List.of(TensorSpec.of("tokens", "FP32", -1, 4))).build(),
            ModelSpec.builder("clf-image", "1").operations(Set.of(Operation.INFER))
                .inputs(List.of(TensorSpec.of("pixels", "FP32", -1, 8))).build()),
        List.of(
            Endpoint.builder("small-a", small.baseUrl()).serves("small").build(),
            Endpoint.builder("large-a", large.baseUrl()).serves("large").build(),
            Endpoint.builder("vision-a", vision.baseUrl()).serves("vision").build(),
            Endpoint.builder("clf-text-a", clfA.baseUrl()).protocol(io.modelrouter.Protocol.OIP).serves("clf-text").build(),
            Endpoint.builder("clf-image-a", clfB.baseUrl()).protocol(io.modelrouter.Protocol.OIP).serves("clf-image").build()),
        List.of(
            RouteSpec.builder("chat").policy("ordered")
                .targets(List.of(RouteTarget.of("small"), RouteTarget.of("large"), RouteTarget.of("vision"))).build(),
            RouteSpec.builder("strict").fallback(false)
                .targets(List.of(RouteTarget.of("small"), RouteTarget.of("large"))).build(),
            RouteSpec.builder("classify")
                .targets(List.of(RouteTarget.of("clf-text"), RouteTarget.of("clf-image"))).build())));
    ApiKeyAuthenticator auth = ApiKeyAuthenticator.of(Map.of(
        ApiKeyAuthenticator.hash("sk-all"), Tenant.unlimited("all"),
        ApiKeyAuthenticator.hash("sk-large"), new Tenant("large-only", Set.of("chat", "large"), TenantQuota.unlimited())));
    app = GatewayApp.start(GatewayApp.demoConfig(0), registry, auth);
    http = new Http(app.baseUrl());
  }

  private SimServer sim(SimServer.Builder b) throws IOException {
    SimServer s = b.start();
    sims.add(s);
    return s;
  }

  @AfterEach
  void tearDown() {
    app.close();
    sims.forEach(SimServer::close);
  }

  private static String chat(String model, String text) {
    return "{\"model\":\"" + model + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
  }

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    return http.post(path, body, headers);
  }

  private static String header(HttpResponse<String> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void route_forwardsUnderTheChosenModelsNameAndSaysWhichServed() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", chat("chat", "hello"), bearer("sk-all"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "x-modelrouter-model")).isEqualTo("small:1");
    assertThat(header(r, "x-modelrouter-route")).isEqualTo("chat");
    assertThat(Http.json(r).get("model").asString()).isEqualTo("small");
    assertThat(small.requestCount()).isEqualTo(1);
  }

  @Test
  void concreteModel_isForwardedAsBefore() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", chat("large", "hello"), bearer("sk-all"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "x-modelrouter-model")).isEqualTo("large:1");
    assertThat(header(r, "x-modelrouter-route")).isNull();
  }

  @Test
  void contextOverflow_goesToTheLongContextModel() throws Exception {
    String longPrompt = "lorem ipsum dolor sit amet ".repeat(100);
    HttpResponse<String> r = post("/v1/chat/completions", chat("chat", longPrompt), bearer("sk-all"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "x-modelrouter-model")).isEqualTo("large:1");
    assertThat(small.requestCount()).isZero();
  }

  @Test
  void image_goesToTheVisionModel() throws Exception {
    String body = "{\"model\":\"chat\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"text\",\"text\":\"what is this?\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]}";
    HttpResponse<String> r = post("/v1/chat/completions", body, bearer("sk-all"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "x-modelrouter-model")).isEqualTo("vision:1");
  }

  @Test
  void tenant_seesAndUsesOnlyTheTargetsItMayUse() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", chat("chat", "hello"), bearer("sk-large"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "x-modelrouter-model")).isEqualTo("large:1");

    JsonNode models = Http.json(http.get("/v1/models", bearer("sk-large")));
    List<String> ids = new ArrayList<>();
    models.get("data").forEach(m -> ids.add(m.get("id").asString()));
    assertThat(ids).containsExactly("large", "chat");
    JsonNode route = models.get("data").get(1);
    assertThat(route.get("route").asBoolean()).isTrue();
    assertThat(route.get("targets").toString()).isEqualTo("[\"large\"]");

    String image = "{\"model\":\"chat\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]}";
    HttpResponse<String> refused = post("/v1/chat/completions", image, bearer("sk-large"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(header(refused, "x-modelrouter-reason")).isEqualTo("no_eligible_model");
    assertThat(Http.json(refused).get("error").get("message").asString())
        .contains("large:1: lacks vision").doesNotContain("small").doesNotContain("vision:1");
    assertThat(vision.requestCount()).isZero();
  }

  @Test
  void listing_showsEveryRouteToATenantThatMayUseAll() throws Exception {
    JsonNode models = Http.json(http.get("/v1/models", bearer("sk-all")));
    List<String> ids = new ArrayList<>();
    models.get("data").forEach(m -> ids.add(m.get("id").asString()));
    assertThat(ids).contains("chat", "strict", "classify", "small");
  }

  @Test
  void oip_choosesTheModelWhoseTensorSignatureTheInputMatches() throws Exception {
    String text = "{\"inputs\":[{\"name\":\"tokens\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}";
    String image = "{\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\",\"shape\":[1,8],\"data\":[1,2,3,4,5,6,7,8]}]}";
    HttpResponse<String> t = post("/v2/models/classify/infer", text, bearer("sk-all"));
    assertThat(t.statusCode()).isEqualTo(200);
    assertThat(header(t, "x-modelrouter-model")).isEqualTo("clf-text:1");
    assertThat(Http.json(t).get("model_name").asString()).isEqualTo("clf-text");
    HttpResponse<String> i = post("/v2/models/classify/infer", image, bearer("sk-all"));
    assertThat(i.statusCode()).isEqualTo(200);
    assertThat(header(i, "x-modelrouter-model")).isEqualTo("clf-image:1");
    String neither = "{\"inputs\":[{\"name\":\"audio\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1,2]}]}";
    HttpResponse<String> n = post("/v2/models/classify/infer", neither, bearer("sk-all"));
    assertThat(n.statusCode()).isEqualTo(400);
    assertThat(Http.json(n).get("error").asString()).contains("clf-text:1").contains("clf-image:1");
  }

  @Test
  void oipMetadata_ofARoute_listsEachVisibleTargetsOwnSignature() throws Exception {
    HttpResponse<String> r = http.get("/v2/models/classify", bearer("sk-all"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode m = Http.json(r);
    assertThat(m.get("name").asString()).isEqualTo("classify");
    assertThat(m.get("inputs").isEmpty()).isTrue();
    JsonNode targets = m.get("route").get("targets");
    assertThat(targets).hasSize(2);
    assertThat(targets.get(0).get("name").asString()).isEqualTo("clf-text");
    assertThat(targets.get(0).get("inputs").get(0).get("name").asString()).isEqualTo("tokens");
    assertThat(targets.get(1).get("inputs").get(0).get("name").asString()).isEqualTo("pixels");
    assertThat(http.get("/v2/models/classify/ready", bearer("sk-all")).statusCode()).isEqualTo(200);

    JsonNode chat = Http.json(http.get("/v2/models/chat", bearer("sk-large")));
    assertThat(chat.get("route").get("targets")).singleElement()
        .satisfies(t -> assertThat(t.get("name").asString()).isEqualTo("large"));
    HttpResponse<String> hidden = http.get("/v2/models/classify", bearer("sk-large"));
    assertThat(hidden.statusCode()).isEqualTo(404);
    assertThat(Http.json(hidden).get("error").asString()).isEqualTo("model 'classify' does not exist");
    HttpResponse<String> versioned = http.get("/v2/models/chat/versions/1", bearer("sk-all"));
    assertThat(versioned.statusCode()).isEqualTo(404);
    assertThat(Http.json(versioned).get("error").asString()).contains("is a route and has no version 1");
  }

  @Test
  void fallback_whenTheFirstTargetsServersAreKilled_theNextTargetAnswers() throws Exception {
    small.kill();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = post("/v1/chat/completions", chat("chat", "hello"), bearer("sk-all"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(header(r, "x-modelrouter-model")).isEqualTo("large:1");
      assertThat(header(r, "x-modelrouter-route")).isEqualTo("chat");
    }
  }

  @Test
  void fallback_streaming_beforeTheFirstByte_theNextTargetStreams() throws Exception {
    small.kill();
    String body = "{\"model\":\"chat\",\"stream\":true,\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpResponse<String> r = post("/v1/chat/completions", body, bearer("sk-all"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "content-type")).startsWith("text/event-stream");
    assertThat(header(r, "x-modelrouter-model")).isEqualTo("large:1");
    assertThat(r.body()).contains("\"model\":\"large\"").contains("data: [DONE]");
  }

  @Test
  void noFallback_retriesStayOnTheChosenModelAndStillNameIt() throws Exception {
    SimServer smallB = sim(SimServer.openai("small"));
    registry.putEndpoint(Endpoint.builder("small-b", smallB.baseUrl()).serves("small").build());
    small.kill();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = post("/v1/chat/completions", chat("strict", "hello"), bearer("sk-all"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(header(r, "x-modelrouter-model")).isEqualTo("small:1");
      assertThat(header(r, "x-modelrouter-endpoint")).isEqualTo("small-b");
      assertThat(header(r, "x-modelrouter-route")).isEqualTo("strict");
    }
    assertThat(large.requestCount()).isZero();
  }

  @Test
  void noFallback_routeStaysOnItsChoice() throws Exception {
    small.kill();
    HttpResponse<String> r = post("/v1/chat/completions", chat("strict", "hello"), bearer("sk-all"));
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(large.requestCount()).isZero();
  }

  @Test
  void explanation_listsEveryTargetsFate() throws Exception {
    String longPrompt = "lorem ipsum dolor sit amet ".repeat(100);
    HttpResponse<String> r = post("/v1/chat/completions", chat("chat", longPrompt),
        bearer("sk-all", "x-modelrouter-explain", "true"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "x-modelrouter-explain"))
        .startsWith("route=chat; policy=ordered; small:1=out(")
        .contains("tokens > context 256")
        .contains("large:1=chosen,latency_ms=")
        .contains("vision:1=eligible,latency_ms=")
        .contains("model=large:1");
  }
}
