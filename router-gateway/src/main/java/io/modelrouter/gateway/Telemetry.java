package io.modelrouter.gateway;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's OpenTelemetry: the SDK with the OTLP exporter, configured by the standard {@code
 * OTEL_*} environment variables (or {@code otel.*} system properties), and off (no-op, nothing
 * exported) unless an exporter is asked for: {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} or {@code OTEL_TRACES_EXPORTER} set, and {@code
 * OTEL_SDK_DISABLED} not true. Traces only (metrics go through Micrometer and {@code /metrics},
 * logs through SLF4J), over OTLP {@code http/protobuf} unless {@code OTEL_EXPORTER_OTLP_PROTOCOL}
 * says otherwise (the JDK's HTTP client sends; no gRPC transport is bundled).
 */
final class Telemetry implements AutoCloseable {

  private final OpenTelemetry otel;
  private final AutoCloseable shutdown;

  private Telemetry(OpenTelemetry otel, AutoCloseable shutdown) {
    this.otel = otel;
    this.shutdown = shutdown;
  }

  /** From the process's environment, with {@code otel.*} system properties over it. */
  static Telemetry fromEnvironment() {
    Map<String, String> settings = new HashMap<>(System.getenv());
    System.getProperties().forEach((k, v) -> {
      String key = k.toString();
      if (key.startsWith("otel.")) {
        settings.put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), v.toString());
      }
    });
    return from(settings);
  }

  /** @param env {@code OTEL_*} variables by name (others are ignored) */
  static Telemetry from(Map<String, String> env) {
    boolean asked = env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        || env.containsKey("OTEL_TRACES_EXPORTER");
    if (!asked || "true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
      return new Telemetry(OpenTelemetry.noop(), () -> {});
    }
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    properties.put("otel.service.name", "modelrouter");
    properties.put("otel.exporter.otlp.protocol", "http/protobuf");
    env.forEach((name, value) -> {
      if (name.startsWith("OTEL_")) {
        properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> properties)
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
    return new Telemetry(sdk, sdk::close);
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
