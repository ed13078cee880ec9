package io.modelrouter.payload;

import io.modelrouter.Operation;
import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.RouteRequest;
import io.modelrouter.VersionSelector;
import io.modelrouter.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one HTTP inference request into a {@link RouteRequest}, or into the {@link Rejection} to
 * answer with. It understands
 *
 * <ul>
 *   <li>the OpenAI-compatible API: {@code POST /v1/chat/completions}, {@code /v1/completions},
 *       {@code /v1/embeddings} (also without {@code /v1}): model, stream flag,
 *       {@code max_completion_tokens}/{@code max_tokens}, message count, a prompt token estimate
 *       ({@link TokenCounter}), tool, vision and audio use (as the capabilities {@code tools},
 *       {@code vision}, {@code audio}), and the prefix hash for cache affinity: a hash of the
 *       messages up to and including the first user turn (of a completion's first prompt), cut at
 *       {@link Builder#prefixChars(int) prefixChars} characters; and the prompt's block-hash chain
 *       for prefix-cache-aware routing (every message, in 256-character blocks, up to {@link
 *       Builder#maxPrefixBlocks(int) maxPrefixBlocks});
 *   <li>the Open Inference Protocol v2: {@code POST /v2/models/{name}[/versions/{version}]/infer}:
 *       model and version from the path, the input tensors' names, datatypes and shapes from the
 *       body, each tensor's data checked against its shape and datatype;
 *   <li>the routing headers listed in {@link RoutingHeaders}.
 * </ul>
 *
 * <p>Hostile input is routine, so {@link #parse} never throws for bad input and never builds more
 * than it must: it reads the body in one streaming pass, with Jackson's read constraints (nesting
 * depth, number and name length), duplicate keys rejected, and strict UTF-8. Bodies over
 * {@link #maxBodyBytes()} are refused before a byte is read. Every refusal is a {@link Rejection}:
 * {@link RejectionReason#INVALID_INPUT} with one {@link io.modelrouter.Violation} per problem (a
 * JSON pointer, what was expected, what was found), {@link RejectionReason#PAYLOAD_TOO_LARGE},
 * {@link RejectionReason#UNSUPPORTED_MEDIA_TYPE} (not {@code application/json}, or a content
 * encoding), or {@link RejectionReason#UNSUPPORTED_OPERATION} (a path or method that is not
 * inference).
 *
 * <p>The parser checks what the protocol requires; what a particular model requires (its JSON
 * Schema, its tensor signature) is checked after the model version is resolved, by the router's
 * {@link io.modelrouter.InputValidator} (see {@code io.modelrouter.schema.SchemaValidator}).
 *
 * <p>Immutable and thread-safe; build one and share it.
 */
public final class PayloadParser {

  /**
   * The largest body accepted: 8 MiB. A 128k-token prompt is about 0.5 MB, a few base64 images a
   * few MB more, a 4 x 1,000 FP32 tensor 40 KB; anything larger is more likely an attack or a
   * mistake than an inference request.
   */
  public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

  /**
   * The deepest nesting of JSON objects and arrays accepted: 64. Chat requests nest about 6
   * levels, tool definitions (JSON Schemas) rarely more than 20; deeper documents only serve to
   * exhaust stacks.
   */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

  /**
   * How many characters of a prompt's beginning the prefix hash covers: 2,048, about 512 tokens,
   * which is 32 KV-cache blocks of 16 tokens. Requests sharing that much of a prefix benefit from
   * landing where it is cached; hashing more would cost time on long prompts and split requests
   * that share the part that matters.
   */
  public static final int DEFAULT_PREFIX_CHARS = 2048;

  /**
   * How many blocks of a prompt's block-hash chain the parser computes: 128 blocks of 256
   * characters, the first 32,768 characters (about 8,000 tokens), enough for a long system prompt
   * and several turns of a conversation; beyond it prompts that share that much are routed alike.
   */
  public static final int DEFAULT_MAX_PREFIX_BLOCKS = 128;

  /** The longest number accepted, in characters: 100; even a float64 written in full needs fewer. */
  static final int MAX_NUMBER_LENGTH = 100;
  /** The longest property name accepted: 1,024 characters. */
  static final int MAX_NAME_LENGTH = 1024;

  private static final String V2_MODELS = "/v2/models/";

  private final int maxBodyBytes;
  private final int prefixChars;
  private final int maxPrefixBlocks;
  /** Null for {@link TokenCounter#approximate()}, computed from character counts in one pass. */
  private final @Nullable TokenCounter tokenCounter;
  /**
   * Creates the streaming parsers straight from the factory: going through a mapper would set up a
   * deserialization context per request that the readers never use.
   */
  private final JsonFactory factory;
  /**
   * Builds {@link Payload#json()} trees: the same limits, but no duplicate-key detection, which
   * the streaming pass already did on the same bytes.
   */
  private final ObjectMapper treeMapper;

  private PayloadParser(Builder b) {
    this.maxBodyBytes = b.maxBodyBytes;
    this.prefixChars = b.prefixChars;
    this.maxPrefixBlocks = b.maxPrefixBlocks;
    this.tokenCounter = b.tokenCounter == TokenCounter.approximate() ? null : b.tokenCounter;
    StreamReadConstraints constraints = StreamReadConstraints.builder()
        .maxNestingDepth(b.maxNestingDepth)
        .maxDocumentLength(b.maxBodyBytes)
        .maxStringLength(b.maxBodyBytes)
        .maxNumberLength(MAX_NUMBER_LENGTH)
        .maxNameLength(MAX_NAME_LENGTH)
        .build();
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(constraints)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        .build();
    this.factory = factory;
    this.treeMapper = JsonMapper.builder(factory.rebuild().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();
  }

  /** A parser with every default. */
  public static PayloadParser ofDefaults() {
    return builder().build();
  }

  /** Starts a parser with the defaults, to change some of them. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The largest body this parser accepts. A gateway should stop reading a body once it is longer
   * and answer {@link RejectionReason#PAYLOAD_TOO_LARGE} ({@link #tooLarge(long)}).
   */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * The rejection for a body longer than {@link #maxBodyBytes()}, for a gateway that stops reading
   * early.
   */
  public Rejection tooLarge(long length) {
    return Rejection.of(RejectionReason.PAYLOAD_TOO_LARGE,
        "request body of " + (length < 0 ? "unknown length" : length + " bytes")
            + " is larger than the limit of " + maxBodyBytes + " bytes");
  }

  /**
   * Parses one request. Never throws for bad input: every problem becomes the result's
   * {@link ParseResult#rejection()}.
   *
   * @param method the HTTP method, such as {@code POST}
   * @param path the request target's path; a query string is ignored
   * @param headers the request headers ({@code Content-Type}, {@code Content-Encoding} and the
   *     {@link RoutingHeaders})
   * @param body the whole body; it becomes {@link Payload#bytes()}, not copied, so nobody may
   *     modify it afterwards
   */
  public ParseResult parse(String method, String path, RequestHeaders headers, byte[] body) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");

    int query = path.indexOf('?');
    String p = query >= 0 ? path.substring(0, query) : path;
    Operation operation = openAiOperation(p);
    Protocol protocol = operation != null ? Protocol.OPENAI : p.startsWith("/v2/") ? Protocol.OIP : Protocol.OPENAI;
    @Nullable String oipModel = null;
    @Nullable String oipVersion = null;
    if (operation == null) {
      String[] target = oipTarget(p);
      if (target == null) {
        return ParseResult.rejected(protocol, Rejection.of(RejectionReason.UNSUPPORTED_OPERATION,
            "'" + clipPath(p) + "' is not an inference path (expected: /v1/chat/completions, /v1/completions, "
                + "/v1/embeddings or /v2/models/{name}[/versions/{version}]/infer)"));
      }
      operation = Operation.INFER;
      oipModel = target[0];
      oipVersion = target[1];
      if (oipModel == null) {
        return ParseResult.rejected(protocol, Rejection.invalidInput(
            "the model name in the path is not valid percent-encoded UTF-8 text",
            List.of(new Violation("", "the model name in the path is not valid",
                "a model name", clipPath(p)))));
      }
    }
    Rejection envelope = checkEnvelope(method, p, headers, body);
    if (envelope != null) {
      return ParseResult.rejected(protocol, envelope);
    }

    Problems problems = new Problems();
    RouteRequest.Builder builder;
    @Nullable OpenAiReader openAi = null;
    try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), body)) {
      try {
        if (protocol == Protocol.OIP) {
          OipReader reader = new OipReader(parser, problems);
          reader.read();
          builder = RouteRequest.builder(Objects.requireNonNull(oipModel))
              .protocol(Protocol.OIP)
              .operation(Operation.INFER)
              .inputs(reader.inputs)
              .payload(new Payload(Protocol.OIP, Operation.INFER, body, reader.inputs.size(), treeMapper));
          if (oipVersion != null) {
            builder.version(VersionSelector.exact(oipVersion));
          }
        } else {
          openAi = new OpenAiReader(parser, operation, problems, tokenCounter, prefixChars, maxPrefixBlocks);
          openAi.read();
          if (!problems.isEmpty()) {
            return ParseResult.rejected(protocol, problems.toRejection());
          }
          builder = RouteRequest.builder(Objects.requireNonNull(openAi.model))
              .protocol(Protocol.OPENAI)
              .operation(operation)
              .stream(openAi.stream)
              .maxOutputTokens(openAi.maxOutputTokens)
              .prefixHash(openAi.prefixHash())
              .prefixBlocks(openAi.prefixBlocks())
              .payload(new Payload(Protocol.OPENAI, operation, body, openAi.messageCount, treeMapper));
          if (openAi.tools || openAi.vision || openAi.audio) {
            builder.capabilities(capabilities(openAi));
          }
        }
      } catch (JacksonException e) {
        return ParseResult.rejected(protocol, syntaxRejection(e, parser));
      }
    } catch (JacksonException e) {
      // Creating or closing a parser over a byte array does no I/O; this is only defensive.
      return ParseResult.rejected(protocol, syntaxRejection(e, null));
    }
    int scan = Utf8.scan(body);
    if (scan < 0) {
      int invalid = -scan - 1;
      String message = "the request body is not valid UTF-8 at byte " + invalid
          + " (an overlong form, a surrogate or a truncated sequence)";
      return ParseResult.rejected(protocol, Rejection.invalidInput(message,
          List.of(new Violation("", message, "valid UTF-8", String.format("byte 0x%02X", body[invalid] & 0xFF)))));
    }
    if (openAi != null) {
      // The built-in estimate takes the body's non-ASCII characters as the prompt's: the rest of
      // a request (names, roles, numbers) is ASCII in practice, and this costs no second pass.
      long tokens = openAi.promptTokens
          + (openAi.promptChars == 0 ? 0 : ApproximateTokenCounter.estimate(openAi.promptChars, Math.min(scan, openAi.promptChars)));
      builder.promptTokens((int) Math.min(tokens, Integer.MAX_VALUE));
    }
    RoutingHeaders.apply(headers, builder, oipVersion != null, problems);
    if (!problems.isEmpty()) {
      return ParseResult.rejected(protocol, problems.toRejection());
    }
    return ParseResult.of(builder.build());
  }

  /**
   * Everything about the request but its JSON: method, size, encoding, content type, and that the
   * body starts as a JSON object. Null when all is well.
   */
  private @Nullable Rejection checkEnvelope(String method, String path, RequestHeaders headers, byte[] body) {
    if (!method.equals("POST")) {
      return Rejection.of(RejectionReason.UNSUPPORTED_OPERATION,
          "method " + RoutingHeaders.clip(method) + " is not allowed on " + clipPath(path) + " (expected: POST)");
    }
    if (body.length > maxBodyBytes) {
      return tooLarge(body.length);
    }
    String encoding = headers.get("content-encoding");
    if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
      return Rejection.of(RejectionReason.UNSUPPORTED_MEDIA_TYPE,
          "content encoding " + RoutingHeaders.clip(encoding) + " is not supported (expected: none; send the body uncompressed)");
    }
    if (body.length == 0) {
      return Rejection.invalidInput("the request body is empty",
          List.of(new Violation("", "the request body is empty", "a JSON object", "nothing")));
    }
    String mediaTypeProblem = mediaTypeProblem(headers.get("content-type"));
    if (mediaTypeProblem != null) {
      return Rejection.of(RejectionReason.UNSUPPORTED_MEDIA_TYPE, mediaTypeProblem);
    }
    String notAnObject = notAnObject(body);
    if (notAnObject != null) {
      return Rejection.invalidInput("the request body must be a JSON object",
          List.of(new Violation("", "the request body must be a JSON object", "a JSON object in UTF-8", notAnObject)));
    }
    return null;
  }

  private static Set<String> capabilities(OpenAiReader reader) {
    Set<String> set = new HashSet<>(4);
    if (reader.tools) {
      set.add("tools");
    }
    if (reader.vision) {
      set.add("vision");
    }
    if (reader.audio) {
      set.add("audio");
    }
    return set;
  }

  private static @Nullable Operation openAiOperation(String path) {
    switch (path) {
      case "/v1/chat/completions":
      case "/v1/chat/completions/":
      case "/chat/completions":
      case "/chat/completions/":
        return Operation.CHAT;
      case "/v1/completions":
      case "/v1/completions/":
      case "/completions":
      case "/completions/":
        return Operation.COMPLETION;
      case "/v1/embeddings":
      case "/v1/embeddings/":
      case "/embeddings":
      case "/embeddings/":
        return Operation.EMBEDDING;
      default:
        return null;
    }
  }

  /**
   * {@code {model, version}} from {@code /v2/models/{model}[/versions/{version}]/infer}; null when
   * the path is not that; a null model when its percent-encoding is broken.
   */
  private static String @Nullable [] oipTarget(String path) {
    if (!path.startsWith(V2_MODELS) || !path.endsWith("/infer")) {
      return null;
    }
    String middle = path.substring(V2_MODELS.length(), path.length() - "/infer".length());
    String[] parts = middle.split("/", -1);
    if (parts.length == 1 && !parts[0].isEmpty()) {
      return new String[] {decode(parts[0]), null};
    }
    if (parts.length == 3 && parts[1].equals("versions") && !parts[0].isEmpty() && !parts[2].isEmpty()) {
      String model = decode(parts[0]);
      String version = decode(parts[2]);
      return new String[] {version == null ? null : model, version};
    }
    return null;
  }

  /** Percent-decodes a path segment as UTF-8; null when malformed, blank, or containing a control character. */
  static @Nullable String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment.isBlank() ? null : segment;
    }
    byte[] out = new byte[segment.length()];
    int n = 0;
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          return null;
        }
        int hi = Character.digit(segment.charAt(i + 1), 16);
        int lo = Character.digit(segment.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out[n++] = (byte) (hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        out[n++] = (byte) c;
      } else {
        return null;
      }
    }
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(out, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i)) || s.charAt(i) == '/') {
        return null;
      }
    }
    return s.isBlank() ? null : s;
  }

  /**
   * What the body starts with when that is not a JSON object; null when it starts with {@code
   * {}. Checking the first byte also keeps Jackson from guessing UTF-16 or UTF-32 from it: JSON
   * exchanged between systems must be UTF-8 (RFC 8259), and the forwarder sends the bytes as such.
   */
  static @Nullable String notAnObject(byte[] body) {
    int i = 0;
    while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
      i++;
    }
    if (i == body.length) {
      return "only whitespace";
    }
    int b = body[i] & 0xFF;
    switch (b) {
      case '{':
        return null;
      case '[':
        return "an array";
      case '"':
        return "a string";
      case 't':
      case 'f':
        return "a boolean or other text";
      case 'n':
        return "null or other text";
      case 0xEF:
        return "a UTF-8 byte order mark";
      case 0x00:
      case 0xFE:
      case 0xFF:
        return "UTF-16 or UTF-32 text";
      default:
        return b == '-' || (b >= '0' && b <= '9') ? "a number" : "text that is not JSON";
    }
  }

  /** Why the content type is not JSON; null when it is {@code application/json} (or {@code +json}) in UTF-8. */
  static @Nullable String mediaTypeProblem(@Nullable String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return "the request has no Content-Type (expected: application/json)";
    }
    int semi = contentType.indexOf(';');
    String type = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
    if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
      return "content type " + RoutingHeaders.clip(contentType) + " is not supported (expected: application/json)";
    }
    while (semi >= 0) {
      int next = contentType.indexOf(';', semi + 1);
      String param = (next >= 0 ? contentType.substring(semi + 1, next) : contentType.substring(semi + 1)).trim();
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        String charset = param.substring(eq + 1).trim();
        if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
          charset = charset.substring(1, charset.length() - 1);
        }
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
          return "charset " + RoutingHeaders.clip(charset) + " is not supported (expected: utf-8)";
        }
      }
      semi = next;
    }
    return null;
  }

  /** The rejection for a body Jackson could not read: where, and what it found. */
  private static Rejection syntaxRejection(JacksonException e, @Nullable JsonParser parser) {
    String pointer = "";
    if (parser != null) {
      try {
        pointer = parser.streamReadContext().pathAsPointer().toString();
      } catch (RuntimeException ignored) {
        // The context is only used to say where; the message still says what.
      }
    }
    String what = e.getOriginalMessage();
    if (what == null) {
      what = e.getClass().getSimpleName();
    }
    what = cleanJacksonMessage(what);
    if (what.length() > 200) {
      what = what.substring(0, 197) + "...";
    }
    TokenStreamLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    boolean limit = e instanceof StreamConstraintsException;
    String message = (limit ? "the request body exceeds a parser limit" : "the request body is not valid JSON")
        + where + ": " + what;
    return Rejection.invalidInput(message, List.of(new Violation(
        pointer, what, limit ? "a body within the parser's limits" : "valid JSON in UTF-8", null)));
  }

  /** Jackson's message without its notes about sources and byte offsets, which say nothing to a client. */
  static String cleanJacksonMessage(String message) {
    String m = message;
    int newline = m.indexOf('\n');
    if (newline >= 0) {
      m = m.substring(0, newline);
    }
    for (String noise : new String[] {" (start marker at [Source", " at [Source", " [Source"}) {
      int i = m.indexOf(noise);
      if (i >= 0) {
        m = m.substring(0, i);
      }
    }
    m = m.replaceAll(", from `StreamReadConstraints\\.[A-Za-z]+\\(\\)`", "")
        .replaceAll(" \\(not recognized as one since Feature '[A-Z_]+' not enabled for parser\\)", "")
        .replaceAll(" \\(code [0-9]+\\)", "");
    return m.trim();
  }

  private static String clipPath(String path) {
    return path.length() <= 100 ? path : path.substring(0, 97) + "...";
  }

  /** Builds a {@link PayloadParser}; every setter checks its argument. */
  public static final class Builder {
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
    private int prefixChars = DEFAULT_PREFIX_CHARS;
    private int maxPrefixBlocks = DEFAULT_MAX_PREFIX_BLOCKS;
    private TokenCounter tokenCounter = TokenCounter.approximate();

    private Builder() {}

    /** The largest body accepted; {@value #DEFAULT_MAX_BODY_BYTES} by default. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** The deepest nesting accepted; {@value #DEFAULT_MAX_NESTING_DEPTH} by default. */
    public Builder maxNestingDepth(int maxNestingDepth) {
      if (maxNestingDepth < 4 || maxNestingDepth > 1000) {
        throw new IllegalArgumentException("maxNestingDepth: " + maxNestingDepth + " (expected: 4..1000)");
      }
      this.maxNestingDepth = maxNestingDepth;
      return this;
    }

    /**
     * How many 256-character blocks of a prompt's block-hash chain to compute; {@value
     * #DEFAULT_MAX_PREFIX_BLOCKS} by default, 0 for none.
     */
    public Builder maxPrefixBlocks(int maxPrefixBlocks) {
      if (maxPrefixBlocks < 0 || maxPrefixBlocks > 4096) {
        throw new IllegalArgumentException("maxPrefixBlocks: " + maxPrefixBlocks + " (expected: 0 to 4096)");
      }
      this.maxPrefixBlocks = maxPrefixBlocks;
      return this;
    }

    /** How many leading prompt characters the prefix hash covers; {@value #DEFAULT_PREFIX_CHARS} by default, 0 for none. */
    public Builder prefixChars(int prefixChars) {
      if (prefixChars < 0) {
        throw new IllegalArgumentException("prefixChars: " + prefixChars + " (expected: >= 0)");
      }
      this.prefixChars = prefixChars;
      return this;
    }

    /** How prompt tokens are counted; {@link TokenCounter#approximate()} by default. */
    public Builder tokenCounter(TokenCounter tokenCounter) {
      this.tokenCounter = Objects.requireNonNull(tokenCounter, "tokenCounter");
      return this;
    }

    public PayloadParser build() {
      return new PayloadParser(this);
    }
  }
}
