package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.http.internal.Probe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {

  @Test
  void targetUrl_joinsBaseAndPathWithoutDoublingTheApiPrefix() {
    assertThat(Probe.targetUrl("http://h:8000", "/v1/chat/completions")).isEqualTo("http://h:8000/v1/chat/completions");
    assertThat(Probe.targetUrl("http://h:8000/", "/v1/models")).isEqualTo("http://h:8000/v1/models");
    assertThat(Probe.targetUrl("http://h/v1", "/v1/chat/completions")).isEqualTo("http://h/v1/chat/completions");
    assertThat(Probe.targetUrl("http://h/serving/v2", "/v2/models/m/infer")).isEqualTo("http://h/serving/v2/models/m/infer");
    assertThat(Probe.targetUrl("http://h/openai", "/v1/embeddings?x=1")).isEqualTo("http://h/openai/v1/embeddings?x=1");
  }

  @Test
  void outgoing_forwardsCredentialsOnlyWhenAllowed() {
    String[] client = {"authorization", "Bearer k", "x-api-key", "k", "content-type", "application/json"};

    Headers without = Headers.of(HeaderRules.outgoing(client, false, "id-1"));
    Headers with = Headers.of(HeaderRules.outgoing(client, true, "id-1"));

    assertThat(without.names()).containsExactlyInAnyOrder("content-type", "x-request-id", "accept-encoding");
    assertThat(with.get("authorization")).isEqualTo("Bearer k");
    assertThat(with.get("x-api-key")).isEqualTo("k");
  }

  @Test
  void incoming_dropsHopByHopAndConnectionNamedFields() {
    Transport.Response upstream = answer(new Headers.Builder()
        .add("Content-Type", "text/event-stream").add("Transfer-Encoding", "chunked")
        .add("Connection", "keep-alive, X-Hop").add("X-Hop", "1").add("Keep-Alive", "timeout=5")
        .add("X-Kept", "yes").build());

    Map<String, List<String>> kept = new LinkedHashMap<>();
    HeaderRules.incoming(upstream, (name, value) -> kept.computeIfAbsent(name, k -> new ArrayList<>()).add(value));

    assertThat(kept).containsOnlyKeys("content-type", "x-kept");
    assertThat(HeaderRules.incomingValue(upstream, "x-hop")).isNull();
    assertThat(HeaderRules.incomingValue(upstream, "transfer-encoding")).isNull();
    assertThat(HeaderRules.incomingValue(upstream, "x-kept")).isEqualTo("yes");
  }

  @Test
  void outgoing_dropsFieldsNamedByTheClientsConnectionHeader() {
    String[] client = {"connection", "close, x-private", "x-private", "1", "x-public", "2", "te", "trailers"};

    Headers out = Headers.of(HeaderRules.outgoing(client, false, "id-1"));

    assertThat(out.names()).containsExactlyInAnyOrder("x-public", "x-request-id", "accept-encoding");
  }

  @Test
  void requestId_keepsASaneOneAndReplacesTheRest() {
    assertThat(HeaderRules.requestId("abc-123")).isEqualTo("abc-123");
    assertThat(HeaderRules.requestId("has space")).hasSize(32).matches("[0-9a-f]{32}");
    assertThat(HeaderRules.requestId("x".repeat(129))).hasSize(32);
    assertThat(HeaderRules.requestId(null)).isNotEqualTo(HeaderRules.requestId(null));
  }

  @Test
  void withEndpointHeaders_replacesForwardedFieldsOfTheSameName() {
    String[] forwarded = {"authorization", "Bearer client", "x-kept", "1"};

    Headers out = Headers.of(HeaderRules.withEndpointHeaders(forwarded, Map.of("Authorization", "Bearer endpoint")));

    assertThat(out.values("authorization")).containsExactly("Bearer endpoint");
    assertThat(out.get("x-kept")).isEqualTo("1");
  }

  @Test
  void withEndpointHeaders_refusesFieldsThatAreNotHttp() {
    String[] forwarded = {};

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HeaderRules.withEndpointHeaders(forwarded, Map.of("bad header", "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad header");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HeaderRules.withEndpointHeaders(forwarded, Map.of("x-key", "a\r\nx-injected: 1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
  }

  /** An endpoint's answer with these headers and no body. */
  private static Transport.Response answer(Headers headers) {
    return new Transport.Response() {
      @Override
      public int status() {
        return 200;
      }

      @Override
      public void forEachHeader(java.util.function.BiConsumer<String, String> action) {
        headers.forEach(p -> action.accept(p.getFirst(), p.getSecond()));
      }

      @Override
      public String header(String name) {
        return headers.get(name);
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return -1;
      }

      @Override
      public void demand(Runnable onReadable) {
        onReadable.run();
      }

      @Override
      public void close() {}
    };
  }
}
