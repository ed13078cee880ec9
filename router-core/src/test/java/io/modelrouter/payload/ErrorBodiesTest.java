package io.modelrouter.payload;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.Violation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ErrorBodiesTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void openAi_rendersErrorObjectWithParamAndViolations() {
    Rejection r = Rejection.invalidInput("invalid request: /max_tokens: is out of range",
        List.of(new Violation("/max_tokens", "is out of range", "an integer 0..2147483647", "-1"),
            Violation.of("/messages/0/role", "is required")));

    JsonNode error = JSON.readTree(ErrorBodies.render(Protocol.OPENAI, r)).path("error");

    assertThat(error.path("message").asString()).isEqualTo("invalid request: /max_tokens: is out of range");
    assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
    assertThat(error.path("code").asString()).isEqualTo("invalid_input");
    assertThat(error.path("param").asString()).isEqualTo("/max_tokens");
    assertThat(error.path("violations")).hasSize(2);
    assertThat(error.path("violations").get(0).path("expected").asString()).isEqualTo("an integer 0..2147483647");
    assertThat(error.path("violations").get(0).path("found").asString()).isEqualTo("-1");
    assertThat(error.path("violations").get(1).has("expected")).isFalse();
  }

  @Test
  void openAi_paramIsNullWithoutViolations() {
    JsonNode error = JSON.readTree(ErrorBodies.render(Protocol.OPENAI,
        Rejection.of(RejectionReason.UNKNOWN_MODEL, "model 'x' does not exist"))).path("error");

    assertThat(error.path("param").isNull()).isTrue();
    assertThat(error.has("violations")).isFalse();
    assertThat(error.path("code").asString()).isEqualTo("unknown_model");
  }

  @Test
  void openAi_typeFollowsTheStatus() {
    assertThat(ErrorBodies.openAiType(RejectionReason.UNAUTHORIZED)).isEqualTo("authentication_error");
    assertThat(ErrorBodies.openAiType(RejectionReason.QUOTA_EXCEEDED)).isEqualTo("rate_limit_error");
    assertThat(ErrorBodies.openAiType(RejectionReason.OVERLOADED)).isEqualTo("server_error");
    assertThat(ErrorBodies.openAiType(RejectionReason.PAYLOAD_TOO_LARGE)).isEqualTo("invalid_request_error");
  }

  @Test
  void oip_rendersOneStringNamingEachViolation() {
    Rejection r = Rejection.invalidInput("invalid request: /inputs/0/data: holds 3 elements but shape [4] needs 4",
        List.of(new Violation("/inputs/0/data", "holds 3 elements but shape [4] needs 4", "4 elements", "3 elements"),
            new Violation("/inputs/1/datatype", "is not a tensor datatype", "FP32, ...", "\"FP8\"")));

    JsonNode body = JSON.readTree(ErrorBodies.render(Protocol.OIP, r));

    assertThat(body.size()).isEqualTo(1);
    assertThat(body.path("error").asString()).isEqualTo(
        "invalid request: /inputs/0/data: holds 3 elements but shape [4] needs 4 (expected: 4 elements, found: 3 elements); "
            + "/inputs/1/datatype: is not a tensor datatype (expected: FP32, ..., found: \"FP8\")");
  }

  @Test
  void oip_rendersPlainMessageWithoutViolations() {
    JsonNode body = JSON.readTree(ErrorBodies.render(Protocol.OIP,
        Rejection.retryAfter(RejectionReason.OVERLOADED, "shed \"low\" priority", Duration.ofSeconds(1))));

    assertThat(body.path("error").asString()).isEqualTo("shed \"low\" priority");
  }
}
