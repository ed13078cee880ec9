package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {

  private static Map<String, String> forward(ForwardedHeaders f, String peer) {
    TestExchange x = TestExchange.get("/v1/models").header("x-forwarded-for", "198.51.100.7")
        .header("forwarded", "for=198.51.100.7").header("x-trace", "t");
    Map<String, String> out = new LinkedHashMap<>();
    f.forward(x, peer, out::put);
    return out;
  }

  @Test
  void trusting_matchesAddressesAndCidrRanges() {
    ForwardedHeaders f = ForwardedHeaders.trusting(List.of("10.0.0.0/8", "192.0.2.1", "fd00::/8"));
    assertThat(f.trusts("10.200.3.4")).isTrue();
    assertThat(f.trusts("11.0.0.1")).isFalse();
    assertThat(f.trusts("192.0.2.1")).isTrue();
    assertThat(f.trusts("192.0.2.2")).isFalse();
    assertThat(f.trusts("[fd12::1]")).isTrue();
    assertThat(f.trusts("fe80::1")).isFalse();
    assertThat(f.trusts("not-an-address")).isFalse();
    assertThat(ForwardedHeaders.trustingNone().trusts("127.0.0.1")).isFalse();
  }

  @Test
  void trusting_refusesWhatIsNoAddressOrRange() {
    assertThatThrownBy(() -> ForwardedHeaders.trusting(List.of("proxy.example"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ForwardedHeaders.trusting(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void forward_fromAnIpv6Peer_quotesItInForwardedOnly() {
    Map<String, String> out = forward(ForwardedHeaders.trustingNone(), "[2001:db8::5]");
    assertThat(out).containsEntry("x-trace", "t")
        .containsEntry("x-forwarded-for", "2001:db8::5")
        .containsEntry("forwarded", "for=\"[2001:db8::5]\"")
        .containsEntry("x-real-ip", "2001:db8::5");
  }

  @Test
  void forward_fromATrustedProxy_appends() {
    Map<String, String> out = forward(ForwardedHeaders.trusting(List.of("10.0.0.0/8")), "10.0.0.2");
    assertThat(out).containsEntry("x-forwarded-for", "198.51.100.7, 10.0.0.2")
        .containsEntry("forwarded", "for=198.51.100.7, for=10.0.0.2");
  }
}
