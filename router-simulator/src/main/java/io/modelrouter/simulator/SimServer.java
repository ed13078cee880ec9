package io.modelrouter.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A simulated model server on 127.0.0.1: vLLM-like for the OpenAI-compatible API or Triton-like
 * for the Open Inference Protocol (KServe v2). Its answers are real (chat and completion text with
 * a usage object, SSE streams ending in {@code [DONE]}, after a usage chunk when asked for one,
 * embeddings, a sum per row for {@code infer}) and its {@code /metrics} follow its real queue and simulated KV cache
 * under the real metric names.
 *
 * <p>Latency, capacity and failures are set on the {@link Builder} and can be changed while it
 * runs: {@link #baseLatency(Duration)}, {@link #perTokenLatency(Duration)}, {@link #capacity(int)},
 * {@link #maxQueue(int)},
 * {@link #slowdown(double)}, {@link #failureRate(double)}, {@link #hang(boolean)},
 * {@link #resetConnections(boolean)}, {@link #healthy(boolean)}, {@link #kill()} and
 * {@link #restart()}.
 *
 * <pre>{@code
 * try (SimServer sim = SimServer.openai("demo-chat").baseLatency(Duration.ofMillis(20)).start()) {
 *   String url = sim.baseUrl(); // http://127.0.0.1:PORT
 * }
 * }</pre>
 *
 * <p>OpenAI routes: {@code POST /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code GET /v1/models}, {@code /health}, {@code /metrics} (vLLM names:
 * {@code vllm:num_requests_running}, {@code vllm:num_requests_waiting},
 * {@code vllm:kv_cache_usage_perc}, {@code vllm:gpu_cache_usage_perc},
 * {@code vllm:lora_requests_info}, counters and a latency histogram). A request names a LoRA
 * adapter by putting the adapter's name in {@code model}.
 *
 * <p>OIP routes: {@code GET /v2}, {@code /v2/health/ready}, {@code /v2/health/live},
 * {@code /v2/models/{name}[/versions/{v}]}, {@code .../ready}, {@code POST .../infer} (input
 * {@code [-1, width]} of numbers, output {@code output__0}: the sum of each row), {@code /metrics}
 * (Triton names: {@code nv_inference_pending_request_count}, {@code nv_inference_request_success},
 * and TensorRT-LLM's {@code nv_trt_llm_request_metrics}, {@code nv_trt_llm_kv_cache_block_metrics}).
 *
 * <p>Thread-safe. Depends on the JDK only ({@code com.sun.net.httpserver}).
 *
 * <p>The parts, package-private, one concept each: {@code SimHandler} (the HTTP handler) over
 * {@code HttpExchanges}; {@code OpenAiEmulation} (with {@code OpenAiStream} and {@code Tokens}) and
 * {@code OipEmulation}, the two {@code Emulation}s; {@code Inference}, the path every inference
 * request takes, through {@code Slots} (the job and slot model), {@code ServerFaults} and
 * {@code Latency}; {@code ServerStats} and {@code RequestLog}, what it counts and logs;
 * {@code MetricsExposition}, its {@code /metrics}.
 */
public final class SimServer implements AutoCloseable {

  static {
    // The JDK server disables TCP_NODELAY unless told otherwise; small SSE chunks would then wait
    // for delayed ACKs. Read once when the JDK server classes load, so set it before any is made.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** The wire protocol a simulated server speaks. */
  public enum Protocol {
    /** vLLM-like OpenAI-compatible API. */
    OPENAI,
    /** Triton-like Open Inference Protocol (KServe v2). */
    OIP
  }

  private final Protocol protocol;
  private final String model;
  private final String version;
  private final String name;

  private final Latency latency;
  private final ServerFaults faults;
  private final Slots slots;
  private final ServerStats stats = new ServerStats();
  private final RequestLog requests = new RequestLog();
  private final SimHandler handler;

  private final ExecutorService executor;
  private final Object lifecycle = new Object();
  private @Nullable HttpServer server;
  private int port;
  private volatile boolean closed;

  private SimServer(Builder b) {
    this.protocol = b.protocol;
    this.model = b.model;
    this.version = b.version;
    this.name = b.name != null ? b.name : model;
    this.latency = new Latency(b.baseLatency.toNanos(), b.perTokenLatency.toNanos(), b.slowdown, this::isRunning);
    this.faults = new ServerFaults(b.failureRate, b.seed);
    this.slots = new Slots(b.capacity, b.maxQueue, b.kvCacheTokens);
    Inference inference = new Inference(stats, requests, faults, slots, this::isRunning);
    Emulation emulation;
    if (protocol == Protocol.OPENAI) {
      AtomicLong ids = new AtomicLong();
      Tokens tokens = new Tokens(b.tokenChars);
      emulation = new OpenAiEmulation(inference, latency, stats, faults, model, b.adapters, b.outputTokens,
          b.embeddingDimensions, tokens, new OpenAiStream(latency, tokens, ids, this::isRunning), ids);
    } else {
      emulation = new OipEmulation(inference, latency, stats, faults, model, version, b.inputName, b.inputWidth);
    }
    this.handler = new SimHandler(new MetricsExposition(protocol, model, version, b.maxLoras, slots, stats), emulation);
    AtomicInteger threads = new AtomicInteger();
    String threadPrefix = "sim-" + this.name + "-";
    ThreadFactory factory = r -> {
      Thread th = new Thread(r, threadPrefix + threads.incrementAndGet());
      th.setDaemon(true);
      return th;
    };
    this.executor = Executors.newCachedThreadPool(factory);
  }

  /** A vLLM-like OpenAI-compatible server for {@code model}. */
  public static Builder openai(String model) {
    return new Builder(Protocol.OPENAI, model);
  }

  /** A Triton-like Open Inference Protocol server for {@code model}. */
  public static Builder oip(String model) {
    return new Builder(Protocol.OIP, model);
  }

  // ------------------------------------------------------------------ lifecycle

  private SimServer bind(int bindPort) throws IOException {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("simulator " + name + " is closed");
      }
      if (server != null) {
        return this;
      }
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), bindPort), 1024);
      s.setExecutor(executor);
      s.createContext("/", handler);
      s.start();
      this.server = s;
      this.port = s.getAddress().getPort();
      faults.rearm();
      return this;
    }
  }

  /** The port it listens on (the one chosen by the system when the builder asked for 0). */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The model it serves. */
  public String model() {
    return model;
  }

  /** The model version it reports (OIP). */
  public String version() {
    return version;
  }

  /** The protocol it speaks. */
  public Protocol protocol() {
    return protocol;
  }

  /** The name used in thread names and logs; the model name unless the builder gave one. */
  public String name() {
    return name;
  }

  /** Whether it is listening. */
  public boolean isRunning() {
    synchronized (lifecycle) {
      return server != null;
    }
  }

  /**
   * Stops listening and drops every open connection at once, as a crashed server would: clients
   * see refused connections and streams cut mid-way. {@link #restart()} brings it back.
   */
  public void kill() {
    HttpServer s;
    synchronized (lifecycle) {
      s = server;
      server = null;
    }
    if (s != null) {
      faults.releaseHung();
      s.stop(0);
    }
  }

  /** Listens again on the same port after {@link #kill()}; does nothing while running. */
  public SimServer restart() throws IOException {
    return bind(port);
  }

  /** Stops the server for good and its threads. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      closed = true;
    }
    kill();
    faults.releaseHung();
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------ run-time behaviour

  /** The fixed part of each answer's latency (the time to first token when streaming). */
  public SimServer baseLatency(Duration latency) {
    this.latency.base(Args.requireLatency(latency, "baseLatency"));
    return this;
  }

  /** The latency added per generated token. */
  public SimServer perTokenLatency(Duration latency) {
    this.latency.perToken(Args.requireLatency(latency, "perTokenLatency"));
    return this;
  }

  /** Multiplies every latency; 1 is normal speed, 5 is five times slower. */
  public SimServer slowdown(double factor) {
    latency.slowdown(Args.requireSlowdown(factor));
    return this;
  }

  /** The share of inference requests answered with a 500, between 0 and 1. */
  public SimServer failureRate(double rate) {
    faults.failureRate(Args.requireRate(rate));
    return this;
  }

  /**
   * Changes how many requests are processed at once; when it shrinks, requests already running
   * finish and new ones wait until the running count is below the new capacity.
   */
  public SimServer capacity(int capacity) {
    slots.capacity(Args.requirePositive(capacity, "capacity"));
    return this;
  }

  /** Changes how many requests may wait for a slot before new ones get a 503; see {@link Builder#maxQueue(int)}. */
  public SimServer maxQueue(int maxQueue) {
    slots.maxQueue(Args.requireQueue(maxQueue));
    return this;
  }

  /** While true, inference requests are accepted and never answered (until turned off or killed). */
  public SimServer hang(boolean hang) {
    faults.hang(hang);
    return this;
  }

  /** While true, inference requests get their connection closed without an answer. */
  public SimServer resetConnections(boolean reset) {
    faults.resetConnections(reset);
    return this;
  }

  /** While false, the health routes answer 503. */
  public SimServer healthy(boolean healthy) {
    faults.healthy(healthy);
    return this;
  }

  // ------------------------------------------------------------------ observations

  /** Inference requests received (health, metadata and metrics requests are not counted). */
  public long requestCount() {
    return stats.receivedCount();
  }

  /** Inference requests answered successfully. */
  public long successCount() {
    return stats.successCount();
  }

  /** Inference requests being processed now. */
  public int runningCount() {
    return slots.running();
  }

  /** Inference requests waiting for a slot now. */
  public int waitingCount() {
    return slots.waiting();
  }

  /** The headers of the last inference request received, by lower-case name; empty before any. */
  public Map<String, List<String>> lastRequestHeaders() {
    return requests.lastHeaders();
  }

  /** The W3C {@code traceparent} of the last 1,024 inference requests that carried one, oldest first. */
  public List<String> receivedTraceparents() {
    return requests.traceparents();
  }

  /** The simulated KV-cache use between 0 and 1. */
  public double kvCacheUsage() {
    return slots.kvCacheUsage();
  }

  @Override
  public String toString() {
    return "SimServer{" + name + ", " + protocol.name().toLowerCase(Locale.ROOT) + ", " + baseUrl() + '}';
  }

  /** Configures a {@link SimServer}; every setter checks its argument. */
  public static final class Builder {
    private final Protocol protocol;
    private final String model;
    private String version = "1";
    private Set<String> adapters = Set.of();
    private int maxLoras = 4;
    private int port;
    private @Nullable String name;
    private Duration baseLatency = Duration.ZERO;
    private Duration perTokenLatency = Duration.ZERO;
    private double slowdown = 1;
    private double failureRate;
    private int capacity = 64;
    private int maxQueue = Integer.MAX_VALUE;
    private int kvCacheTokens = 65_536;
    private int outputTokens = 16;
    private int tokenChars = 6;
    private int embeddingDimensions = 16;
    private String inputName = "input__0";
    private int inputWidth = 4;
    private long seed = 42;

    private Builder(Protocol protocol, String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank() || model.contains("/")) {
        throw new IllegalArgumentException("model: '" + model + "' (expected: a non-blank name without '/')");
      }
      this.protocol = protocol;
      this.model = model;
    }

    /** The port to listen on; 0 (the default) lets the system choose. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /** A name for threads and logs; the model name by default. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The model version the OIP server reports and accepts in paths; {@code 1} by default. */
    public Builder version(String version) {
      Objects.requireNonNull(version, "version");
      if (version.isBlank() || version.contains("/")) {
        throw new IllegalArgumentException("version: '" + version + "' (expected: a non-blank name without '/')");
      }
      this.version = version;
      return this;
    }

    /** LoRA adapters it serves (OpenAI): a request selects one by naming it as its {@code model}. */
    public Builder adapters(String... adapters) {
      this.adapters = new LinkedHashSet<>(List.of(adapters));
      return this;
    }

    /** The {@code max_lora} it reports; 4 by default. */
    public Builder maxLoras(int maxLoras) {
      this.maxLoras = Args.requirePositive(maxLoras, "maxLoras");
      return this;
    }

    /** The fixed part of each answer's latency (time to first token when streaming); 0 by default. */
    public Builder baseLatency(Duration latency) {
      Args.requireLatency(latency, "baseLatency");
      this.baseLatency = latency;
      return this;
    }

    /** The latency per generated token; 0 by default. */
    public Builder perTokenLatency(Duration latency) {
      Args.requireLatency(latency, "perTokenLatency");
      this.perTokenLatency = latency;
      return this;
    }

    /** Multiplies every latency; 1 by default. */
    public Builder slowdown(double factor) {
      this.slowdown = Args.requireSlowdown(factor);
      return this;
    }

    /** The share of inference requests answered with a 500; 0 by default. */
    public Builder failureRate(double rate) {
      this.failureRate = Args.requireRate(rate);
      return this;
    }

    /** Requests processed at once; the rest wait in the queue. 64 by default. */
    public Builder capacity(int capacity) {
      this.capacity = Args.requirePositive(capacity, "capacity");
      return this;
    }

    /**
     * Requests that may wait for a busy slot before new ones get a 503 with {@code Retry-After};
     * unlimited by default, 0 to refuse whenever every slot is busy.
     */
    public Builder maxQueue(int maxQueue) {
      this.maxQueue = Args.requireQueue(maxQueue);
      return this;
    }

    /** The simulated KV-cache size in tokens (prompt plus output of running requests); 65,536 by default. */
    public Builder kvCacheTokens(int tokens) {
      this.kvCacheTokens = Args.requirePositive(tokens, "kvCacheTokens");
      return this;
    }

    /** Tokens generated when the request sets no {@code max_tokens}; 16 by default. */
    public Builder outputTokens(int tokens) {
      this.outputTokens = Args.requirePositive(tokens, "outputTokens");
      return this;
    }

    /**
     * Characters of text per generated token; 6 by default. Large values make large responses
     * (a 64 KiB token and {@code max_tokens: 1600} stream about 100 MB).
     */
    public Builder tokenChars(int chars) {
      this.tokenChars = Args.requirePositive(chars, "tokenChars");
      return this;
    }

    /** The length of embedding vectors; 16 by default. */
    public Builder embeddingDimensions(int dimensions) {
      this.embeddingDimensions = Args.requirePositive(dimensions, "embeddingDimensions");
      return this;
    }

    /** The OIP input tensor's name ({@code input__0}) and row width (4) of its {@code [-1, width]} shape. */
    public Builder input(String name, int width) {
      Objects.requireNonNull(name, "name");
      this.inputName = name;
      this.inputWidth = Args.requirePositive(width, "width");
      return this;
    }

    /** The seed of the failure draws; 42 by default. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Starts the server on 127.0.0.1. */
    public SimServer start() throws IOException {
      return new SimServer(this).bind(port);
    }
  }
}
