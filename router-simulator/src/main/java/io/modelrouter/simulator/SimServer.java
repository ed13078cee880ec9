package io.modelrouter.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A simulated model server on 127.0.0.1: vLLM-like for the OpenAI-compatible API or Triton-like
 * for the Open Inference Protocol (KServe v2). Its answers are real (chat and completion text with
 * a usage object, SSE streams ending in a usage chunk and {@code [DONE]}, embeddings, a sum per
 * row for {@code infer}) and its {@code /metrics} follow its real queue and simulated KV cache
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

  private static final String[] WORDS = {
    "the", "model", "router", "sends", "each", "request", "to", "a", "healthy", "endpoint",
    "with", "capacity", "and", "low", "latency", "while", "tokens", "stream", "back", "fast"
  };
  private static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Protocol protocol;
  private final String model;
  private final String version;
  private final Set<String> adapters;
  private final int maxLoras;
  private volatile int capacity;
  private volatile int maxQueue;
  private final int kvCacheTokens;
  private final int outputTokens;
  private final int tokenChars;
  private final int embeddingDimensions;
  private final String inputName;
  private final int inputWidth;
  private final int requestedPort;
  private final String name;

  private volatile long baseLatencyNanos;
  private volatile long perTokenNanos;
  private volatile double slowdown;
  private volatile double failureRate;
  private volatile boolean hang;
  private volatile boolean resetConnections;
  private volatile boolean healthy = true;
  private volatile Map<String, List<String>> lastRequestHeaders = Map.of();
  /** Every W3C traceparent an inference request carried, in arrival order (observability tests). */
  private final java.util.Queue<String> traceparents = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile CountDownLatch hangGate = new CountDownLatch(1);

  private final Slots slots;

  /** The processing slots; their number can shrink while requests hold them. */
  private static final class Slots extends Semaphore {
    private static final long serialVersionUID = 1L;

    Slots(int permits) {
      super(permits, true);
    }

    void reduce(int n) {
      reducePermits(n);
    }
  }
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong kvTokensInUse = new AtomicLong();
  private final Map<String, AtomicInteger> runningAdapters = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> waitingAdapters = new ConcurrentHashMap<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong promptTokensTotal = new AtomicLong();
  private final AtomicLong generationTokensTotal = new AtomicLong();
  private final AtomicLong[] latencyBuckets = new AtomicLong[LATENCY_BUCKETS.length + 1];
  private final AtomicLong latencySumMicros = new AtomicLong();
  private final AtomicLong ids = new AtomicLong();
  private final SplittableRandom seedSource;
  private final String tokenText;

  private final ExecutorService executor;
  private final Object lifecycle = new Object();
  private @Nullable HttpServer server;
  private int port;
  private volatile boolean closed;

  private SimServer(Builder b) {
    this.protocol = b.protocol;
    this.model = b.model;
    this.version = b.version;
    this.adapters = Set.copyOf(b.adapters);
    this.maxLoras = b.maxLoras;
    this.capacity = b.capacity;
    this.maxQueue = b.maxQueue;
    this.kvCacheTokens = b.kvCacheTokens;
    this.outputTokens = b.outputTokens;
    this.tokenChars = b.tokenChars;
    this.embeddingDimensions = b.embeddingDimensions;
    this.inputName = b.inputName;
    this.inputWidth = b.inputWidth;
    this.requestedPort = b.port;
    this.name = b.name != null ? b.name : model;
    this.baseLatencyNanos = b.baseLatency.toNanos();
    this.perTokenNanos = b.perTokenLatency.toNanos();
    this.slowdown = b.slowdown;
    this.failureRate = b.failureRate;
    this.slots = new Slots(b.capacity);
    this.seedSource = new SplittableRandom(b.seed);
    for (int k = 0; k < latencyBuckets.length; k++) {
      latencyBuckets[k] = new AtomicLong();
    }
    StringBuilder t = new StringBuilder();
    for (int k = 0; t.length() < tokenChars; k++) {
      t.append(WORDS[k % WORDS.length]).append(' ');
    }
    this.tokenText = t.substring(0, tokenChars);
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
      s.createContext("/", this::handle);
      s.start();
      this.server = s;
      this.port = s.getAddress().getPort();
      if (hangGate.getCount() == 0 && hang) {
        hangGate = new CountDownLatch(1);
      }
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
      hangGate.countDown();
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
    hangGate.countDown();
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------ run-time behaviour

  /** The fixed part of each answer's latency (the time to first token when streaming). */
  public SimServer baseLatency(Duration latency) {
    this.baseLatencyNanos = requireLatency(latency, "baseLatency");
    return this;
  }

  /** The latency added per generated token. */
  public SimServer perTokenLatency(Duration latency) {
    this.perTokenNanos = requireLatency(latency, "perTokenLatency");
    return this;
  }

  /** Multiplies every latency; 1 is normal speed, 5 is five times slower. */
  public SimServer slowdown(double factor) {
    this.slowdown = requireSlowdown(factor);
    return this;
  }

  /** The share of inference requests answered with a 500, between 0 and 1. */
  public SimServer failureRate(double rate) {
    this.failureRate = requireRate(rate);
    return this;
  }

  /**
   * Changes how many requests are processed at once; when it shrinks, requests already running
   * finish and new ones wait until the running count is below the new capacity.
   */
  public SimServer capacity(int capacity) {
    requirePositive(capacity, "capacity");
    synchronized (slots) {
      int delta = capacity - this.capacity;
      if (delta > 0) {
        slots.release(delta);
      } else if (delta < 0) {
        slots.reduce(-delta);
      }
      this.capacity = capacity;
    }
    return this;
  }

  /** Changes how many requests may wait for a slot before new ones get a 503; see {@link Builder#maxQueue(int)}. */
  public SimServer maxQueue(int maxQueue) {
    if (maxQueue < 0) {
      throw new IllegalArgumentException("maxQueue: " + maxQueue + " (expected: >= 0)");
    }
    this.maxQueue = maxQueue;
    return this;
  }

  /** While true, inference requests are accepted and never answered (until turned off or killed). */
  public SimServer hang(boolean hang) {
    this.hang = hang;
    if (hang) {
      if (hangGate.getCount() == 0) {
        hangGate = new CountDownLatch(1);
      }
    } else {
      hangGate.countDown();
    }
    return this;
  }

  /** While true, inference requests get their connection closed without an answer. */
  public SimServer resetConnections(boolean reset) {
    this.resetConnections = reset;
    return this;
  }

  /** While false, the health routes answer 503. */
  public SimServer healthy(boolean healthy) {
    this.healthy = healthy;
    return this;
  }

  // ------------------------------------------------------------------ observations

  /** Inference requests received (health, metadata and metrics requests are not counted). */
  public long requestCount() {
    return received.get();
  }

  /** Inference requests answered successfully. */
  public long successCount() {
    return succeeded.get();
  }

  /** Inference requests being processed now. */
  public int runningCount() {
    return running.get();
  }

  /** Inference requests waiting for a slot now. */
  public int waitingCount() {
    return waiting.get();
  }

  /** The headers of the last inference request received, by lower-case name; empty before any. */
  public Map<String, List<String>> lastRequestHeaders() {
    return lastRequestHeaders;
  }

  /** The W3C {@code traceparent} of every inference request that carried one, oldest first. */
  public List<String> receivedTraceparents() {
    return List.copyOf(traceparents);
  }

  /** The simulated KV-cache use between 0 and 1. */
  public double kvCacheUsage() {
    return kvCacheTokens == 0 ? 0 : Math.min(1.0, kvTokensInUse.get() / (double) kvCacheTokens);
  }

  @Override
  public String toString() {
    return "SimServer{" + name + ", " + protocol.name().toLowerCase(Locale.ROOT) + ", " + baseUrl() + '}';
  }

  // ------------------------------------------------------------------ dispatch

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      if (path.equals("/metrics")) {
        requireGet(ex, method);
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metricsText());
        return;
      }
      if (protocol == Protocol.OPENAI) {
        openai(ex, method, path);
      } else {
        oip(ex, method, path);
      }
    } catch (MethodNotAllowed e) {
      drain(ex);
      sendError(ex, 405, "method " + ex.getRequestMethod() + " is not allowed here");
    } catch (IOException | RuntimeException e) {
      // The client went away or the server was killed; nothing left to answer.
    } finally {
      ex.close();
    }
  }

  private static final class MethodNotAllowed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MethodNotAllowed() {
      super(null, null, false, false);
    }
  }

  private static void requireGet(HttpExchange ex, String method) {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new MethodNotAllowed();
    }
  }

  private static void requirePost(String method) {
    if (!method.equals("POST")) {
      throw new MethodNotAllowed();
    }
  }

  private void openai(HttpExchange ex, String method, String path) throws IOException {
    switch (path) {
      case "/health":
        requireGet(ex, method);
        send(ex, healthy ? 200 : 503, "text/plain", "");
        return;
      case "/v1/models":
        requireGet(ex, method);
        send(ex, 200, "application/json", modelsList());
        return;
      case "/v1/chat/completions":
        requirePost(method);
        infer(ex, Kind.CHAT);
        return;
      case "/v1/completions":
        requirePost(method);
        infer(ex, Kind.COMPLETION);
        return;
      case "/v1/embeddings":
        requirePost(method);
        infer(ex, Kind.EMBEDDING);
        return;
      default:
        drain(ex);
        sendError(ex, 404, "no route " + path);
    }
  }

  private void oip(HttpExchange ex, String method, String path) throws IOException {
    if (path.equals("/v2/health/ready") || path.equals("/v2/health/live")) {
      requireGet(ex, method);
      send(ex, healthy ? 200 : 503, "application/json", "");
      return;
    }
    if (path.equals("/v2") || path.equals("/v2/")) {
      requireGet(ex, method);
      send(ex, 200, "application/json",
          "{\"name\":\"triton\",\"version\":\"2.50.0\",\"extensions\":[\"classification\",\"model_repository\"]}");
      return;
    }
    if (!path.startsWith("/v2/models/")) {
      drain(ex);
      sendError(ex, 404, "no route " + path);
      return;
    }
    // /v2/models/{name}[/versions/{v}][/ready|/infer]
    String[] parts = path.substring("/v2/models/".length()).split("/", -1);
    String modelName = parts[0];
    int k = 1;
    String askedVersion = null;
    if (parts.length > 2 && parts[1].equals("versions")) {
      askedVersion = parts[2];
      k = 3;
    }
    String action = parts.length > k ? parts[k] : "";
    if (parts.length > k + 1 || !(action.isEmpty() || action.equals("ready") || action.equals("infer"))) {
      drain(ex);
      sendError(ex, 404, "no route " + path);
      return;
    }
    if (!modelName.equals(model) || (askedVersion != null && !askedVersion.equals(version))) {
      drain(ex);
      sendError(ex, 404, "Request for unknown model: '" + modelName + "'"
          + (askedVersion == null ? "" : " version " + askedVersion) + " is not found");
      return;
    }
    switch (action) {
      case "":
        requireGet(ex, method);
        send(ex, 200, "application/json", "{\"name\":" + Json.quote(model) + ",\"versions\":[" + Json.quote(version)
            + "],\"platform\":\"simulator\",\"inputs\":[{\"name\":" + Json.quote(inputName)
            + ",\"datatype\":\"FP32\",\"shape\":[-1," + inputWidth + "]}],\"outputs\":[{\"name\":\"output__0\""
            + ",\"datatype\":\"FP32\",\"shape\":[-1]}]}");
        return;
      case "ready":
        requireGet(ex, method);
        send(ex, healthy ? 200 : 503, "application/json", "");
        return;
      default:
        requirePost(method);
        infer(ex, Kind.INFER);
    }
  }

  // ------------------------------------------------------------------ inference

  private enum Kind {
    CHAT,
    COMPLETION,
    EMBEDDING,
    INFER
  }

  /** A parsed and checked inference request. */
  private static final class Job {
    String requestedModel = "";
    @Nullable String adapter;
    boolean stream;
    int promptTokens;
    int outputTokens;
    List<String> embeddingInputs = List.of();
    double[] rowSums = new double[0];
    @Nullable String oipId;
  }

  private void infer(HttpExchange ex, Kind kind) throws IOException {
    received.incrementAndGet();
    Map<String, List<String>> seen = new java.util.TreeMap<>();
    ex.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    lastRequestHeaders = java.util.Collections.unmodifiableMap(seen);
    List<String> traceparent = seen.get("traceparent");
    if (traceparent != null && !traceparent.isEmpty()) {
      traceparents.add(traceparent.get(0));
    }
    byte[] bytes = readBody(ex);
    Job job;
    try {
      Object body = Json.parse(new String(bytes, StandardCharsets.UTF_8));
      if (!(body instanceof Map)) {
        throw new IllegalArgumentException("the body must be a JSON object");
      }
      job = kind == Kind.INFER ? parseInfer(body) : parseOpenAi(kind, body);
    } catch (IllegalArgumentException e) {
      failed.incrementAndGet();
      sendError(ex, 400, e.getMessage() == null ? "invalid request" : e.getMessage());
      return;
    } catch (UnknownModel e) {
      failed.incrementAndGet();
      sendError(ex, 404, e.getMessage());
      return;
    }
    if (resetConnections) {
      failed.incrementAndGet();
      return; // handle() closes the exchange before any header: the client sees the connection drop
    }
    if (failureRate > 0 && nextDouble() < failureRate) {
      failed.incrementAndGet();
      sendError(ex, 500, "simulated internal error");
      return;
    }
    long start = System.nanoTime();
    long kv = (long) job.promptTokens + job.outputTokens;
    if (!slots.tryAcquire()) {
      if (waiting.get() >= maxQueue) {
        failed.incrementAndGet();
        ex.getResponseHeaders().set("Retry-After", "1");
        sendError(ex, 503, "the server is overloaded (" + waiting.get() + " requests waiting)");
        return;
      }
      waiting.incrementAndGet();
      count(waitingAdapters, job.adapter, 1);
      boolean admitted = false;
      try {
        slots.acquire();
        admitted = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        waiting.decrementAndGet();
        count(waitingAdapters, job.adapter, -1);
      }
      if (!admitted) {
        return;
      }
    }
    running.incrementAndGet();
    count(runningAdapters, job.adapter, 1);
    kvTokensInUse.addAndGet(kv);
    try {
      if (hang) {
        awaitUnhang();
        if (!isRunning()) {
          return;
        }
      }
      if (kind != Kind.INFER && job.stream) {
        streamText(ex, kind, job, start);
      } else {
        long latency = scaled(baseLatencyNanos) + (kind == Kind.CHAT || kind == Kind.COMPLETION
            ? scaled(perTokenNanos) * job.outputTokens : 0);
        pause(latency);
        String answer = kind == Kind.EMBEDDING ? embeddingAnswer(job)
            : kind == Kind.INFER ? inferAnswer(job) : textAnswer(kind, job);
        // Counted before the answer leaves, so that a client that got it sees it counted.
        recordSuccess(kind, job, start);
        send(ex, 200, "application/json", answer);
      }
    } finally {
      kvTokensInUse.addAndGet(-kv);
      count(runningAdapters, job.adapter, -1);
      running.decrementAndGet();
      slots.release();
    }
  }

  private static final class UnknownModel extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownModel(String message) {
      super(message, null, false, false);
    }
  }

  private Job parseOpenAi(Kind kind, Object body) throws UnknownModel {
    Job job = new Job();
    Object m = Json.member(body, "model");
    if (m != null && !(m instanceof String)) {
      throw new IllegalArgumentException("'model' must be a string");
    }
    job.requestedModel = m == null ? model : (String) m;
    if (!job.requestedModel.equals(model)) {
      if (!adapters.contains(job.requestedModel)) {
        throw new UnknownModel("The model `" + job.requestedModel + "` does not exist.");
      }
      job.adapter = job.requestedModel;
    }
    int chars = 0;
    if (kind == Kind.CHAT) {
      Object messages = Json.member(body, "messages");
      if (!(messages instanceof List) || ((List<?>) messages).isEmpty()) {
        throw new IllegalArgumentException("'messages' must be a non-empty array");
      }
      for (Object msg : (List<?>) messages) {
        Object content = Json.member(msg, "content");
        if (content instanceof String) {
          chars += ((String) content).length();
        } else if (content instanceof List) {
          for (Object part : (List<?>) content) {
            Object text = Json.member(part, "text");
            chars += text instanceof String ? ((String) text).length() : 0;
          }
        }
      }
    } else if (kind == Kind.COMPLETION) {
      Object prompt = Json.member(body, "prompt");
      if (prompt instanceof String) {
        chars = ((String) prompt).length();
      } else if (prompt instanceof List) {
        for (Object p : (List<?>) prompt) {
          chars += p instanceof String ? ((String) p).length() : 4;
        }
      } else {
        throw new IllegalArgumentException("'prompt' must be a string or an array");
      }
    } else {
      Object input = Json.member(body, "input");
      List<String> inputs = new ArrayList<>();
      if (input instanceof String) {
        inputs.add((String) input);
      } else if (input instanceof List && !((List<?>) input).isEmpty()) {
        for (Object p : (List<?>) input) {
          inputs.add(String.valueOf(p));
        }
      } else {
        throw new IllegalArgumentException("'input' must be a string or a non-empty array");
      }
      for (String s : inputs) {
        job.promptTokens += Math.max(1, (s.length() + 3) / 4);
      }
      job.embeddingInputs = inputs;
    }
    if (job.promptTokens == 0) {
      job.promptTokens = Math.max(1, (chars + 3) / 4);
    }
    Object max = Json.member(body, "max_completion_tokens");
    if (max == null) {
      max = Json.member(body, "max_tokens");
    }
    if (max != null) {
      if (!(max instanceof Double) || (Double) max < 1 || (Double) max > 10_000_000) {
        throw new IllegalArgumentException("'max_tokens' must be a positive integer");
      }
      job.outputTokens = (int) (double) (Double) max;
    } else {
      job.outputTokens = outputTokens;
    }
    job.stream = Boolean.TRUE.equals(Json.member(body, "stream"));
    return job;
  }

  private Job parseInfer(Object body) {
    Job job = new Job();
    Object id = Json.member(body, "id");
    job.oipId = id instanceof String ? (String) id : null;
    Object inputs = Json.member(body, "inputs");
    if (!(inputs instanceof List) || ((List<?>) inputs).isEmpty()) {
      throw new IllegalArgumentException("'inputs' must be a non-empty array");
    }
    Object tensor = null;
    for (Object t : (List<?>) inputs) {
      if (inputName.equals(Json.member(t, "name"))) {
        tensor = t;
      }
    }
    if (tensor == null) {
      throw new IllegalArgumentException("expected input '" + inputName + "'");
    }
    Object shape = Json.member(tensor, "shape");
    if (!(shape instanceof List) || ((List<?>) shape).size() != 2) {
      throw new IllegalArgumentException("input '" + inputName + "' must have shape [-1, " + inputWidth + "]");
    }
    List<?> dims = (List<?>) shape;
    if (!(dims.get(0) instanceof Double) || !(dims.get(1) instanceof Double)
        || (Double) dims.get(0) < 0 || (Double) dims.get(1) != inputWidth) {
      throw new IllegalArgumentException("input '" + inputName + "' has shape " + shapeText(dims) + " (expected: [-1, " + inputWidth + "])");
    }
    int rows = (int) (double) (Double) dims.get(0);
    Object datatype = Json.member(tensor, "datatype");
    if (!(datatype instanceof String) || !isNumeric((String) datatype)) {
      throw new IllegalArgumentException("input '" + inputName + "' has datatype " + datatype + " (expected: FP32)");
    }
    List<Double> flat = new ArrayList<>(rows * inputWidth);
    flatten(Json.member(tensor, "data"), flat, 0);
    if (flat.size() != rows * inputWidth) {
      throw new IllegalArgumentException("input '" + inputName + "' has " + flat.size() + " values (expected: "
          + rows * inputWidth + " for shape [" + rows + ", " + inputWidth + "])");
    }
    job.rowSums = new double[rows];
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int c = 0; c < inputWidth; c++) {
        sum += flat.get(r * inputWidth + c);
      }
      job.rowSums[r] = (float) sum;
    }
    job.promptTokens = rows;
    return job;
  }

  private static String shapeText(List<?> dims) {
    StringBuilder sb = new StringBuilder("[");
    for (Object d : dims) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(d instanceof Double && (Double) d == Math.rint((Double) d) ? String.valueOf((long) (double) (Double) d) : String.valueOf(d));
    }
    return sb.append(']').toString();
  }

  private static boolean isNumeric(String datatype) {
    switch (datatype) {
      case "FP32":
      case "FP64":
      case "FP16":
      case "INT8":
      case "INT16":
      case "INT32":
      case "INT64":
        return true;
      default:
        return false;
    }
  }

  private static void flatten(@Nullable Object data, List<Double> out, int depth) {
    if (data instanceof Double) {
      out.add((Double) data);
    } else if (data instanceof List && depth < 8) {
      for (Object o : (List<?>) data) {
        flatten(o, out, depth + 1);
      }
    } else {
      throw new IllegalArgumentException("'data' must hold numbers only");
    }
  }

  private void recordSuccess(Kind kind, Job job, long start) {
    succeeded.incrementAndGet();
    promptTokensTotal.addAndGet(job.promptTokens);
    generationTokensTotal.addAndGet(kind == Kind.CHAT || kind == Kind.COMPLETION ? job.outputTokens : 0);
    observeLatency(System.nanoTime() - start);
  }

  private void streamText(HttpExchange ex, Kind kind, Job job, long start) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    String id = (kind == Kind.CHAT ? "chatcmpl-" : "cmpl-") + ids.incrementAndGet();
    long created = System.currentTimeMillis() / 1000;
    String object = kind == Kind.CHAT ? "chat.completion.chunk" : "text_completion";
    String head = "data: {\"id\":\"" + id + "\",\"object\":\"" + object + "\",\"created\":" + created
        + ",\"model\":" + Json.quote(job.requestedModel) + ",\"choices\":";
    pause(scaled(baseLatencyNanos));
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    String quotedToken = null;
    for (int t = 0; t < job.outputTokens; t++) {
      if (t > 0) {
        pause(scaled(perTokenNanos));
      }
      if (!isRunning()) {
        throw new IOException("killed");
      }
      String token = token(t);
      String q = tokenChars > 16 ? (quotedToken == null ? (quotedToken = Json.quote(token)) : quotedToken) : Json.quote(token);
      String choice = kind == Kind.CHAT
          ? "[{\"index\":0,\"delta\":{" + (t == 0 ? "\"role\":\"assistant\"," : "") + "\"content\":" + q
              + "},\"logprobs\":null,\"finish_reason\":null}]"
          : "[{\"index\":0,\"text\":" + q + ",\"logprobs\":null,\"finish_reason\":null}]";
      out.write((head + choice + "}\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
    String last = kind == Kind.CHAT
        ? "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]"
        : "[{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"length\"}]";
    recordSuccess(kind, job, start);
    out.write((head + last + "}\n\n").getBytes(StandardCharsets.UTF_8));
    // Always, as if the client had asked with stream_options.include_usage: the router reads it.
    out.write((head + "[],\"usage\":" + usage(job.promptTokens, job.outputTokens) + "}\n\n")
        .getBytes(StandardCharsets.UTF_8));
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    out.close();
  }

  private String token(int t) {
    return tokenChars > 16 ? tokenText : WORDS[t % WORDS.length] + ' ';
  }

  private String textAnswer(Kind kind, Job job) {
    StringBuilder text = new StringBuilder();
    for (int t = 0; t < job.outputTokens; t++) {
      text.append(token(t));
    }
    String q = Json.quote(text.toString());
    long created = System.currentTimeMillis() / 1000;
    if (kind == Kind.CHAT) {
      return "{\"id\":\"chatcmpl-" + ids.incrementAndGet() + "\",\"object\":\"chat.completion\",\"created\":" + created
          + ",\"model\":" + Json.quote(job.requestedModel) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":" + q + "},\"logprobs\":null,\"finish_reason\":\"length\"}],\"usage\":"
          + usage(job.promptTokens, job.outputTokens) + "}";
    }
    return "{\"id\":\"cmpl-" + ids.incrementAndGet() + "\",\"object\":\"text_completion\",\"created\":" + created
        + ",\"model\":" + Json.quote(job.requestedModel) + ",\"choices\":[{\"index\":0,\"text\":" + q
        + ",\"logprobs\":null,\"finish_reason\":\"length\"}],\"usage\":" + usage(job.promptTokens, job.outputTokens) + "}";
  }

  private static String usage(int prompt, int completion) {
    return "{\"prompt_tokens\":" + prompt + ",\"total_tokens\":" + (prompt + completion)
        + ",\"completion_tokens\":" + completion + "}";
  }

  private String embeddingAnswer(Job job) {
    StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
    for (int k = 0; k < job.embeddingInputs.size(); k++) {
      if (k > 0) {
        sb.append(',');
      }
      sb.append("{\"object\":\"embedding\",\"index\":").append(k).append(",\"embedding\":[");
      SplittableRandom r = new SplittableRandom(job.embeddingInputs.get(k).hashCode());
      double[] v = new double[embeddingDimensions];
      double norm = 0;
      for (int d = 0; d < v.length; d++) {
        v[d] = r.nextDouble(-1, 1);
        norm += v[d] * v[d];
      }
      norm = Math.sqrt(norm);
      for (int d = 0; d < v.length; d++) {
        if (d > 0) {
          sb.append(',');
        }
        sb.append((float) (v[d] / norm));
      }
      sb.append("]}");
    }
    return sb.append("],\"model\":").append(Json.quote(job.requestedModel))
        .append(",\"usage\":{\"prompt_tokens\":").append(job.promptTokens)
        .append(",\"total_tokens\":").append(job.promptTokens).append("}}").toString();
  }

  private String inferAnswer(Job job) {
    StringBuilder sb = new StringBuilder("{\"model_name\":").append(Json.quote(model))
        .append(",\"model_version\":").append(Json.quote(version));
    if (job.oipId != null) {
      sb.append(",\"id\":").append(Json.quote(job.oipId));
    }
    sb.append(",\"outputs\":[{\"name\":\"output__0\",\"datatype\":\"FP32\",\"shape\":[")
        .append(job.rowSums.length).append("],\"data\":[");
    for (int r = 0; r < job.rowSums.length; r++) {
      if (r > 0) {
        sb.append(',');
      }
      sb.append((float) job.rowSums[r]);
    }
    return sb.append("]}]}").toString();
  }

  private String modelsList() {
    long created = System.currentTimeMillis() / 1000;
    StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
    sb.append("{\"id\":").append(Json.quote(model)).append(",\"object\":\"model\",\"created\":").append(created)
        .append(",\"owned_by\":\"vllm\",\"root\":").append(Json.quote(model)).append(",\"parent\":null}");
    for (String a : new TreeSet<>(adapters)) {
      sb.append(",{\"id\":").append(Json.quote(a)).append(",\"object\":\"model\",\"created\":").append(created)
          .append(",\"owned_by\":\"vllm\",\"root\":").append(Json.quote(a)).append(",\"parent\":")
          .append(Json.quote(model)).append('}');
    }
    return sb.append("]}").toString();
  }

  // ------------------------------------------------------------------ metrics

  private String metricsText() {
    StringBuilder sb = new StringBuilder(2048);
    int run = running.get();
    int wait = waiting.get();
    double kv = kvCacheUsage();
    if (protocol == Protocol.OPENAI) {
      String labels = "{engine=\"0\",model_name=" + Json.quote(model) + "}";
      gauge(sb, "vllm:num_requests_running", "Number of requests in model execution batches.", labels, run);
      gauge(sb, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", labels, wait);
      gauge(sb, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", labels, kv);
      gauge(sb, "vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.", labels, kv);
      sb.append("# HELP vllm:lora_requests_info Running stats on lora requests.\n")
          .append("# TYPE vllm:lora_requests_info gauge\n")
          .append("vllm:lora_requests_info{max_lora=\"").append(maxLoras)
          .append("\",running_lora_adapters=\"").append(names(runningAdapters))
          .append("\",waiting_lora_adapters=\"").append(names(waitingAdapters)).append("\"} ")
          .append(System.currentTimeMillis() / 1000.0).append('\n');
      counter(sb, "vllm:request_success_total", "Count of successfully processed requests.",
          "{engine=\"0\",finished_reason=\"length\",model_name=" + Json.quote(model) + "}", succeeded.get());
      counter(sb, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", labels, promptTokensTotal.get());
      counter(sb, "vllm:generation_tokens_total", "Number of generation tokens processed.", labels,
          generationTokensTotal.get());
      histogram(sb, "vllm:e2e_request_latency_seconds", "Histogram of end to end request latency in seconds.",
          "engine=\"0\",model_name=" + Json.quote(model));
    } else {
      String labels = "{model=" + Json.quote(model) + ",version=" + Json.quote(version) + "}";
      gauge(sb, "nv_inference_pending_request_count", "Instantaneous number of pending requests awaiting execution per-model.",
          labels, wait);
      counter(sb, "nv_inference_request_success", "Number of successful inference requests, all batch sizes", labels,
          succeeded.get());
      counter(sb, "nv_inference_request_failure", "Number of failed inference requests, all batch sizes", labels,
          failed.get());
      sb.append("# HELP nv_trt_llm_request_metrics TRT LLM request metrics\n")
          .append("# TYPE nv_trt_llm_request_metrics gauge\n");
      String ml = ",model=" + Json.quote(model) + ",version=" + Json.quote(version) + "}";
      sample(sb, "nv_trt_llm_request_metrics{request_type=\"waiting\"" + ml, wait);
      sample(sb, "nv_trt_llm_request_metrics{request_type=\"scheduled\"" + ml, run);
      sample(sb, "nv_trt_llm_request_metrics{request_type=\"active\"" + ml, run + wait);
      sample(sb, "nv_trt_llm_request_metrics{request_type=\"max\"" + ml, capacity);
      int maxBlocks = Math.max(1, kvCacheTokens / 64);
      int used = (int) Math.round(kv * maxBlocks);
      sb.append("# HELP nv_trt_llm_kv_cache_block_metrics TRT LLM KV cache block metrics\n")
          .append("# TYPE nv_trt_llm_kv_cache_block_metrics gauge\n");
      sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"tokens_per\"" + ml, 64);
      sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"used\"" + ml, used);
      sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"free\"" + ml, maxBlocks - used);
      sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"max\"" + ml, maxBlocks);
      sample(sb, "nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type=\"fraction\"" + ml, kv);
    }
    return sb.toString();
  }

  private static void gauge(StringBuilder sb, String metric, String help, String labels, double value) {
    sb.append("# HELP ").append(metric).append(' ').append(help).append('\n')
        .append("# TYPE ").append(metric).append(" gauge\n");
    sample(sb, metric + labels, value);
  }

  private static void counter(StringBuilder sb, String metric, String help, String labels, double value) {
    sb.append("# HELP ").append(metric).append(' ').append(help).append('\n')
        .append("# TYPE ").append(metric).append(" counter\n");
    sample(sb, metric + labels, value);
  }

  private static void sample(StringBuilder sb, String series, double value) {
    sb.append(series).append(' ').append(value).append('\n');
  }

  private void histogram(StringBuilder sb, String metric, String help, String labels) {
    sb.append("# HELP ").append(metric).append(' ').append(help).append('\n')
        .append("# TYPE ").append(metric).append(" histogram\n");
    long cumulative = 0;
    for (int k = 0; k < LATENCY_BUCKETS.length; k++) {
      cumulative += latencyBuckets[k].get();
      sample(sb, metric + "_bucket{" + labels + ",le=\"" + LATENCY_BUCKETS[k] + "\"}", cumulative);
    }
    cumulative += latencyBuckets[LATENCY_BUCKETS.length].get();
    sample(sb, metric + "_bucket{" + labels + ",le=\"+Inf\"}", cumulative);
    sample(sb, metric + "_sum{" + labels + "}", latencySumMicros.get() / 1e6);
    sample(sb, metric + "_count{" + labels + "}", cumulative);
  }

  private void observeLatency(long nanos) {
    double seconds = nanos / 1e9;
    int k = 0;
    while (k < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[k]) {
      k++;
    }
    latencyBuckets[k].incrementAndGet();
    latencySumMicros.addAndGet(nanos / 1000);
  }

  private static String names(Map<String, AtomicInteger> counts) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, AtomicInteger> e : new java.util.TreeMap<>(counts).entrySet()) {
      if (e.getValue().get() > 0) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(e.getKey());
      }
    }
    return sb.toString();
  }

  private static void count(Map<String, AtomicInteger> counts, @Nullable String adapter, int delta) {
    if (adapter != null) {
      counts.computeIfAbsent(adapter, a -> new AtomicInteger()).addAndGet(delta);
    }
  }

  // ------------------------------------------------------------------ plumbing

  private double nextDouble() {
    synchronized (seedSource) {
      return seedSource.nextDouble();
    }
  }

  private long scaled(long nanos) {
    return (long) (nanos * slowdown);
  }

  private void pause(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos; left > 0 && isRunning(); left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(Math.min(left, 50_000_000L));
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  private void awaitUnhang() {
    try {
      while (hang && isRunning()) {
        hangGate.await(100, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  private static void drain(HttpExchange ex) {
    try (InputStream in = ex.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // nothing to drain
    }
  }

  private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!contentType.isEmpty()) {
      ex.getResponseHeaders().set("Content-Type", contentType);
    }
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head || bytes.length == 0 ? -1 : bytes.length);
    if (!head && bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private void sendError(HttpExchange ex, int status, String message) throws IOException {
    if (protocol == Protocol.OIP) {
      send(ex, status, "application/json", "{\"error\":" + Json.quote(message) + "}");
      return;
    }
    String type = status == 404 ? "NotFoundError" : status == 400 ? "BadRequestError"
        : status == 405 ? "MethodNotAllowed" : status == 503 ? "ServiceUnavailableError" : "InternalServerError";
    send(ex, status, "application/json", "{\"error\":{\"message\":" + Json.quote(message) + ",\"type\":\"" + type
        + "\",\"param\":null,\"code\":" + status + "}}");
  }

  private static long requireLatency(Duration latency, String what) {
    Objects.requireNonNull(latency, what);
    if (latency.isNegative()) {
      throw new IllegalArgumentException(what + ": " + latency + " (expected: >= 0)");
    }
    return latency.toNanos();
  }

  private static double requireRate(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("failureRate: " + rate + " (expected: 0..1)");
    }
    return rate;
  }

  private static double requireSlowdown(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("slowdown: " + factor + " (expected: a finite number > 0)");
    }
    return factor;
  }

  private static int requirePositive(int value, String what) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + ": " + value + " (expected: > 0)");
    }
    return value;
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
      this.maxLoras = requirePositive(maxLoras, "maxLoras");
      return this;
    }

    /** The fixed part of each answer's latency (time to first token when streaming); 0 by default. */
    public Builder baseLatency(Duration latency) {
      requireLatency(latency, "baseLatency");
      this.baseLatency = latency;
      return this;
    }

    /** The latency per generated token; 0 by default. */
    public Builder perTokenLatency(Duration latency) {
      requireLatency(latency, "perTokenLatency");
      this.perTokenLatency = latency;
      return this;
    }

    /** Multiplies every latency; 1 by default. */
    public Builder slowdown(double factor) {
      this.slowdown = requireSlowdown(factor);
      return this;
    }

    /** The share of inference requests answered with a 500; 0 by default. */
    public Builder failureRate(double rate) {
      this.failureRate = requireRate(rate);
      return this;
    }

    /** Requests processed at once; the rest wait in the queue. 64 by default. */
    public Builder capacity(int capacity) {
      this.capacity = requirePositive(capacity, "capacity");
      return this;
    }

    /**
     * Requests that may wait for a busy slot before new ones get a 503 with {@code Retry-After};
     * unlimited by default, 0 to refuse whenever every slot is busy.
     */
    public Builder maxQueue(int maxQueue) {
      if (maxQueue < 0) {
        throw new IllegalArgumentException("maxQueue: " + maxQueue + " (expected: >= 0)");
      }
      this.maxQueue = maxQueue;
      return this;
    }

    /** The simulated KV-cache size in tokens (prompt plus output of running requests); 65,536 by default. */
    public Builder kvCacheTokens(int tokens) {
      this.kvCacheTokens = requirePositive(tokens, "kvCacheTokens");
      return this;
    }

    /** Tokens generated when the request sets no {@code max_tokens}; 16 by default. */
    public Builder outputTokens(int tokens) {
      this.outputTokens = requirePositive(tokens, "outputTokens");
      return this;
    }

    /**
     * Characters of text per generated token; 6 by default. Large values make large responses
     * (a 64 KiB token and {@code max_tokens: 1600} stream about 100 MB).
     */
    public Builder tokenChars(int chars) {
      this.tokenChars = requirePositive(chars, "tokenChars");
      return this;
    }

    /** The length of embedding vectors; 16 by default. */
    public Builder embeddingDimensions(int dimensions) {
      this.embeddingDimensions = requirePositive(dimensions, "embeddingDimensions");
      return this;
    }

    /** The OIP input tensor's name ({@code input__0}) and row width (4) of its {@code [-1, width]} shape. */
    public Builder input(String name, int width) {
      Objects.requireNonNull(name, "name");
      this.inputName = name;
      this.inputWidth = requirePositive(width, "width");
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
