package io.modelrouter.gateway;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.function.Function;

/**
 * The gateway's OpenTelemetry: the SDK with the OTLP exporter, configured by the standard {@code
 * OTEL_*} environment variables (or {@code otel.*} system properties), and off (no-op, nothing
 * exported) unless an exporter is asked for: {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} or {@code OTEL_TRACES_EXPORTER} set, and {@code
 * OTEL_SDK_DISABLED} not true.
 */
final class Telemetry implements AutoCloseable {

  private final OpenTelemetry otel;
  private final AutoCloseable shutdown;

  private Telemetry(OpenTelemetry otel, AutoCloseable shutdown) {
    this.otel = otel;
    this.shutdown = shutdown;
  }

  /** From the process's environment and system properties. */
  static Telemetry fromEnvironment() {
    return from(name -> {
      String property = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
      return property != null ? property : System.getenv(name);
    });
  }

  /** @param settings an {@code OTEL_*} variable's value by name, null when unset */
  static Telemetry from(Function<String, String> settings) {
    boolean asked = settings.apply("OTEL_EXPORTER_OTLP_ENDPOINT") != null
        || settings.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != null
        || settings.apply("OTEL_TRACES_EXPORTER") != null;
    if (!asked || "true".equalsIgnoreCase(settings.apply("OTEL_SDK_DISABLED"))) {
      return new Telemetry(OpenTelemetry.noop(), () -> {});
    }
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            // Traces only: metrics go through Micrometer (/metrics), logs through SLF4J.
            "otel.metrics.exporter", orDefault(settings, "OTEL_METRICS_EXPORTER", "none"),
            "otel.logs.exporter", orDefault(settings, "OTEL_LOGS_EXPORTER", "none"),
            "otel.service.name", orDefault(settings, "OTEL_SERVICE_NAME", "modelrouter")))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
    return new Telemetry(sdk, sdk::close);
  }

  private static String orDefault(Function<String, String> settings, String name, String fallback) {
    String v = settings.apply(name);
    return v == null ? fallback : v;
  }

  OpenTelemetry openTelemetry() {
    return otel;
  }

  /** Flushes and stops the exporter, if any. */
  @Override
  public void close() throws Exception {
    shutdown.close();
  }
}
