package io.modelrouter.payload;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Priority;
import io.modelrouter.RouteRequest;
import io.modelrouter.VersionSelector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingHeadersTest {

  private static final byte[] CHAT =
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}".getBytes(StandardCharsets.UTF_8);

  static RouteRequest parse(Map<String, String> headers) {
    Map<String, String> all = new HashMap<>(headers);
    all.put("Content-Type", "application/json");
    ParseResult r = PayloadParser.ofDefaults().parse("POST", "/v1/chat/completions", RequestHeaders.of(all), CHAT);
    assertThat(r.isRequest()).as("%s", r).isTrue();
    return r.request();
  }

  @Test
  void headers_setBudgetsPrioritySessionVersionAndExplain() {
    RouteRequest r = parse(Map.of(
        "X-ModelRouter-Latency-Budget-Ms", "2500",
        "x-slo-ttft-ms", "300",
        "x-modelrouter-priority", "sheddable",
        "x-session-token", "user-42",
        "x-modelrouter-model-version", "@canary",
        "x-modelrouter-explain", "true"));

    assertThat(r.latencyBudgetNanos()).isEqualTo(Duration.ofMillis(2500).toNanos());
    assertThat(r.ttftBudgetNanos()).isEqualTo(Duration.ofMillis(300).toNanos());
    assertThat(r.priority()).isEqualTo(Priority.SHEDDABLE);
    assertThat(r.affinityKey()).isEqualTo("user-42");
    assertThat(r.version()).isEqualTo(VersionSelector.tag("canary"));
    assertThat(r.explain()).isTrue();
  }

  @Test
  void headers_acceptTheAliases() {
    RouteRequest r = parse(Map.of(
        "x-envoy-expected-rq-timeout-ms", "15000",
        "x-modelrouter-ttft-budget-ms", "50",
        "x-session-id", "abc"));

    assertThat(r.latencyBudgetNanos()).isEqualTo(Duration.ofSeconds(15).toNanos());
    assertThat(r.ttftBudgetNanos()).isEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(r.affinityKey()).isEqualTo("abc");
  }

  @Test
  void headers_ownNamePrecedesAlias() {
    RouteRequest r = parse(Map.of(
        RoutingHeaders.LATENCY_BUDGET, "100",
        RoutingHeaders.ENVOY_TIMEOUT, "15000",
        RoutingHeaders.SESSION, "first",
        RoutingHeaders.SESSION_ALIAS, "second"));

    assertThat(r.latencyBudgetNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(r.affinityKey()).isEqualTo("first");
  }

  @Test
  void headers_absentLeaveDefaults() {
    RouteRequest r = parse(Map.of());

    assertThat(r.latencyBudgetNanos()).isZero();
    assertThat(r.ttftBudgetNanos()).isZero();
    assertThat(r.priority()).isEqualTo(Priority.STANDARD);
    assertThat(r.affinityKey()).isNull();
    assertThat(r.version()).isEqualTo(VersionSelector.unspecified());
    assertThat(r.explain()).isFalse();
  }

  @Test
  void headers_neverSetTheTenant() {
    RouteRequest r = parse(Map.of("x-tenant", "acme", "x-tenant-id", "acme", "x-modelrouter-tenant", "acme",
        "openai-organization", "acme"));

    assertThat(r.tenant()).isNull();
  }

  @Test
  void headers_explainFalseIsAccepted() {
    assertThat(parse(Map.of("x-modelrouter-explain", "0")).explain()).isFalse();
  }
}
