package io.modelrouter.benchmarks.http;

import io.modelrouter.http.internal.ModelRewrite;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Naming a model route's chosen model in an OpenAI body: the top-level {@code model} value spliced
 * in place ({@code ModelRewrite.spliceModel}), at 2 KB and 200 KB, with {@code model} first (as
 * the SDKs write it) or last (the worst case: every byte before it is scanned). The peer is the
 * copy a splice cannot avoid, {@code byte[].clone()} of the same body.
 *
 * <pre>
 * java -jar router-benchmarks/target/benchmarks.jar 'http.ModelSpliceBenchmark' -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ModelSpliceBenchmark {

  @Param({"2048", "204800"})
  public int bytes;

  @Param({"first", "last"})
  public String modelAt;

  private byte[] body;

  @Setup
  public void setUp() {
    StringBuilder text = new StringBuilder();
    while (text.length() < bytes - 200) {
      text.append("The router sends each request to the most appropriate model. ");
    }
    String messages = "\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},"
        + "{\"role\":\"user\",\"content\":\"" + text + "\"}],\"max_tokens\":256,\"temperature\":0.7";
    String json = modelAt.equals("first")
        ? "{\"model\":\"chat\"," + messages + "}"
        : "{" + messages + ",\"model\":\"chat\"}";
    body = json.getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public byte[] splice() {
    return ModelRewrite.spliceModel(body, "llama-3.1-70b-instruct");
  }

  @Benchmark
  public byte[] copy() {
    return body.clone();
  }
}
