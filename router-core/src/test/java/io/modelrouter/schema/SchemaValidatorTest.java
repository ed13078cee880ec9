package io.modelrouter.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Decision;
import io.modelrouter.Lease;
import io.modelrouter.Operation;
import io.modelrouter.Outcome;
import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.Router;
import io.modelrouter.Violation;
import io.modelrouter.payload.ParseResult;
import io.modelrouter.payload.PayloadParser;
import io.modelrouter.payload.RequestHeaders;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.TensorSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class SchemaValidatorTest {

  static final String CHAT_SCHEMA = "{\"type\":\"object\",\"required\":[\"model\",\"messages\"],"
      + "\"properties\":{\"max_tokens\":{\"type\":\"integer\",\"maximum\":4096},"
      + "\"temperature\":{\"type\":\"number\",\"minimum\":0,\"maximum\":2},"
      + "\"messages\":{\"type\":\"array\",\"maxItems\":64,\"items\":{\"type\":\"object\",\"required\":[\"role\"],"
      + "\"properties\":{\"role\":{\"enum\":[\"system\",\"user\",\"assistant\"]},\"content\":{\"type\":\"string\",\"maxLength\":100000}}}}}}";

  private static final PayloadParser PARSER = PayloadParser.ofDefaults();
  private static final RequestHeaders JSON = RequestHeaders.of(Map.of("content-type", "application/json"));

  private final SchemaValidator validator = SchemaValidator.create();

  static RouteRequest chat(String body) {
    ParseResult r = PARSER.parse("POST", "/v1/chat/completions", JSON, body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.isRequest()).as("%s", r).isTrue();
    return r.request();
  }

  static ModelSpec withSchema(String version, String schema) {
    return ModelSpec.builder("chat", version).inputSchema(schema).build();
  }

  @Test
  void validate_acceptsBodyMatchingTheSchema() {
    RouteRequest r = chat("{\"model\":\"chat\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(validator.validate(withSchema("1", CHAT_SCHEMA), r)).isNull();
  }

  @Test
  void validate_reportsPointerExpectedAndFoundForEachViolation() {
    RouteRequest r = chat("{\"model\":\"chat\",\"max_tokens\":5000,\"temperature\":3,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"tool\",\"content\":\"x\"}]}");

    Rejection rejection = validator.validate(withSchema("1", CHAT_SCHEMA), r);

    assertThat(rejection).isNotNull();
    assertThat(rejection.reason()).isEqualTo(RejectionReason.INVALID_INPUT);
    assertThat(rejection.httpStatus()).isEqualTo(400);
    assertThat(rejection.message()).startsWith("input does not match model 'chat:1': ");
    assertThat(rejection.violations()).extracting(Violation::pointer)
        .containsExactlyInAnyOrder("/max_tokens", "/temperature", "/messages/1/role");
    Violation maxTokens = rejection.violations().stream().filter(v -> v.pointer().equals("/max_tokens")).findFirst().get();
    assertThat(maxTokens.expected()).isEqualTo("maximum 4096");
    assertThat(maxTokens.found()).isEqualTo("5000");
    assertThat(maxTokens.message()).contains("4096");
  }

  @Test
  void validate_requiredViolationPointsAtTheMissingProperty() {
    RouteRequest r = RouteRequest.builder("chat")
        .payload(JsonMapper.builder().build().readTree("{\"model\":\"chat\",\"messages\":[{\"content\":\"hi\"}]}"))
        .build();

    Rejection rejection = validator.validate(withSchema("1", CHAT_SCHEMA), r);

    assertThat(rejection).isNotNull();
    assertThat(rejection.violations()).singleElement().satisfies(v -> {
      assertThat(v.pointer()).isEqualTo("/messages/0/role");
      assertThat(v.found()).isEqualTo("nothing");
    });
  }

  @Test
  void validate_acceptsAJsonNodeSetByAnEmbeddingApplication() {
    RouteRequest r = RouteRequest.builder("chat")
        .payload(JsonMapper.builder().build().readTree("{\"model\":\"chat\",\"messages\":[]}"))
        .build();

    assertThat(validator.validate(withSchema("1", CHAT_SCHEMA), r)).isNull();
  }

  @Test
  void validate_rejectsRequestWithoutBodyWhenTheVersionHasASchema() {
    Rejection rejection = validator.validate(withSchema("1", CHAT_SCHEMA), RouteRequest.of("chat"));

    assertThat(rejection).isNotNull();
    assertThat(rejection.reason()).isEqualTo(RejectionReason.INVALID_INPUT);
    assertThat(rejection.message()).contains("has no body");
  }

  @Test
  void validate_acceptsAnythingWhenTheVersionDeclaresNothing() {
    assertThat(validator.validate(ModelSpec.builder("chat", "1").build(), RouteRequest.of("chat"))).isNull();
  }

  @Test
  void validate_listsAtMostSixteenViolations() {
    StringBuilder messages = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      messages.append(i == 0 ? "" : ",").append("{\"role\":\"tool\",\"content\":\"x\"}");
    }
    Rejection rejection = validator.validate(withSchema("1", CHAT_SCHEMA),
        chat("{\"model\":\"chat\",\"messages\":[" + messages + "]}"));

    assertThat(rejection.violations()).hasSize(SchemaValidator.MAX_VIOLATIONS);
  }

  @Test
  void validate_rejectsEverythingWhenTheSchemaDoesNotCompile() {
    for (String broken : new String[] {"{\"type\":", "{\"type\":\"integer-ish\"}", "{\"minimum\":\"ten\"}",
        "{\"$ref\":\"#/$defs/missing\"}"}) {
      Rejection rejection = validator.validate(withSchema("1", broken), chat("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));

      assertThat(rejection).as(broken).isNotNull();
      assertThat(rejection.reason()).isEqualTo(RejectionReason.INVALID_INPUT);
      assertThat(rejection.message()).as(broken).contains("does not compile");
      assertThat(validator.check(broken)).as(broken).isNotNull();
    }
    assertThat(validator.check(CHAT_SCHEMA)).isNull();
  }

  @Test
  void validate_neverFetchesARemoteReference() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
      server.setSoTimeout(200);
      String schema = "{\"$ref\":\"http://127.0.0.1:" + server.getLocalPort() + "/schema.json\"}";

      assertThat(validator.check(schema)).isNotNull();
      assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void validate_boundsTheEvaluationSteps() {
    SchemaValidator tight = SchemaValidator.builder().maxEvaluationSteps(20).build();
    StringBuilder messages = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      messages.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"x\"}");
    }

    Rejection rejection = tight.validate(withSchema("1", CHAT_SCHEMA), chat("{\"model\":\"chat\",\"messages\":[" + messages + "]}"));

    assertThat(rejection).isNotNull();
    assertThat(rejection.message()).contains("too complex");
    assertThat(validator.validate(withSchema("1", CHAT_SCHEMA), chat("{\"model\":\"chat\",\"messages\":[" + messages + "]}"))).isNull();
  }

  @Test
  void cache_compilesOnceAndSharesSchemasAcrossVersions() {
    validator.validate(withSchema("1", CHAT_SCHEMA), chat("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
    Object first = validator.cached(CHAT_SCHEMA);
    validator.validate(withSchema("2", new String(CHAT_SCHEMA.toCharArray())), chat("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));

    assertThat(first).isNotNull();
    assertThat(validator.cached(CHAT_SCHEMA)).isSameAs(first);
    assertThat(validator.cachedSchemas()).isEqualTo(1);
  }

  @Test
  void listener_invalidatesOnlyTheSchemasOfChangedOrRemovedVersions() {
    String other = "{\"type\":\"object\",\"required\":[\"input\"]}";
    String changed = "{\"type\":\"object\",\"required\":[\"model\"]}";
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(withSchema("1", CHAT_SCHEMA), withSchema("2", other),
        ModelSpec.builder("embed", "1").inputSchema(other).build()), List.of());
    validator.attachTo(registry);
    Object chatSchema = validator.cached(CHAT_SCHEMA);
    assertThat(chatSchema).isNotNull();
    assertThat(validator.cached(other)).isNotNull();

    registry.putModel(withSchema("2", changed));

    assertThat(validator.cached(CHAT_SCHEMA)).isSameAs(chatSchema);
    assertThat(validator.cached(other)).as("still used by embed:1").isNotNull();
    assertThat(validator.cached(changed)).as("compiled on publication").isNotNull();

    registry.removeModel("embed", "1");

    assertThat(validator.cached(other)).isNull();
    assertThat(validator.cached(CHAT_SCHEMA)).isSameAs(chatSchema);
    assertThat(validator.cachedSchemas()).isEqualTo(2);
  }

  @Test
  void tensors_acceptRequestMatchingTheSignatureWithVariableDimensions() {
    ModelSpec spec = ModelSpec.builder("resnet", "1")
        .inputs(List.of(TensorSpec.of("pixels", "FP32", -1, 3, 224, 224), TensorSpec.of("scale", "FP32", 1)))
        .build();
    RouteRequest r = RouteRequest.builder("resnet").protocol(Protocol.OIP).operation(Operation.INFER)
        .inputs(List.of(TensorSpec.of("scale", "FP32", 1), TensorSpec.of("pixels", "FP32", 8, 3, 224, 224)))
        .build();

    assertThat(validator.validate(spec, r)).isNull();
  }

  @Test
  void tensors_reportNameDatatypeRankDimensionAndMissingInput() {
    ModelSpec spec = ModelSpec.builder("m", "1")
        .inputs(List.of(TensorSpec.of("a", "INT64", -1, 4), TensorSpec.of("b", "FP32", 2), TensorSpec.of("c", "BYTES", 1),
            TensorSpec.of("d", "BOOL", 3)))
        .build();
    RouteRequest r = RouteRequest.builder("m").protocol(Protocol.OIP).operation(Operation.INFER)
        .inputs(List.of(TensorSpec.of("a", "INT64", 2, 5), TensorSpec.of("b", "FP16", 2), TensorSpec.of("c", "BYTES", 1, 1),
            TensorSpec.of("zzz", "FP32", 1)))
        .build();

    Rejection rejection = validator.validate(spec, r);

    assertThat(rejection).isNotNull();
    assertThat(rejection.violations()).extracting(Violation::pointer)
        .containsExactly("/inputs/0/shape/1", "/inputs/1/datatype", "/inputs/2/shape", "/inputs/3/name", "/inputs");
    assertThat(rejection.violations().get(0).expected()).isEqualTo("[-1,4]");
    assertThat(rejection.violations().get(0).found()).isEqualTo("[2,5]");
    assertThat(rejection.violations().get(1).expected()).isEqualTo("FP32");
    assertThat(rejection.violations().get(1).found()).isEqualTo("FP16");
    assertThat(rejection.violations().get(3).expected()).isEqualTo("one of a, b, c, d");
    assertThat(rejection.violations().get(4).message()).isEqualTo("lacks input d");
  }

  @Test
  void tensors_areNotCheckedForOpenAiRequests() {
    ModelSpec spec = ModelSpec.builder("m", "1").inputs(List.of(TensorSpec.of("a", "INT64", 1))).build();

    assertThat(validator.validate(spec, RouteRequest.of("m"))).isNull();
  }

  @Test
  void router_rejectsInvalidInputBeforeChoosingAnEndpointAndRoutesValidInput() {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(withSchema("1", CHAT_SCHEMA)),
        List.of(Endpoint.builder("e1", "http://127.0.0.1:9").serves("chat").build()));
    Router router = Router.builder(registry).inputValidator(validator.attachTo(registry)).build();

    RouteResult bad = router.route(chat("{\"model\":\"chat\",\"max_tokens\":99999,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
    RouteResult good = router.route(chat("{\"model\":\"chat\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));

    assertThat(bad).isInstanceOf(Rejection.class);
    assertThat(((Rejection) bad).violations()).extracting(Violation::pointer).containsExactly("/max_tokens");
    assertThat(good).isInstanceOf(Decision.class);
    try (Lease lease = ((Decision) good).lease()) {
      lease.complete(Outcome.success());
    }
  }
}
