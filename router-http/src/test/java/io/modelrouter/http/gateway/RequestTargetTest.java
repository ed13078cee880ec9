package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTargetTest {

  @Test
  void forwardable_keepsTheClientsEscapesAndQuery() {
    assertThat(RequestTarget.forwardable("/v2/models/my model/infer", "/v2/models/my%20model/infer?a=%2F&b"))
        .isEqualTo("/v2/models/my%20model/infer?a=%2F&b");
  }

  @Test
  void forwardable_escapesWhatIsNotVisibleAscii() {
    assertThat(RequestTarget.forwardable("/v2/models/mod\u00e8le/infer", "/v2/models/mod\u00e8le/infer?q=\u00e8 1"))
        .isEqualTo("/v2/models/mod%C3%A8le/infer?q=%C3%A8%201");
  }

  @Test
  void forwardable_refusesATargetThatIsNotThePathRoutedOn() {
    assertThat(RequestTarget.forwardable("/v1/chat/completions", "/v1/x/../chat/completions")).isNull();
    assertThat(RequestTarget.forwardable("/v1/chat/completions", "/v1/chat/%2e%2e/completions")).isNull();
    assertThat(RequestTarget.forwardable("/v2/models/a/infer", "/v2/models/a%2/infer")).isNull();
  }

  @Test
  void encodePath_escapesSpacesAndNonAscii() {
    assertThat(RequestTarget.encodePath("/v2/models/my mod\u00e8le/infer")).isEqualTo("/v2/models/my%20mod%C3%A8le/infer");
  }
}
