package io.modelrouter.gateway;

import io.modelrouter.simulator.SimServer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelrouter sim-server}: one simulated model server, the same {@link SimServer} the
 * router-http tests and the demo use. vLLM-like for {@code --protocol openai}, Triton-like for
 * {@code oip}. Runs until the process is stopped.
 */
@Command(
    name = "sim-server",
    mixinStandardHelpOptions = true,
    description = "Runs one simulated model server (vLLM-like OpenAI or Triton-like OIP) on 127.0.0.1.")
final class SimServerCommand implements Callable<Integer> {

  @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  int port;

  @Option(names = "--model", required = true, description = "The model name it serves.")
  String model = "";

  @Option(names = "--protocol", description = "openai (vLLM-like) or oip (Triton-like); default: ${DEFAULT-VALUE}.", defaultValue = "openai")
  String protocol = "openai";

  @Option(names = "--version", description = "The model version it reports (OIP); default: ${DEFAULT-VALUE}.", defaultValue = "1")
  String version = "1";

  @Option(names = "--latency-ms", description = "Fixed latency per answer (time to first token), ms; default: ${DEFAULT-VALUE}.", defaultValue = "20")
  long latencyMs;

  @Option(names = "--per-token-ms", description = "Latency per generated token, ms; default: ${DEFAULT-VALUE}.", defaultValue = "0")
  double perTokenMs;

  @Option(names = "--capacity", description = "Requests processed at once; the rest queue; default: ${DEFAULT-VALUE}.", defaultValue = "64")
  int capacity;

  @Option(names = "--max-queue", description = "Requests that may wait before new ones get a 503; default: unlimited.")
  Integer maxQueue;

  @Option(names = "--failure-rate", description = "Share of requests answered with a 500, 0..1; default: ${DEFAULT-VALUE}.", defaultValue = "0")
  double failureRate;

  @Option(names = "--output-tokens", description = "Tokens generated when a request sets no max_tokens; default: ${DEFAULT-VALUE}.", defaultValue = "16")
  int outputTokens;

  @Option(names = "--input", description = "OIP input tensor name and row width, NAME:WIDTH; default: ${DEFAULT-VALUE}.", defaultValue = "input__0:4")
  String input = "input__0:4";

  @Option(names = "--adapters", split = ",", description = "LoRA adapters it serves (OpenAI), comma-separated.")
  String[] adapters = new String[0];

  @Option(names = "--seed", description = "Seed of the failure draws; default: ${DEFAULT-VALUE}.", defaultValue = "42")
  long seed;

  @Override
  public Integer call() throws Exception {
    SimServer.Builder b;
    switch (protocol.toLowerCase(Locale.ROOT)) {
      case "openai":
        b = SimServer.openai(model);
        break;
      case "oip":
        b = SimServer.oip(model);
        break;
      default:
        System.err.println("--protocol: '" + protocol + "' (expected: openai or oip)");
        return 2;
    }
    int colon = input.lastIndexOf(':');
    if (colon <= 0) {
      System.err.println("--input: '" + input + "' (expected: NAME:WIDTH such as input__0:4)");
      return 2;
    }
    b.port(port)
        .version(version)
        .baseLatency(Duration.ofMillis(latencyMs))
        .perTokenLatency(Duration.ofNanos((long) (perTokenMs * 1_000_000)))
        .capacity(capacity)
        .failureRate(failureRate)
        .outputTokens(outputTokens)
        .input(input.substring(0, colon), Integer.parseInt(input.substring(colon + 1)))
        .adapters(adapters)
        .seed(seed);
    if (maxQueue != null) {
      b.maxQueue(maxQueue);
    }
    SimServer sim = b.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sim.close();
      stopped.countDown();
    }, "sim-server-shutdown"));
    System.out.println("listening on " + sim.baseUrl());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
