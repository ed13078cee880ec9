package io.modelrouter.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;

/**
 * A fast "is it valid?" answer for common input schemas, read straight from the body's bytes in
 * one streaming pass, without building the body's tree and without networknt.
 *
 * <p>It only ever answers "valid for sure" ({@code true}) or "don't know" ({@code false}); it never
 * rejects. On "don't know" (an invalid body, a value at a boundary, anything it is unsure of) the
 * caller runs the full networknt evaluation, which produces the violations with their pointers.
 * So it changes no outcome, only how fast a valid body is accepted.
 *
 * <p>It covers a subset of Draft 2020-12, chosen to be exactly decidable: {@code type},
 * {@code enum} and {@code const} of strings, {@code required}, {@code properties},
 * {@code additionalProperties}, {@code items} (one schema), {@code minItems}, {@code maxItems},
 * {@code minLength}, {@code maxLength}, {@code minimum}, {@code maximum},
 * {@code exclusiveMinimum}, {@code exclusiveMaximum}, and the annotations {@code title},
 * {@code description}, {@code default}, {@code examples}, {@code $comment}, {@code deprecated}.
 * A schema using anything else ({@code $ref}, {@code pattern}, {@code format}, combinators, ...)
 * gets no streaming check ({@link #compile} returns null). Numbers are compared only where the
 * answer cannot depend on rounding: strictly inside a bound as doubles, or exactly as longs;
 * string lengths only where UTF-16 units and code points agree.
 *
 * <p>Evaluation steps are counted as networknt counts them at most (one per subschema applied to
 * a value plus one per keyword of that subschema); a body needing more than a quarter of the
 * validator's step limit gets "don't know", so the limit is still enforced by networknt.
 *
 * <p>Immutable and thread-safe.
 */
final class StreamingCheck {

  private static final int OBJECT = 1;
  private static final int ARRAY = 2;
  private static final int STRING = 4;
  private static final int INTEGER = 8;
  private static final int NUMBER = 16;
  private static final int BOOLEAN = 32;
  private static final int NULL = 64;
  private static final int ANY_TYPE = 127;

  private static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
  /** The largest integer every double represents exactly, and beyond which longs are not compared as doubles. */
  private static final long EXACT_DOUBLE = 1L << 53;

  /**
   * Reads bodies the parser already accepted, with limits at least as wide as any parser's: a
   * body this cannot read just gets "don't know".
   */
  private static final JsonFactory READER = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(1000)
          .maxDocumentLength(-1)
          .maxStringLength(Integer.MAX_VALUE)
          .build())
      .build();

  private final Node root;

  private StreamingCheck(Node root) {
    this.root = root;
  }

  /** The streaming check for a compiled schema's JSON, or null when it uses a keyword not covered. */
  static @Nullable StreamingCheck compile(JsonNode schema) {
    JsonNode dialect = schema.get("$schema");
    if (dialect != null && !(dialect.isString()
        && (dialect.stringValue().equals(DIALECT) || dialect.stringValue().equals(DIALECT + '#')))) {
      return null;
    }
    Node root = node(schema, true);
    return root == null ? null : new StreamingCheck(root);
  }

  /**
   * Whether {@code body} certainly satisfies the schema; false when it does not or when this check
   * cannot tell.
   *
   * @param maxSteps networknt's evaluation step limit for one validation
   */
  boolean validates(byte[] body, long maxSteps) {
    try (JsonParser p = READER.createParser(ObjectReadContext.empty(), body)) {
      Run run = new Run(p, body.length, maxSteps / 4);
      return run.value(root, p.nextToken());
    } catch (JacksonException e) {
      return false;
    }
  }

  private static @Nullable Node node(JsonNode schema, boolean root) {
    if (schema.isBoolean()) {
      return schema.booleanValue() ? Node.ANY : null;
    }
    if (!schema.isObject()) {
      return null;
    }
    Node n = new Node();
    n.cost = 1 + schema.size();
    boolean assertions = false;
    for (Map.Entry<String, JsonNode> e : schema.properties()) {
      JsonNode v = e.getValue();
      switch (e.getKey()) {
        case "$schema":
          if (!root) {
            return null;
          }
          break;
        case "title":
        case "description":
        case "default":
        case "examples":
        case "$comment":
        case "deprecated":
          break;
        case "type":
          n.types = types(v);
          if (n.types == 0) {
            return null;
          }
          assertions = true;
          break;
        case "enum":
        case "const":
          List<String> values = new ArrayList<>();
          if (e.getKey().equals("const")) {
            values.add(v.isString() ? v.stringValue() : null);
          } else if (v.isArray()) {
            for (JsonNode x : v) {
              values.add(x.isString() ? x.stringValue() : null);
            }
          }
          if (values.isEmpty() || values.contains(null) || n.strings != null) {
            return null;
          }
          n.strings = values.toArray(new String[0]);
          assertions = true;
          break;
        case "required":
          if (!v.isArray() || v.size() > 64) {
            return null;
          }
          List<String> names = new ArrayList<>();
          for (JsonNode x : v) {
            if (!x.isString() || names.contains(x.stringValue())) {
              return null;
            }
            names.add(x.stringValue());
          }
          n.required = names.toArray(new String[0]);
          assertions = true;
          break;
        case "properties":
          if (!v.isObject()) {
            return null;
          }
          n.properties = new HashMap<>();
          for (Map.Entry<String, JsonNode> p : v.properties()) {
            Node child = node(p.getValue(), false);
            if (child == null) {
              return null;
            }
            n.properties.put(p.getKey(), child);
          }
          assertions = true;
          break;
        case "additionalProperties":
          if (v.isBoolean() && !v.booleanValue()) {
            n.closed = true;
          } else {
            n.additional = node(v, false);
            if (n.additional == null) {
              return null;
            }
          }
          assertions = true;
          break;
        case "items":
          n.items = node(v, false);
          if (n.items == null) {
            return null;
          }
          assertions = true;
          break;
        case "minItems":
          n.minItems = count(v);
          if (n.minItems < 0) {
            return null;
          }
          assertions = true;
          break;
        case "maxItems":
          n.maxItems = count(v);
          if (n.maxItems < 0) {
            return null;
          }
          assertions = true;
          break;
        case "minLength":
          n.minLength = count(v);
          if (n.minLength < 0) {
            return null;
          }
          assertions = true;
          break;
        case "maxLength":
          n.maxLength = count(v);
          if (n.maxLength < 0) {
            return null;
          }
          assertions = true;
          break;
        case "minimum":
        case "maximum":
        case "exclusiveMinimum":
        case "exclusiveMaximum":
          if (!v.isNumber()) {
            return null;
          }
          n.bounds = append(n.bounds, new Bound(v, e.getKey().startsWith("max") || e.getKey().equals("exclusiveMaximum"),
              e.getKey().startsWith("exclusive")));
          assertions = true;
          break;
        default:
          return null;
      }
    }
    if (!assertions) {
      Node any = new Node();
      any.cost = n.cost;
      any.any = true;
      return any;
    }
    return n;
  }

  private static int types(JsonNode v) {
    if (v.isString()) {
      return type(v.stringValue());
    }
    if (!v.isArray() || v.isEmpty()) {
      return 0;
    }
    int bits = 0;
    for (Iterator<JsonNode> it = v.iterator(); it.hasNext(); ) {
      JsonNode x = it.next();
      int t = x.isString() ? type(x.stringValue()) : 0;
      if (t == 0) {
        return 0;
      }
      bits |= t;
    }
    return bits;
  }

  private static int type(String name) {
    switch (name) {
      case "object":
        return OBJECT;
      case "array":
        return ARRAY;
      case "string":
        return STRING;
      case "integer":
        return INTEGER;
      case "number":
        return NUMBER | INTEGER;
      case "boolean":
        return BOOLEAN;
      case "null":
        return NULL;
      default:
        return 0;
    }
  }

  /** A non-negative integer keyword value that fits an int; -1 otherwise. */
  private static int count(JsonNode v) {
    return v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0 ? v.intValue() : -1;
  }

  private static Bound[] append(Bound @Nullable [] bounds, Bound b) {
    if (bounds == null) {
      return new Bound[] {b};
    }
    Bound[] more = java.util.Arrays.copyOf(bounds, bounds.length + 1);
    more[bounds.length] = b;
    return more;
  }

  /** One compiled subschema. */
  private static final class Node {
    /** {@code true} or a schema with annotations only. */
    static final Node ANY = any();

    boolean any;
    /** Evaluation steps networknt may count for applying this subschema to one value. */
    long cost;
    int types = ANY_TYPE;
    String @Nullable [] strings;
    String @Nullable [] required;
    @Nullable Map<String, Node> properties;
    @Nullable Node additional;
    boolean closed;
    @Nullable Node items;
    int minItems;
    int maxItems = Integer.MAX_VALUE;
    int minLength;
    int maxLength = Integer.MAX_VALUE;
    Bound @Nullable [] bounds;

    private static Node any() {
      Node n = new Node();
      n.any = true;
      n.cost = 1;
      return n;
    }
  }

  /** A numeric bound: {@code minimum}, {@code maximum} or their exclusive forms. */
  private static final class Bound {
    final boolean upper;
    final boolean exclusive;
    final double d;
    /** Whether {@link #l} is the bound exactly. */
    final boolean exact;
    final long l;

    Bound(JsonNode v, boolean upper, boolean exclusive) {
      this.upper = upper;
      this.exclusive = exclusive;
      this.d = v.doubleValue();
      this.exact = v.isIntegralNumber() && v.canConvertToLong();
      this.l = exact ? v.longValue() : 0;
    }

    /** Whether an integer value certainly satisfies the bound. */
    boolean holds(long v) {
      if (exact) {
        return upper ? (exclusive ? v < l : v <= l) : (exclusive ? v > l : v >= l);
      }
      return v <= EXACT_DOUBLE && v >= -EXACT_DOUBLE && holds((double) v);
    }

    /**
     * Whether a value read as {@code v} certainly satisfies the bound: only when strictly inside,
     * which rounding to double cannot fake (it is monotonic); at the bound itself, "don't know".
     */
    boolean holds(double v) {
      return upper ? v < d : v > d;
    }
  }

  /** One evaluation: the parser, and the steps left. */
  private static final class Run {
    private final JsonParser p;
    private final int bodyLength;
    private long stepsLeft;

    Run(JsonParser p, int bodyLength, long steps) {
      this.p = p;
      this.bodyLength = bodyLength;
      this.stepsLeft = steps;
    }

    /** Checks the value starting at {@code t}, consuming it when valid. */
    boolean value(Node s, @Nullable JsonToken t) {
      if (t == null || (stepsLeft -= s.cost) < 0) {
        return false;
      }
      if (s.any) {
        p.skipChildren();
        return true;
      }
      switch (t) {
        case START_OBJECT:
          return (s.types & OBJECT) != 0 && s.strings == null && object(s);
        case START_ARRAY:
          return (s.types & ARRAY) != 0 && s.strings == null && array(s);
        case VALUE_STRING:
          return (s.types & STRING) != 0 && string(s);
        case VALUE_NUMBER_INT:
          return (s.types & INTEGER) != 0 && s.strings == null && integer(s);
        case VALUE_NUMBER_FLOAT:
          // An integer-only type might still accept 1.0; leave that to networknt.
          return (s.types & NUMBER) != 0 && s.strings == null && number(s);
        case VALUE_TRUE:
        case VALUE_FALSE:
          return (s.types & BOOLEAN) != 0 && s.strings == null;
        case VALUE_NULL:
          return (s.types & NULL) != 0 && s.strings == null;
        default:
          return false;
      }
    }

    private boolean object(Node s) {
      String[] required = s.required;
      long seen = 0;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        Node child = s.properties == null ? null : s.properties.get(name);
        if (child == null) {
          child = s.additional;
        }
        if (child != null) {
          if (!value(child, t)) {
            return false;
          }
        } else if (s.closed) {
          return false;
        } else {
          p.skipChildren();
        }
        if (required != null) {
          for (int i = 0; i < required.length; i++) {
            if (required[i].equals(name)) {
              seen |= 1L << i;
              break;
            }
          }
        }
      }
      return t == JsonToken.END_OBJECT
          && (required == null || seen == (required.length == 64 ? -1L : (1L << required.length) - 1));
    }

    private boolean array(Node s) {
      int n = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null || ++n > s.maxItems) {
          return false;
        }
        if (s.items != null) {
          if (!value(s.items, t)) {
            return false;
          }
        } else {
          p.skipChildren();
        }
      }
      return n >= s.minItems;
    }

    private boolean string(Node s) {
      String[] strings = s.strings;
      if (strings != null && !oneOf(strings)) {
        return false;
      }
      // A string has at most as many UTF-16 units as the body has bytes: a maxLength at least
      // that long holds without decoding the string.
      if (s.minLength == 0 && s.maxLength >= bodyLength) {
        return true;
      }
      int units = p.getStringLength();
      if (units > s.maxLength) {
        return false; // code points might still fit, but UTF-16 units do not: ask networknt
      }
      if (s.minLength == 0) {
        return true;
      }
      return units >= s.minLength
          && Character.codePointCount(p.getStringCharacters(), p.getStringOffset(), units) >= s.minLength;
    }

    private boolean oneOf(String[] strings) {
      char[] buf = p.getStringCharacters();
      int off = p.getStringOffset();
      int len = p.getStringLength();
      outer:
      for (String s : strings) {
        if (s.length() != len) {
          continue;
        }
        for (int i = 0; i < len; i++) {
          if (buf[off + i] != s.charAt(i)) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }

    private boolean integer(Node s) {
      Bound[] bounds = s.bounds;
      if (bounds == null) {
        return true;
      }
      JsonParser.NumberType type = p.getNumberType();
      if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
        return false;
      }
      long v = p.getLongValue();
      for (Bound b : bounds) {
        if (!b.holds(v)) {
          return false;
        }
      }
      return true;
    }

    private boolean number(Node s) {
      Bound[] bounds = s.bounds;
      if (bounds == null) {
        return true;
      }
      double v = p.getDoubleValue();
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        return false;
      }
      for (Bound b : bounds) {
        if (!b.holds(v)) {
          return false;
        }
      }
      return true;
    }
  }
}
