package io.modelrouter.benchmarks.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelrouter.Operation;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.Transport;
import io.modelrouter.http.observability.RouterMetrics;
import io.modelrouter.http.observability.RouterTracing;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What metrics and traces cost a request, without the network: a chat completion routed and
 * forwarded by a {@link RoutingClient} to an in-memory {@link Transport} that answers at once
 * with a canned body, with {@code observe} = {@code none}, {@code metrics} ({@link RouterMetrics}
 * on Micrometer's Prometheus registry), {@code traces} ({@link RouterTracing} on the SDK as in
 * {@link ObservabilityBenchmark}) or {@code both}. The difference to {@code none} is the
 * observers' CPU and allocation per request, which a loopback run buries in its noise; run with
 * {@code -prof gc}.
 *
 * <pre>
 * java -jar router-benchmarks/target/benchmarks.jar ObserverCostBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc
 * java -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.http.ObserverCostBenchmark [rounds] [requests]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObserverCostBenchmark {

  private static final byte[] BODY = ("{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
      + "\"max_tokens\":1}").getBytes(StandardCharsets.UTF_8);
  private static final byte[] ANSWER = ("{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"model\":\"bench\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"length\"}],"
      + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}").getBytes(StandardCharsets.UTF_8);

  @Param({"none", "metrics", "traces", "both"})
  public String observe;

  private RoutingClient client;
  private @Nullable RouterMetrics metrics;
  private @Nullable OpenTelemetrySdk otel;
  private ProxyRequest request;
  private final byte[] buf = new byte[4096];

  @Setup(Level.Trial)
  public void setUp() {
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(
        List.of(ModelSpec.builder("bench", "1").operations(Set.of(Operation.CHAT)).build()),
        List.of(Endpoint.builder("mem", "http://127.0.0.1:9").server("vllm").serves("bench:1").build()));
    Router router = Router.builder(registry).build();
    RoutingClient.Builder b = RoutingClient.builder(router).transport(new Canned());
    if (observe.equals("metrics") || observe.equals("both")) {
      metrics = RouterMetrics.builder(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), registry).build();
      b.addObserver(metrics);
    }
    if (observe.equals("traces") || observe.equals("both")) {
      otel = ObservabilityBenchmark.sdk();
      b.addObserver(RouterTracing.create(otel, router));
    }
    client = b.build();
    request = ProxyRequest.builder("/v1/chat/completions", RouteRequest.of("bench")).body(BODY, "application/json").build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    if (metrics != null) {
      metrics.close();
    }
    if (otel != null) {
      otel.close();
    }
  }

  /** One request routed, forwarded and its answer read to the end. */
  @Benchmark
  public long request() throws IOException {
    try (ProxyResponse r = client.execute(request)) {
      InputStream in = r.body();
      long total = 0;
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
      }
      return total;
    }
  }

  /**
   * CPU time per request on a shared machine, where JMH's wall-clock time is mostly other
   * processes': the four set-ups in turn, {@code rounds} times, {@code requests} calls each after a
   * warm-up; prints each one's median over the rounds of the calling thread's CPU time per request
   * and of the whole process's (the span exporter's thread and GC included).
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    String[] setups = {"none", "metrics", "traces", "both"};
    ObserverCostBenchmark[] benches = new ObserverCostBenchmark[setups.length];
    for (int i = 0; i < setups.length; i++) {
      benches[i] = new ObserverCostBenchmark();
      benches[i].observe = setups[i];
      benches[i].setUp();
      for (int n = 0; n < 4 * requests; n++) {
        benches[i].request();
      }
    }
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double[][] thread = new double[setups.length][rounds];
    double[][] process = new double[setups.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < setups.length; k++) {
        int i = (k + r) % setups.length; // rotate the order, so no set-up always follows the same one
        long t0 = threads.getCurrentThreadCpuTime();
        long p0 = os.getProcessCpuTime();
        for (int n = 0; n < requests; n++) {
          benches[i].request();
        }
        thread[i][r] = (threads.getCurrentThreadCpuTime() - t0) / (double) requests;
        process[i][r] = (os.getProcessCpuTime() - p0) / (double) requests;
      }
    }
    System.out.printf(java.util.Locale.ROOT, "%-8s %22s %22s%n", "observe", "thread cpu ns/request", "process cpu ns/request");
    for (int i = 0; i < setups.length; i++) {
      System.out.printf(java.util.Locale.ROOT, "%-8s %22.0f %22.0f%n", setups[i], median(thread[i]), median(process[i]));
      benches[i].tearDown();
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v[v.length / 2];
  }

  /** Answers every call at once with {@link #ANSWER}. */
  private static final class Canned implements Transport {
    @Override
    public Call call(Request request) {
      return new Call() {
        private boolean sent;

        @Override
        public void start(Listener listener) {
          sent = true;
          listener.onResponse(new Answer());
        }

        @Override
        public boolean sent() {
          return sent;
        }

        @Override
        public void cancel() {}
      };
    }

    @Override
    public void close() {}
  }

  /** {@link #ANSWER} as a 200 with a JSON content type, read in one go. */
  private static final class Answer implements Transport.Response {
    private int pos;

    @Override
    public int status() {
      return 200;
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
      action.accept("content-type", "application/json");
      action.accept("content-length", Integer.toString(ANSWER.length));
    }

    @Override
    public @Nullable String header(String name) {
      return name.equalsIgnoreCase("content-type") ? "application/json" : null;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= ANSWER.length) {
        return -1;
      }
      int n = Math.min(len, ANSWER.length - pos);
      System.arraycopy(ANSWER, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void demand(Runnable onReadable) {
      onReadable.run();
    }

    @Override
    public void close() {}
  }
}
