package io.modelrouter.benchmarks.payload;

import io.modelrouter.Rejection;
import io.modelrouter.RouteRequest;
import io.modelrouter.payload.JtokkitTokenCounter;
import io.modelrouter.payload.ParseResult;
import io.modelrouter.payload.Payload;
import io.modelrouter.payload.PayloadParser;
import io.modelrouter.payload.RequestHeaders;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.TensorSpec;
import io.modelrouter.schema.SchemaValidator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parse + validate of a typical 2 KB chat request, a 200 KB one, and an Open Inference Protocol
 * request carrying a 4 x 1,000 FP32 tensor. Baselines in the same run: Jackson building the tree
 * of the same bytes (what a tree-based parser pays before it has looked at anything), and the
 * parser with jtokkit's exact {@code cl100k_base} counting instead of the estimate.
 *
 * <pre>
 * java -jar router-benchmarks/target/benchmarks.jar PayloadBenchmark -f 1 -wi 5 -w 1s -i 5 -r 1s -prof gc
 * </pre>
 *
 * <p>{@code *ParseValidate} parse and then run {@link SchemaValidator} against a model version
 * with an input JSON Schema (chat) or a tensor signature (OIP); a valid body passes the schema's
 * streaming check without a tree, {@code chat2kParseValidateTree} is the tree and networknt path
 * that invalid bodies (and schemas the streaming check does not cover) take.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PayloadBenchmark {

  static final String CHAT_SCHEMA = "{\"type\":\"object\",\"required\":[\"model\",\"messages\"],"
      + "\"properties\":{\"model\":{\"type\":\"string\"},\"stream\":{\"type\":\"boolean\"},"
      + "\"max_tokens\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":8192},"
      + "\"temperature\":{\"type\":\"number\",\"minimum\":0,\"maximum\":2},"
      + "\"messages\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":256,\"items\":{\"type\":\"object\","
      + "\"required\":[\"role\",\"content\"],\"properties\":{\"role\":{\"enum\":[\"system\",\"user\",\"assistant\"]},"
      + "\"content\":{\"type\":\"string\",\"maxLength\":1000000}}}}}}";

  private static final String WORDS = "the router sends each request to the endpoint that already holds its prefix ";

  private final PayloadParser parser = PayloadParser.ofDefaults();
  private final PayloadParser exactParser =
      PayloadParser.builder().tokenCounter(JtokkitTokenCounter.of("cl100k_base")).build();
  private final SchemaValidator validator = SchemaValidator.create();
  private final ObjectMapper jackson = JsonMapper.builder().build();
  private final RequestHeaders headers = RequestHeaders.of(Map.of(
      "content-type", "application/json", "x-slo-ttft-ms", "500", "x-session-token", "user-1234"));
  private final ModelSpec chatSpec = ModelSpec.builder("chat", "1").inputSchema(CHAT_SCHEMA).build();
  private final ModelSpec oipSpec = ModelSpec.builder("resnet", "1")
      .inputs(List.of(TensorSpec.of("input", "FP32", -1, 1000))).build();

  private byte[] chat2k = new byte[0];
  private RouteRequest chat2kTree = RouteRequest.of("chat");
  private RouteRequest chat2kParsed = RouteRequest.of("chat");
  private byte[] chat200k = new byte[0];
  private byte[] oip4x1000 = new byte[0];

  @Setup
  public void setUp() {
    chat2k = chat(2 * 1024);
    chat200k = chat(200 * 1024);
    StringBuilder sb = new StringBuilder("{\"id\":\"bench\",\"inputs\":[{\"name\":\"input\",\"shape\":[4,1000],\"datatype\":\"FP32\",\"data\":[");
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    for (int i = 0; i < 4000; i++) {
      sb.append(i == 0 ? "" : ",").append((float) random.nextDouble(-1, 1));
    }
    chat2kTree = RouteRequest.builder("chat").payload(jackson.readTree(chat2k)).build();
    chat2kParsed = parser.parse("POST", "/v1/chat/completions", headers, chat2k).request();
    oip4x1000 = sb.append("]}],\"outputs\":[{\"name\":\"probs\"}]}").toString().getBytes(StandardCharsets.UTF_8);
    // Fail fast if the fixtures stopped being valid.
    for (Object r : new Object[] {chat2kParseValidate(), chat200kParseValidate(), oip4x1000ParseValidate()}) {
      if (!(r instanceof RouteRequest)) {
        throw new IllegalStateException("fixture rejected: " + r);
      }
    }
  }

  /** A chat request of about {@code size} bytes: a system prompt and alternating turns (about 50 for 200 KB). */
  static byte[] chat(int size) {
    int perTurn = Math.max(400, size / 50);
    StringBuilder sb = new StringBuilder("{\"model\":\"chat\",\"stream\":true,\"max_tokens\":512,\"temperature\":0.7,\"messages\":[")
        .append("{\"role\":\"system\",\"content\":\"You are a helpful assistant. Answer briefly and cite sources.\"}");
    int turn = 0;
    while (sb.length() < size - 200) {
      sb.append(",{\"role\":\"").append(turn % 2 == 0 ? "user" : "assistant").append("\",\"content\":\"");
      int target = Math.min(sb.length() + perTurn, size - 60);
      while (sb.length() < target) {
        sb.append(WORDS);
      }
      sb.append("\"}");
      turn++;
    }
    if (turn % 2 == 0) {
      sb.append(",{\"role\":\"user\",\"content\":\"and now?\"}");
    }
    return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private Object parseValidate(PayloadParser p, byte[] body, String path, ModelSpec spec) {
    ParseResult parsed = p.parse("POST", path, headers, body);
    if (!parsed.isRequest()) {
      return parsed.rejection();
    }
    RouteRequest request = parsed.request();
    @Nullable Rejection invalid = validator.validate(spec, request);
    return invalid != null ? invalid : request;
  }

  @Benchmark
  public Object chat2kParseOnly() {
    return parser.parse("POST", "/v1/chat/completions", headers, chat2k).request();
  }

  @Benchmark
  public Object chat2kParseValidate() {
    return parseValidate(parser, chat2k, "/v1/chat/completions", chatSpec);
  }

  /**
   * Parse, then the JSON Schema check the way it ran before the streaming check: build the body's
   * tree and evaluate it with networknt (what an invalid body, or a schema the streaming check does
   * not cover, still costs).
   */
  @Benchmark
  public Object chat2kParseValidateTree() {
    ParseResult parsed = parser.parse("POST", "/v1/chat/completions", headers, chat2k);
    JsonNode tree = ((Payload) parsed.request().payload()).json();
    @Nullable Rejection invalid = validator.validate(chatSpec, RouteRequest.builder("chat").payload(tree).build());
    return invalid != null ? invalid : tree;
  }

  /** The JSON Schema check alone, with networknt on a tree built beforehand. */
  @Benchmark
  public @Nullable Rejection chat2kSchemaOnly() {
    return validator.validate(chatSpec, chat2kTree);
  }

  /** The JSON Schema check alone, on a parsed request: the streaming check over its bytes. */
  @Benchmark
  public @Nullable Rejection chat2kSchemaOnlyStreaming() {
    return validator.validate(chatSpec, chat2kParsed);
  }

  @Benchmark
  public Object chat2kParseExactTokens() {
    return exactParser.parse("POST", "/v1/chat/completions", headers, chat2k).request();
  }

  @Benchmark
  public JsonNode chat2kJacksonTreeBaseline() {
    return jackson.readTree(chat2k);
  }

  @Benchmark
  public Object chat200kParseOnly() {
    return parser.parse("POST", "/v1/chat/completions", headers, chat200k).request();
  }

  @Benchmark
  public Object chat200kParseValidate() {
    return parseValidate(parser, chat200k, "/v1/chat/completions", chatSpec);
  }

  @Benchmark
  public Object chat200kParseExactTokens() {
    return exactParser.parse("POST", "/v1/chat/completions", headers, chat200k).request();
  }

  @Benchmark
  public JsonNode chat200kJacksonTreeBaseline() {
    return jackson.readTree(chat200k);
  }

  @Benchmark
  public Object oip4x1000ParseValidate() {
    return parseValidate(parser, oip4x1000, "/v2/models/resnet/infer", oipSpec);
  }

  @Benchmark
  public JsonNode oip4x1000JacksonTreeBaseline() {
    return jackson.readTree(oip4x1000);
  }
}
