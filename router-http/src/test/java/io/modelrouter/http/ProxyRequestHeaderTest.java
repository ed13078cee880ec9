package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.RouteRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A header an embedder's caller controls cannot smuggle another header upstream, whatever the transport. */
class ProxyRequestHeaderTest {

  private static ProxyRequest.Builder chat() {
    return ProxyRequest.builder("/v1/chat/completions", RouteRequest.of("chat"));
  }

  @Test
  void header_valueWithLineBreakOrControlCharacter_isRejected() {
    for (String value : List.of("a\r\nx-injected: 1", "a\nb", "a\rb", "a\u0000b", "a\u0001b", "a\u007fb")) {
      assertThatThrownBy(() -> chat().header("x-tag", value))
          .as(value)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("x-tag");
    }
  }

  @Test
  void header_nameThatIsNoToken_isRejected() {
    for (String name : List.of("", "x tag", "x-tag:", "x\r\ny", "x\u00e9")) {
      assertThatThrownBy(() -> chat().header(name, "v")).as(name).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void header_tabsAndNonAsciiText_areKept() {
    ProxyRequest r = chat().header("x-tag", "a\tb").header("x-name", "Zo\u00e9").build();
    assertThat(r.header("x-tag")).isEqualTo("a\tb");
    assertThat(r.header("x-name")).isEqualTo("Zo\u00e9");
  }

  @Test
  void headers_fromAMap_areCheckedToo() {
    assertThatThrownBy(() -> chat().headers(java.util.Map.of("x-tag", List.of("a\r\nb"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
