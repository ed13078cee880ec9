package io.modelrouter.benchmarks.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelrouter.Operation;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.observability.RouterMetrics;
import io.modelrouter.http.observability.RouterTracing;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.simulator.SimServer;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What metrics and traces cost a forwarded request: the same chat completion through two {@link
 * RoutingClient}s to the same simulated server on loopback, one bare ({@code plain}) and one with
 * {@link RouterMetrics} on Micrometer's Prometheus registry and {@link RouterTracing} on the
 * OpenTelemetry SDK ({@code observed}), in the same run at the same concurrency; {@code
 * -Dobserve=metrics} or {@code traces} for one alone.
 *
 * <p>The SDK is the one the gateway builds when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (see
 * {@link #gatewaySdk}): autoconfigured, every span sampled (parent-based), the standard batch span
 * processor, W3C trace context and baggage, and the OTLP {@code http/protobuf} exporter sending
 * through the JDK's client, here to an {@link OtlpSink} on 127.0.0.1 in the same process, which
 * counts the spans it receives so that a lost span shows. {@code -Dexporter=none} swaps the
 * exporter for one that drops the batches, to tell the cost of serialising and sending apart.
 *
 * <p>On a noisy machine prefer {@link #main}: the two alternate in short phases, as in {@link
 * ForwardingLoad}, so that background load falls on both alike; the headline is the median over
 * rounds of the observed/plain throughput ratio.
 *
 * <pre>
 * java -jar router-benchmarks/target/benchmarks.jar ObservabilityBenchmark -t 4 -bm thrpt -tu s -f 1 -wi 3 -w 1s -i 5 -r 1s
 * java [-Dobserve=metrics|traces] [-Dexporter=otlp|none] -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.http.ObservabilityBenchmark [threads] [phaseSeconds] [rounds]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ObservabilityBenchmark {

  private static final byte[] BODY = ("{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
      + "\"max_tokens\":1}").getBytes(StandardCharsets.UTF_8);

  private SimServer server;
  private RoutingClient plain;
  private RoutingClient observed;
  private RouterMetrics metrics;
  private OpenTelemetrySdk otel;
  private @Nullable OtlpSink sink;
  private ProxyRequest request;
  /** Observed calls made, warm-up included: each ends two spans (the request's and its attempt's). */
  private final LongAdder observedCalls = new LongAdder();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = SimServer.openai("bench").capacity(1024).start();
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(
        List.of(ModelSpec.builder("bench", "1").operations(Set.of(Operation.CHAT)).build()),
        List.of(Endpoint.builder("sim", server.baseUrl()).server("vllm").serves("bench:1").build()));
    Router router = Router.builder(registry).build();
    plain = RoutingClient.builder(router).build();
    metrics = RouterMetrics.builder(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), registry).build();
    if (System.getProperty("exporter", "otlp").equals("none")) {
      otel = sdk();
    } else {
      sink = OtlpSink.start();
      otel = gatewaySdk(sink.endpoint());
    }
    String what = System.getProperty("observe", "metrics,traces");
    RoutingClient.Builder b = RoutingClient.builder(router);
    if (what.contains("metrics")) {
      b.addObserver(metrics);
    }
    if (what.contains("traces")) {
      b.addObserver(RouterTracing.create(otel, router));
    }
    observed = b.build();
    request = ProxyRequest.builder("/v1/chat/completions", RouteRequest.of("bench")).body(BODY, "application/json").build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    observed.close();
    metrics.close();
    otel.close(); // flushes the batch processor's queue to the sink
    if (sink != null) {
      sink.close();
    }
    server.close();
  }

  /** What reached the exporter's far end against the spans ended, once {@link #tearDown} flushed them. */
  private void printExported() {
    if (sink == null || !System.getProperty("observe", "metrics,traces").contains("traces")) {
      return;
    }
    long ended = 2 * observedCalls.sum();
    String sampler = System.getProperty("otel.traces.sampler");
    String lost = sampler == null ? (ended - sink.spans()) + " lost" : "sampler " + sampler + " "
        + System.getProperty("otel.traces.sampler.arg", "");
    System.out.printf(Locale.ROOT, "spans: %d ended, %d received by the OTLP sink (%s) in %d exports, %.0f bytes a span%n",
        ended, sink.spans(), lost, sink.exports(), (double) sink.bytes() / Math.max(sink.spans(), 1));
  }

  /** Each thread's read buffer. */
  @State(Scope.Thread)
  public static class Buffer {
    final byte[] bytes = new byte[16 * 1024];
  }

  /** Routed and forwarded, nothing observed. */
  @Benchmark
  public long plain(Buffer buf) throws IOException {
    try (ProxyResponse r = plain.execute(request)) {
      return drain(r.body(), buf.bytes);
    }
  }

  /** Routed and forwarded with metrics and traces on. */
  @Benchmark
  public long observed(Buffer buf) throws IOException {
    observedCalls.increment();
    try (ProxyResponse r = observed.execute(request)) {
      return drain(r.body(), buf.bytes);
    }
  }

  /** Alternating phases of plain and observed calls ({@link ForwardingLoad#compare}). */
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    double phaseSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    ObservabilityBenchmark b = new ObservabilityBenchmark();
    b.setUp();
    try {
      Buffer[] buffers = new Buffer[threads];
      for (int t = 0; t < threads; t++) {
        buffers[t] = new Buffer();
      }
      ForwardingLoad.compare("plain", t -> b.plain(buffers[t]), "observed", t -> b.observed(buffers[t]), threads,
          phaseSeconds, rounds);
    } finally {
      b.tearDown();
    }
    b.printExported();
  }

  private static long drain(InputStream in, byte[] buf) throws IOException {
    long total = 0;
    for (int n; (n = in.read(buf)) >= 0; ) {
      total += n;
    }
    return total;
  }

  /**
   * The SDK exactly as the gateway's {@code Telemetry} builds it from {@code OTEL_*} variables when
   * only {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (the same properties, through the same
   * autoconfiguration), exporting to {@code endpoint}.
   */
  static OpenTelemetrySdk gatewaySdk(String endpoint) {
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    properties.put("otel.service.name", "modelrouter");
    properties.put("otel.exporter.otlp.protocol", "http/protobuf");
    properties.put("otel.exporter.otlp.endpoint", endpoint);
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> properties)
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }

  /**
   * The SDK as the gateway's {@code OTEL_*} autoconfiguration sets it up by default (every span
   * sampled, parent-based; the standard {@link BatchSpanProcessor} with its default queue and batch;
   * W3C trace context and baggage), exporting to nowhere.
   */
  static OpenTelemetrySdk sdk() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(new Dropping()).build()).build())
        .setPropagators(ContextPropagators.create(TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
            W3CBaggagePropagator.getInstance())))
        .build();
  }

  /** Exports nowhere: the cost measured is making, ending and batching spans, not a collector's. */
  private static final class Dropping implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
