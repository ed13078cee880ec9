package io.modelrouter.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Decision;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelRewriteTest {

  private static String splice(String body, String model) {
    return new String(ModelRewrite.spliceModel(body.getBytes(StandardCharsets.UTF_8), model), StandardCharsets.UTF_8);
  }

  @Test
  void spliceModel_replacesOnlyTheTopLevelValueAndKeepsTheRestByteForByte() {
    String body = "{ \"messages\" : [{\"role\":\"user\",\"content\":\"say \\\"model\\\": x\",\"model\":\"inner\"}],\n"
        + "  \"temperature\": 0.70, \"meta\": {\"model\": \"nested\"}, \"model\" : \"chat\", \"stream\": true }";
    assertThat(splice(body, "llama-8b")).isEqualTo(body.replace("\"model\" : \"chat\"", "\"model\" : \"llama-8b\""));
  }

  @Test
  void spliceModel_atTheStart_andWithEscapesInTheName() {
    assertThat(splice("{\"model\":\"chat\",\"n\":1}", "org/m\"q")).isEqualTo("{\"model\":\"org/m\\\"q\",\"n\":1}");
  }

  @Test
  void spliceModel_withoutAModelMember_leavesTheBody() {
    byte[] body = "{\"inputs\":[]}".getBytes(StandardCharsets.UTF_8);
    assertThat(ModelRewrite.spliceModel(body, "x")).isSameAs(body);
    byte[] notJson = "[1,2]".getBytes(StandardCharsets.UTF_8);
    assertThat(ModelRewrite.spliceModel(notJson, "x")).isSameAs(notJson);
  }

  @Test
  void path_rewritesTheOipPathForARoutesTarget_withTheVersionItPins() {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(new RegistryContent(
        List.of(ModelSpec.builder("clf", "3").build(), ModelSpec.builder("pinned", "2").build()),
        List.of(Endpoint.builder("a", "http://127.0.0.1:9").serves("clf").build(),
            Endpoint.builder("b", "http://127.0.0.1:9").serves("pinned").build()),
        List.of(RouteSpec.builder("r").targets(List.of(RouteTarget.of("clf"))).build(),
            RouteSpec.builder("p").targets(List.of(RouteTarget.of("pinned", "2"))).build())));
    Router router = Router.builder(registry).build();
    Decision r = router.route(RouteRequest.of("r")).decisionOrThrow();
    assertThat(ModelRewrite.path("/v2/models/r/infer", r)).isEqualTo("/v2/models/clf/infer");
    assertThat(ModelRewrite.path("/v2/models/r/infer?trace=a/b", r)).isEqualTo("/v2/models/clf/infer?trace=a/b");
    assertThat(ModelRewrite.path("/v1/chat/completions", r)).isEqualTo("/v1/chat/completions");
    Decision p = router.route(RouteRequest.of("p")).decisionOrThrow();
    assertThat(ModelRewrite.path("/v2/models/p/infer", p)).isEqualTo("/v2/models/pinned/versions/2/infer");
    // A retry pinned to the model the route chose no longer names the route: the path pins its version.
    Decision pinned = router.route(RouteRequest.builder("clf").version(io.modelrouter.VersionSelector.exact("3")).build())
        .decisionOrThrow();
    assertThat(ModelRewrite.path("/v2/models/r/infer", pinned)).isEqualTo("/v2/models/clf/versions/3/infer");
    r.lease().close();
    p.lease().close();
    pinned.lease().close();
  }
}
