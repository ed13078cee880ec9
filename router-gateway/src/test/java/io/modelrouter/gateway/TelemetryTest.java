package io.modelrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's OpenTelemetry from the standard OTEL_* settings. */
class TelemetryTest {

  @Test
  void from_withoutAnExporterAsked_isOff() throws Exception {
    try (Telemetry t = Telemetry.from(Map.of("PATH", "/usr/bin"))) {
      assertThat(t.openTelemetry()).isSameAs(OpenTelemetry.noop());
    }
  }

  @Test
  void from_withAnExporterAsked_isTheSdk() throws Exception {
    try (Telemetry t = Telemetry.from(Map.of("OTEL_TRACES_EXPORTER", "none"))) {
      assertThat(t.openTelemetry()).isInstanceOf(OpenTelemetrySdk.class);
      assertThat(t.openTelemetry().getPropagators().getTextMapPropagator().fields()).contains("traceparent");
    }
  }

  @Test
  void from_withAnOtlpEndpoint_exportsOverHttpWithTheJdksClient() throws Exception {
    // The default OTLP protocol would want a gRPC sender, which the gateway does not bundle.
    try (Telemetry t = Telemetry.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))) {
      assertThat(t.openTelemetry()).isInstanceOf(OpenTelemetrySdk.class);
    }
  }

  @Test
  void from_disabled_isOffWhateverElseIsSet() throws Exception {
    try (Telemetry t = Telemetry.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
        "OTEL_SDK_DISABLED", "true"))) {
      assertThat(t.openTelemetry()).isSameAs(OpenTelemetry.noop());
    }
  }
}
