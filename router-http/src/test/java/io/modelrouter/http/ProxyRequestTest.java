package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.RouteRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyRequestTest {

  private static ProxyRequest.Builder chat() {
    return ProxyRequest.builder("/v1/chat/completions", RouteRequest.of("chat"));
  }

  @Test
  void headers_groupsRepeatedFieldsByLowerCaseNameInOrder() {
    ProxyRequest r = chat()
        .header("X-Tag", "a").header("Content-Type", "application/json").header("x-tag", "b")
        .build();

    assertThat(r.headers()).containsExactly(
        java.util.Map.entry("x-tag", List.of("a", "b")),
        java.util.Map.entry("content-type", List.of("application/json")));
    assertThat(r.header("X-TAG")).isEqualTo("a");
    assertThat(r.header("missing")).isNull();
    assertThatThrownBy(() -> r.headers().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.headers().get("x-tag").add("c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void contentType_comesFromTheBodyElseFromTheHeader() {
    assertThat(chat().header("content-type", "text/plain").build().contentType()).isEqualTo("text/plain");
    assertThat(chat().header("content-type", "text/plain").body(new byte[1], "application/json").build().contentType())
        .isEqualTo("application/json");
    assertThat(chat().build().contentType()).isNull();
  }

  @Test
  void builder_laterChangesDoNotReachABuiltRequest() {
    ProxyRequest.Builder b = chat().header("x-a", "1");
    ProxyRequest first = b.build();
    b.header("x-b", "2");

    assertThat(first.headers()).containsOnlyKeys("x-a");
    assertThat(b.build().headers()).containsOnlyKeys("x-a", "x-b");
  }
}
