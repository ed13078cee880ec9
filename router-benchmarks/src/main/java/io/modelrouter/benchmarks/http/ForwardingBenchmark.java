package io.modelrouter.benchmarks.http;

import io.modelrouter.Operation;
import io.modelrouter.RouteRequest;
import io.modelrouter.Router;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.internal.Clients;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.simulator.SimServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
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
 * A chat completion through the {@link RoutingClient} (route, lease, header hygiene, forward,
 * stream the body back, complete the lease with the usage tokens) against the same request sent
 * straight with OkHttp, to the same simulated server on loopback, with the same OkHttp settings
 * and at the same concurrency ({@code -t}). The difference is what routing adds.
 *
 * <pre>
 * java -jar router-benchmarks/target/benchmarks.jar ForwardingBenchmark -t 4 -bm sample -f 1 -wi 3 -w 2s -i 5 -r 2s
 * java -jar router-benchmarks/target/benchmarks.jar ForwardingBenchmark -t 4 -bm thrpt -tu s -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ForwardingBenchmark {

  private static final byte[] BODY = ("{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
      + "\"max_tokens\":1}").getBytes(StandardCharsets.UTF_8);

  private SimServer server;
  private OkHttpClient direct;
  private RoutingClient routed;
  private Request directRequest;
  private ProxyRequest proxyRequest;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = SimServer.openai("bench").capacity(1024).start();
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(
        List.of(ModelSpec.builder("bench", "1").operations(Set.of(Operation.CHAT)).build()),
        List.of(Endpoint.builder("sim", server.baseUrl()).server("vllm").serves("bench:1").build()));
    routed = RoutingClient.builder(Router.builder(registry).build()).build();
    direct = Clients.create("bench-direct", 256, RoutingClient.DEFAULT_CONNECT_TIMEOUT, RoutingClient.DEFAULT_READ_TIMEOUT);
    directRequest = new Request.Builder()
        .url(server.baseUrl() + "/v1/chat/completions")
        .post(RequestBody.create(BODY, MediaType.parse("application/json")))
        .build();
    proxyRequest = ProxyRequest.builder("/v1/chat/completions", RouteRequest.of("bench"))
        .body(BODY, "application/json")
        .header("authorization", "Bearer client-key")
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    routed.close();
    Clients.shutdown(direct);
    server.close();
  }

  /** Each thread's read buffer, so that both benchmarks read the body the same way. */
  @State(Scope.Thread)
  public static class Buffer {
    final byte[] bytes = new byte[16 * 1024];
  }

  /** The baseline: OkHttp straight to the server. */
  @Benchmark
  public long direct(Buffer buf) throws IOException {
    try (Response r = direct.newCall(directRequest).execute()) {
      return drain(r.body().byteStream(), buf.bytes);
    }
  }

  /** The same request routed and forwarded by modelrouter. */
  @Benchmark
  public long routed(Buffer buf) throws IOException {
    try (ProxyResponse r = routed.execute(proxyRequest)) {
      return drain(r.body(), buf.bytes);
    }
  }

  private static long drain(InputStream in, byte[] buf) throws IOException {
    long total = 0;
    for (int n; (n = in.read(buf)) >= 0; ) {
      total += n;
    }
    return total;
  }

  /** Runs a short sample from the IDE. */
  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(new String[] {ForwardingBenchmark.class.getSimpleName(), "-t", "4", "-f", "1",
        "-wi", "3", "-w", Duration.ofSeconds(2).toSeconds() + "s", "-i", "5", "-r", "2s"});
  }
}
