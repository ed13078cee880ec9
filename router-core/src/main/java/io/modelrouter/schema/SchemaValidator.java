package io.modelrouter.schema;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionConfig;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.ValidationLimitExceededException;
import com.networknt.schema.path.PathType;
import io.modelrouter.InputValidator;
import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.RouteRequest;
import io.modelrouter.Violation;
import io.modelrouter.payload.Payload;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryListener;
import io.modelrouter.registry.RegistrySnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The router's {@link InputValidator}: checks a request against the model version it resolved to,
 * before any endpoint sees it.
 *
 * <ul>
 *   <li>When the version declares an input JSON Schema ({@link ModelSpec#inputSchema()}, Draft
 *       2020-12 unless the schema's {@code $schema} says otherwise), the request body must satisfy
 *       it. The body is {@link RouteRequest#payload()}: a {@link Payload} from the
 *       {@link io.modelrouter.payload.PayloadParser}, or a Jackson {@link JsonNode} set by an
 *       embedding application.
 *   <li>When an Open Inference Protocol request's version declares input tensors
 *       ({@link ModelSpec#inputs()}), the request's tensors must match them: same names, same
 *       datatypes, same rank, and each dimension equal unless declared {@code -1}.
 * </ul>
 *
 * <p>Each violation becomes a {@link Violation} with the JSON pointer of the offending value, the
 * schema keyword and value that was expected, and what was found; the rejection is
 * {@link io.modelrouter.RejectionReason#INVALID_INPUT} (HTTP 400).
 *
 * <p>Schemas are compiled once and kept in a bounded Caffeine cache keyed by the schema text, so
 * versions sharing a schema share its compiled form. As a {@link RegistryListener} (see
 * {@link #attachTo(ModelRegistry)}) it drops the compiled schemas of versions that were removed
 * or whose schema changed, and compiles new ones as soon as they are published, off the request
 * path. A schema that does not compile rejects every request to its version with a message
 * saying so: failing open would let unchecked input through. Schemas never load anything over the
 * network; {@code $ref}s must resolve within the schema or to the standard meta-schemas.
 *
 * <p>A valid body usually costs no tree: when a schema only uses keywords that can be decided
 * exactly while streaming ({@code type}, string {@code enum}/{@code const}, {@code required},
 * {@code properties}, {@code additionalProperties}, {@code items}, {@code minItems},
 * {@code maxItems}, {@code minLength}, {@code maxLength}, numeric bounds, annotations), a
 * {@link Payload}'s bytes are first read in one streaming pass that can only accept. Anything it
 * cannot accept for sure (an invalid body, a value at a bound, a body from an embedding
 * application) goes to networknt, which builds the tree and produces the violations.
 *
 * <p>Validation is bounded: at most {@link Builder#maxEvaluationSteps(long)} evaluation steps per
 * request, so a pathological schema cannot pin a core. Patterns are evaluated with
 * {@code java.util.regex}; schema authors should avoid patterns with catastrophic backtracking.
 *
 * <p>Thread-safe.
 */
public final class SchemaValidator implements InputValidator, RegistryListener {

  /** How many compiled schemas are kept: 1,024, far more than the versions a fleet serves at once. */
  public static final int DEFAULT_MAX_SCHEMAS = 1024;

  /**
   * The evaluation steps one validation may take: 1,000,000, hundreds of times what a 200 KB chat
   * request against a typical schema needs, and a few milliseconds of CPU at worst.
   */
  public static final long DEFAULT_MAX_EVALUATION_STEPS = 1_000_000;

  /** Violations listed per rejection at most; more tell the client nothing new. */
  static final int MAX_VIOLATIONS = 16;

  private static final StreamReadConstraints SCHEMA_LIMITS = StreamReadConstraints.builder()
      .maxNestingDepth(256)
      .maxDocumentLength(4L * 1024 * 1024)
      .maxNumberLength(100)
      .build();

  private final Cache<String, Compiled> compiled;
  private final SchemaRegistry schemas;
  private final Schema metaSchema;
  private final ObjectMapper mapper;
  private final long maxEvaluationSteps;
  private final Consumer<ExecutionContext> limits;
  private final Consumer<ExecutionContext> schemaLimits;

  private SchemaValidator(Builder b) {
    this.compiled = Caffeine.newBuilder().maximumSize(b.maxSchemas).build();
    SchemaRegistryConfig config = SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).build();
    this.schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        r -> r.schemaRegistryConfig(config).schemaLoader(l -> l.fetchRemoteResources(false)));
    this.metaSchema = schemas.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
    this.mapper = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(SCHEMA_LIMITS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
        .build();
    this.maxEvaluationSteps = b.maxEvaluationSteps;
    ExecutionConfig execution = ExecutionConfig.builder().maxEvaluationSteps(b.maxEvaluationSteps).build();
    this.limits = context -> context.setExecutionConfig(execution);
    ExecutionConfig schemaExecution = ExecutionConfig.builder().maxEvaluationSteps(DEFAULT_MAX_EVALUATION_STEPS).build();
    this.schemaLimits = context -> context.setExecutionConfig(schemaExecution);
  }

  /** A validator with the defaults. */
  public static SchemaValidator create() {
    return builder().build();
  }

  /** Starts a validator with the defaults, to change some of them. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Listens to {@code registry} so that changed versions' schemas are recompiled and removed ones
   * dropped, and compiles the schemas of its current snapshot now.
   *
   * @return this validator
   */
  public SchemaValidator attachTo(ModelRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    registry.addListener(this);
    for (ModelSpec spec : registry.snapshot().modelSpecs()) {
      String text = spec.inputSchema();
      if (text != null) {
        compiled(text);
      }
    }
    return this;
  }

  @Override
  public @Nullable Rejection validate(ModelSpec model, RouteRequest request) {
    List<Violation> violations = null;
    if (request.protocol() == Protocol.OIP && !model.inputs().isEmpty()) {
      violations = new ArrayList<>(0);
      TensorSignature.check(model.inputs(), request.inputs(), violations);
      if (violations.isEmpty()) {
        violations = null;
      }
    }
    String text = model.inputSchema();
    if (text != null) {
      Compiled c = compiled(text);
      if (c.schema == null) {
        return Rejection.of(RejectionReason.INVALID_INPUT,
            "the input schema of model '" + model.key() + "' does not compile, so no input can be checked: " + c.error);
      }
      Object payload = request.payload();
      if (c.streaming != null && payload instanceof Payload
          && c.streaming.validates(((Payload) payload).bytes(), maxEvaluationSteps)) {
        return violations == null ? null : rejection(model, violations);
      }
      JsonNode body;
      try {
        body = body(request);
      } catch (JacksonException e) {
        // A Payload only exists for a body the parser accepted, with the same read constraints.
        return Rejection.invalidInput("the request body cannot be read: " + e.getOriginalMessage(),
            List.of(new Violation("", "the request body cannot be read", "valid JSON", null)));
      }
      if (body == null) {
        return Rejection.invalidInput("model '" + model.key() + "' checks its input against a schema but the request has no body",
            List.of(new Violation("", "the request has no body to check", "a JSON body", "nothing")));
      }
      List<Error> errors;
      try {
        errors = c.schema.validate(body, limits);
      } catch (ValidationLimitExceededException e) {
        return Rejection.invalidInput("the request is too complex to check against the input schema of model '" + model.key() + "'",
            List.of(new Violation("", "validation needs more than the allowed evaluation steps",
                "a request within the validation limits", e.getLimitKind() + " limit " + e.getLimit())));
      }
      if (!errors.isEmpty()) {
        if (violations == null) {
          violations = new ArrayList<>(Math.min(errors.size(), MAX_VIOLATIONS));
        }
        for (Error e : errors) {
          if (violations.size() >= MAX_VIOLATIONS) {
            break;
          }
          violations.add(SchemaErrors.toViolation(e));
        }
      }
    }
    return violations == null ? null : rejection(model, violations);
  }

  private static Rejection rejection(ModelSpec model, List<Violation> violations) {
    Violation first = violations.get(0);
    String message = "input does not match model '" + model.key() + "': "
        + (first.pointer().isEmpty() ? "" : first.pointer() + ": ") + first.message()
        + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "");
    return Rejection.invalidInput(message, violations);
  }

  private static @Nullable JsonNode body(RouteRequest request) {
    Object payload = request.payload();
    if (payload instanceof Payload) {
      return ((Payload) payload).json();
    }
    return payload instanceof JsonNode ? (JsonNode) payload : null;
  }

  /** The compiled form of a schema text, compiling it on first use. */
  private Compiled compiled(String text) {
    Compiled c = compiled.getIfPresent(text);
    return c != null ? c : compiled.get(text, this::compile);
  }

  private Compiled compile(String text) {
    try {
      JsonNode node = mapper.readTree(text);
      if (!node.has("$schema")) {
        List<Error> errors = metaSchema.validate(node, schemaLimits);
        if (!errors.isEmpty()) {
          Violation v = SchemaErrors.toViolation(errors.get(0));
          return new Compiled(null, null, "not a valid JSON Schema: " + (v.pointer().isEmpty() ? "" : v.pointer() + ": ") + v.message());
        }
      }
      Schema schema = schemas.getSchema(node);
      schema.initializeValidators();
      return new Compiled(schema, StreamingCheck.compile(node), null);
    } catch (JacksonException e) {
      return new Compiled(null, null, "not valid JSON: " + e.getOriginalMessage());
    } catch (RuntimeException e) {
      // networknt reports a bad schema with several exception types; any of them means "unusable".
      return new Compiled(null, null, String.valueOf(e.getMessage()));
    }
  }

  /**
   * Checks that a schema text compiles, for tools that load registries and want to refuse a bad
   * schema before it serves traffic.
   *
   * @return null when it compiles; otherwise what is wrong
   */
  public @Nullable String check(String schemaText) {
    return compiled(Objects.requireNonNull(schemaText, "schemaText")).error;
  }

  /** How many compiled schemas are cached now (approximately); for tests and metrics. */
  public long cachedSchemas() {
    compiled.cleanUp();
    return compiled.estimatedSize();
  }

  /**
   * Drops the compiled schemas no version uses any more and compiles the schemas of new or changed
   * versions. Versions whose schema did not change keep theirs.
   */
  @Override
  public void onUpdate(RegistrySnapshot previous, RegistrySnapshot current) {
    Set<String> live = new HashSet<>();
    for (ModelSpec spec : current.modelSpecs()) {
      String text = spec.inputSchema();
      if (text != null) {
        live.add(text);
      }
    }
    for (ModelSpec old : previous.modelSpecs()) {
      String text = old.inputSchema();
      if (text == null || live.contains(text)) {
        continue;
      }
      compiled.invalidate(text);
    }
    for (String text : live) {
      compiled(text);
    }
  }

  /** The compiled schema cached for this text, if any; for tests. */
  @Nullable Schema cached(String schemaText) {
    Compiled c = compiled.getIfPresent(schemaText);
    return c == null ? null : c.schema;
  }

  /** A compiled schema and its streaming check when it has one, or why there is none. */
  private static final class Compiled {
    final @Nullable Schema schema;
    final @Nullable StreamingCheck streaming;
    final @Nullable String error;

    Compiled(@Nullable Schema schema, @Nullable StreamingCheck streaming, @Nullable String error) {
      this.schema = schema;
      this.streaming = streaming;
      this.error = error;
    }
  }

  /** Builds a {@link SchemaValidator}; every setter checks its argument. */
  public static final class Builder {
    private int maxSchemas = DEFAULT_MAX_SCHEMAS;
    private long maxEvaluationSteps = DEFAULT_MAX_EVALUATION_STEPS;

    private Builder() {}

    /** How many compiled schemas are kept; {@value #DEFAULT_MAX_SCHEMAS} by default. */
    public Builder maxSchemas(int maxSchemas) {
      if (maxSchemas < 1) {
        throw new IllegalArgumentException("maxSchemas: " + maxSchemas + " (expected: > 0)");
      }
      this.maxSchemas = maxSchemas;
      return this;
    }

    /** The evaluation steps one validation may take; {@value #DEFAULT_MAX_EVALUATION_STEPS} by default. */
    public Builder maxEvaluationSteps(long maxEvaluationSteps) {
      if (maxEvaluationSteps < 1) {
        throw new IllegalArgumentException("maxEvaluationSteps: " + maxEvaluationSteps + " (expected: > 0)");
      }
      this.maxEvaluationSteps = maxEvaluationSteps;
      return this;
    }

    public SchemaValidator build() {
      return new SchemaValidator(this);
    }
  }
}
