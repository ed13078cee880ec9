package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Outcome;
import io.modelrouter.RejectionReason;
import io.modelrouter.health.EndpointStatus;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

  @Test
  void write_countersHistogramsAndGaugesInPrometheusText() {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()),
        List.of(Endpoint.builder("e\"1", "http://127.0.0.1:1").serves("m").build()));
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.recordRequest("m", "e\"1", Outcome.Kind.SUCCESS, 30_000_000L, 10_000_000L);
    metrics.recordRequest("m", "e\"1", Outcome.Kind.SUCCESS, 3_000_000_000L, -1);
    metrics.recordRejection(RejectionReason.QUOTA_EXCEEDED);
    metrics.recordTenant("t", 429);
    StringBuilder sb = new StringBuilder();
    metrics.write(sb, registry.snapshot(), 3);
    String text = sb.toString();
    assertThat(text)
        .contains("# TYPE modelrouter_requests_total counter")
        .contains("modelrouter_requests_total{model=\"m\",endpoint=\"e\\\"1\",outcome=\"success\"} 2")
        .contains("modelrouter_request_duration_seconds_bucket{model=\"m\",le=\"0.05\"} 1")
        .contains("modelrouter_request_duration_seconds_bucket{model=\"m\",le=\"5.0\"} 2")
        .contains("modelrouter_request_duration_seconds_bucket{model=\"m\",le=\"+Inf\"} 2")
        .contains("modelrouter_request_duration_seconds_count{model=\"m\"} 2")
        .contains("modelrouter_time_to_first_byte_seconds_count{model=\"m\"} 1")
        .contains("modelrouter_rejections_total{reason=\"quota_exceeded\"} 1")
        .contains("modelrouter_tenant_requests_total{tenant=\"t\",code=\"429\"} 1")
        .contains("modelrouter_in_flight 3")
        .contains("modelrouter_endpoint_in_flight{endpoint=\"e\\\"1\"} 0")
        .contains("modelrouter_endpoint_up{endpoint=\"e\\\"1\",status=\"healthy\"} 1");
    for (String line : text.split("\n")) {
      assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{.*\\})? [0-9.E+-]+");
    }
  }

  @Test
  void write_countsATransitionToEjectedOnce() {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build()),
        List.of(Endpoint.builder("e", "http://127.0.0.1:1").serves("m").build()));
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.write(new StringBuilder(), registry.snapshot(), 0);
    registry.snapshot().state("e").setStatus(EndpointStatus.EJECTED, 1);
    metrics.write(new StringBuilder(), registry.snapshot(), 0);
    StringBuilder sb = new StringBuilder();
    metrics.write(sb, registry.snapshot(), 0);
    assertThat(sb.toString()).contains("modelrouter_ejections_total{endpoint=\"e\"} 1");
  }
}
