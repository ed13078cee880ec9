package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The trace-context fields an observer sets on one attempt, over the forwarded ones. */
class AttemptHeadersTest {

  private final AttemptHeaders context = new AttemptHeaders();

  @Test
  void over_replacesForwardedFieldsOfTheSameNameAndKeepsTheRest() {
    String[] forwarded = {"accept", "application/json", "traceparent", "00-client-01", "x-request-id", "r1"};
    context.accept("traceparent", "00-ours-01");
    context.accept("Baggage", "k=v");
    assertThat(context.over(forwarded)).containsExactly(
        "accept", "application/json", "x-request-id", "r1", "traceparent", "00-ours-01", "baggage", "k=v");
  }

  @Test
  void over_withNoFields_isTheForwardedArrayItself() {
    String[] forwarded = {"accept", "application/json"};
    assertThat(context.over(forwarded)).isSameAs(forwarded);
  }

  @Test
  void accept_theSameNameTwice_keepsTheLastValueOnce() {
    context.accept("tracestate", "a=1");
    context.accept("TraceState", "a=2");
    assertThat(context.over(new String[0])).containsExactly("tracestate", "a=2");
  }

  @Test
  void accept_refusesFieldsThatAreNotHttp() {
    assertThatThrownBy(() -> context.accept("bad name", "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HTTP token");
    assertThatThrownBy(() -> context.accept("baggage", "a\r\nx-injected: 1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character");
  }
}
