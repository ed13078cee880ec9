package io.modelrouter.payload;

import io.modelrouter.registry.TensorSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads an Open Inference Protocol v2 infer request body in one streaming pass:
 * {@code {"id", "parameters", "inputs": [{"name", "shape", "datatype", "parameters", "data"}],
 * "outputs": [{"name", "parameters"}]}}. For every input it checks that the name is present and
 * unique, the datatype is one of the protocol's, the shape is a list of non-negative dimensions,
 * and that {@code data} (flat or nested, row-major) holds exactly as many elements as the shape
 * says, each of the datatype's kind and range. Data elements are never materialised: a 4 x 1,000
 * FP32 tensor is checked without allocating per element. Fields may come in any order.
 */
final class OipReader {

  /** Tensors of higher rank than this are refused: no model takes them, and it bounds the work. */
  static final int MAX_RANK = 32;

  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final JsonParser p;
  private final Problems problems;
  final List<TensorSpec> inputs = new ArrayList<>(4);
  private final Data data = new Data();

  OipReader(JsonParser p, Problems problems) {
    this.p = p;
    this.problems = problems;
  }

  void read() {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_OBJECT) {
      problems.add("", "the request body must be a JSON object", "object", Json.typeOf(t));
      return;
    }
    boolean sawInputs = false;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      switch (name) {
        case "inputs":
          sawInputs = true;
          readInputs(t);
          break;
        case "outputs":
          readOutputs(t);
          break;
        case "id":
          if (t != JsonToken.VALUE_STRING) {
            problems.wrongType("/id", "string", t);
            p.skipChildren();
          }
          break;
        case "parameters":
          if (t != JsonToken.START_OBJECT && t != JsonToken.VALUE_NULL) {
            problems.wrongType("/parameters", "object", t);
          }
          p.skipChildren();
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    if (p.nextToken() != null) {
      problems.add("", "the request body has content after its JSON object", "one JSON object", "more JSON");
    }
    if (!sawInputs) {
      problems.add("/inputs", "is required", "an array of input tensors", "nothing");
    }
  }

  private void readInputs(JsonToken t) {
    if (t != JsonToken.START_ARRAY) {
      problems.wrongType("/inputs", "array", t);
      p.skipChildren();
      return;
    }
    int i = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        problems.wrongType("/inputs/" + i, "object", t);
        p.skipChildren();
      } else {
        readInput(i);
      }
      i++;
    }
    if (i == 0) {
      problems.add("/inputs", "must hold at least one tensor", "a non-empty array", "an empty array");
    }
  }

  private void readInput(int index) {
    String at = "/inputs/" + index;
    @Nullable String name = null;
    @Nullable TensorType type = null;
    long @Nullable [] shape = null;
    boolean sawData = false;
    boolean sawDatatype = false;
    boolean binary = false;
    data.reset();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "name":
          if (t != JsonToken.VALUE_STRING) {
            problems.wrongType(at + "/name", "string", t);
            p.skipChildren();
          } else if (Json.stringBlank(p) || p.getStringLength() > 256) {
            problems.add(at + "/name", "must name a tensor", "1..256 characters, not blank", Json.clip(p.getString()));
          } else {
            name = p.getString();
          }
          break;
        case "datatype":
          sawDatatype = true;
          if (t != JsonToken.VALUE_STRING) {
            problems.wrongType(at + "/datatype", "string", t);
            p.skipChildren();
          } else {
            type = TensorType.of(p);
            if (type == null) {
              problems.add(at + "/datatype", "is not a tensor datatype", TensorType.NAMES, Json.clip(p.getString()));
            }
          }
          break;
        case "shape":
          shape = readShape(at + "/shape", t);
          break;
        case "data":
          sawData = true;
          readData(at + "/data", t);
          break;
        case "parameters":
          if (t == JsonToken.START_OBJECT) {
            binary |= hasBinaryData();
          } else {
            if (t != JsonToken.VALUE_NULL) {
              problems.wrongType(at + "/parameters", "object", t);
            }
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    if (name == null && !hasProblemAt(at + "/name")) {
      problems.add(at + "/name", "is required", "a tensor name", "nothing");
    }
    if (!sawDatatype) {
      problems.add(at + "/datatype", "is required", TensorType.NAMES, "nothing");
    }
    if (shape == null && !hasProblemAt(at + "/shape")) {
      problems.add(at + "/shape", "is required", "an array of dimensions", "nothing");
    }
    if (!sawData) {
      if (binary) {
        problems.add(at + "/parameters/binary_data_size", "asks for the binary tensor extension, which is not supported",
            "data as a JSON array", "binary data");
      } else {
        problems.add(at + "/data", "is required", "an array of tensor elements", "nothing");
      }
    }
    if (name != null) {
      for (TensorSpec s : inputs) {
        if (s.name().equals(name)) {
          problems.add(at + "/name", "repeats the name of another input", "a unique tensor name", Json.clip(name));
          name = null;
          break;
        }
      }
    }
    if (shape != null && sawData && data.valid) {
      checkData(at + "/data", shape, type);
    }
    if (name != null && type != null && shape != null) {
      inputs.add(TensorSpec.of(name, type.name(), shape));
    }
  }

  private boolean hasProblemAt(String pointer) {
    return problems.hasPointer(pointer);
  }

  /** A shape: an array of at most {@link #MAX_RANK} non-negative integers; null if invalid. */
  private long @Nullable [] readShape(String at, JsonToken t) {
    if (t != JsonToken.START_ARRAY) {
      problems.wrongType(at, "array", t);
      p.skipChildren();
      return null;
    }
    long[] dims = new long[4];
    int rank = 0;
    boolean ok = true;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          || p.getLongValue() < 0) {
        problems.add(at + '/' + rank, "is not a dimension", "an integer >= 0",
            t == JsonToken.VALUE_NUMBER_INT ? p.getString() : Json.typeOf(t));
        p.skipChildren();
        ok = false;
      } else if (rank < MAX_RANK) {
        if (rank == dims.length) {
          dims = Arrays.copyOf(dims, rank * 2);
        }
        dims[rank] = p.getLongValue();
      }
      rank++;
    }
    if (rank > MAX_RANK) {
      problems.add(at, "has too many dimensions", "at most " + MAX_RANK, String.valueOf(rank));
      return null;
    }
    return ok ? Arrays.copyOf(dims, rank) : null;
  }

  private boolean hasBinaryData() {
    boolean binary = false;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      binary |= p.currentName().equals("binary_data_size");
      p.nextToken();
      p.skipChildren();
    }
    return binary;
  }

  /** Walks {@code data}, flat or nested, recording what its elements are. */
  private void readData(String at, JsonToken t) {
    if (t != JsonToken.START_ARRAY) {
      problems.wrongType(at, "array", t);
      p.skipChildren();
      data.valid = false;
      return;
    }
    Data d = data;
    int depth = 1;
    long n = 0;
    while (true) {
      t = p.nextToken();
      switch (t) {
        case END_ARRAY:
          if (--depth == 0) {
            d.count = n;
            return;
          }
          break;
        case START_ARRAY:
          depth++;
          d.nested = true;
          break;
        case VALUE_NUMBER_INT:
          if (d.intAt < 0) {
            d.intAt = n;
          }
          double magnitude;
          if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long v = p.getLongValue();
            if (v < d.min) {
              d.min = v;
              d.minAt = n;
            }
            if (v > d.max) {
              d.max = v;
              d.maxAt = n;
            }
            magnitude = Math.abs((double) v);
          } else {
            BigInteger v = p.getBigIntegerValue();
            if (v.signum() < 0 || v.compareTo(UINT64_MAX) > 0) {
              if (d.bigAt < 0) {
                d.bigAt = n;
              }
            } else if (d.uint64At < 0) {
              d.uint64At = n;
            }
            magnitude = Math.abs(v.doubleValue());
          }
          if (magnitude > d.magnitude) {
            d.magnitude = magnitude;
            d.magnitudeAt = n;
          }
          n++;
          break;
        case VALUE_NUMBER_FLOAT:
          if (!belowEveryLimit(p)) {
            double m = Math.abs(p.getDoubleValue());
            if (!(m <= d.magnitude)) { // also takes NaN and infinity
              d.magnitude = m;
              d.magnitudeAt = n;
            }
          }
          if (d.floatAt < 0) {
            d.floatAt = n;
          }
          n++;
          break;
        case VALUE_TRUE:
        case VALUE_FALSE:
          if (d.boolAt < 0) {
            d.boolAt = n;
          }
          n++;
          break;
        case VALUE_STRING:
          if (d.stringAt < 0) {
            d.stringAt = n;
          }
          n++;
          break;
        default: // null or object
          if (d.otherAt < 0) {
            d.otherAt = n;
            d.otherType = Json.typeOf(t);
          }
          p.skipChildren();
          n++;
          break;
      }
    }
  }

  /**
   * Whether the current floating-point token is written without an exponent and with at most four
   * integer digits: then its magnitude is below 10,000, within every datatype's range (FP16's is
   * 65,504), and it need not be converted to a double at all, which is most of the cost of a
   * tensor's elements.
   */
  private static boolean belowEveryLimit(JsonParser p) {
    char[] text = p.getStringCharacters();
    int end = p.getStringOffset() + p.getStringLength();
    int digits = 0;
    boolean fraction = false;
    for (int i = p.getStringOffset(); i < end; i++) {
      char c = text[i];
      if (c == 'e' || c == 'E') {
        return false;
      }
      if (c == '.') {
        fraction = true;
      } else if (!fraction && c >= '0' && c <= '9') {
        digits++;
      }
    }
    return digits <= 4;
  }

  private void checkData(String at, long[] shape, @Nullable TensorType type) {
    Data d = data;
    long expected = 1;
    for (long dim : shape) {
      expected = multiplyOrMax(expected, dim);
    }
    if (expected != d.count) {
      // The product saturates at Long.MAX_VALUE: a shape that large needs at least that many.
      String needs = expected == Long.MAX_VALUE ? "at least " + Long.MAX_VALUE : String.valueOf(expected);
      problems.add(at, "holds " + d.count + " elements but shape " + Arrays.toString(shape) + " needs " + needs,
          needs + " elements", d.count + " elements");
      return;
    }
    if (d.otherAt >= 0) {
      element(at, d.otherAt, "is not a tensor element", type == null ? "a number, boolean or string" : kindOf(type), d.otherType);
      return;
    }
    if (type == null) {
      return;
    }
    switch (type.kind) {
      case BOOL:
        firstOf(at, type, d.intAt, d.floatAt, d.stringAt);
        break;
      case BYTES:
        firstOf(at, type, d.intAt, d.floatAt, d.boolAt);
        break;
      case INT:
        if (d.boolAt >= 0 || d.stringAt >= 0 || d.floatAt >= 0) {
          firstOf(at, type, d.boolAt, d.stringAt, d.floatAt);
        } else if (d.bigAt >= 0 || (d.uint64At >= 0 && type != TensorType.UINT64)) {
          element(at, d.bigAt >= 0 ? d.bigAt : d.uint64At, "is out of range for " + type, range(type), "a larger integer");
        } else if (d.intAt >= 0 && d.min < type.min) {
          element(at, d.minAt, "is out of range for " + type, range(type), String.valueOf(d.min));
        } else if (d.intAt >= 0 && d.max > type.max) {
          element(at, d.maxAt, "is out of range for " + type, range(type), String.valueOf(d.max));
        }
        break;
      case FLOAT:
        if (d.boolAt >= 0 || d.stringAt >= 0) {
          firstOf(at, type, d.boolAt, d.stringAt);
        } else if (d.magnitude > type.maxMagnitude) {
          element(at, d.magnitudeAt, "is out of range for " + type,
              "a finite number of magnitude <= " + type.maxMagnitude,
              Double.isInfinite(d.magnitude) ? "a number beyond double range" : "magnitude " + d.magnitude);
        }
        break;
      default:
        break;
    }
  }

  private static String range(TensorType type) {
    return type == TensorType.UINT64 ? "0..18446744073709551615" : type.min + ".." + type.max;
  }

  private static long multiplyOrMax(long a, long b) {
    long r = a * b;
    long hi = Math.multiplyHigh(a, b);
    return (hi == 0 && r >= 0) ? r : Long.MAX_VALUE;
  }

  /** Reports the earliest element among those recorded at these indices (-1: none). */
  private void firstOf(String at, TensorType type, long... indices) {
    long first = Long.MAX_VALUE;
    for (long i : indices) {
      if (i >= 0 && i < first) {
        first = i;
      }
    }
    if (first == Long.MAX_VALUE) {
      return;
    }
    Data d = data;
    String found = first == d.boolAt ? "boolean" : first == d.stringAt ? "string" : first == d.floatAt ? "number" : "integer";
    element(at, first, "does not match datatype " + type, kindOf(type), found);
  }

  private static String kindOf(TensorType type) {
    switch (type.kind) {
      case BOOL:
        return "a boolean";
      case BYTES:
        return "a string";
      case INT:
        return "an integer";
      default:
        return "a number";
    }
  }

  private void element(String at, long index, String message, String expected, String found) {
    if (data.nested) {
      problems.add(at, "element " + index + " (row-major) " + message, expected, found);
    } else {
      problems.add(at + '/' + index, message, expected, found);
    }
  }

  private void readOutputs(JsonToken t) {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      problems.wrongType("/outputs", "array", t);
      p.skipChildren();
      return;
    }
    int i = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        problems.wrongType("/outputs/" + i, "object", t);
        p.skipChildren();
      } else {
        boolean named = false;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          boolean isName = p.currentName().equals("name");
          t = p.nextToken();
          if (isName) {
            named = true;
            if (t != JsonToken.VALUE_STRING) {
              problems.wrongType("/outputs/" + i + "/name", "string", t);
            }
          }
          p.skipChildren();
        }
        if (!named) {
          problems.add("/outputs/" + i + "/name", "is required", "a tensor name", "nothing");
        }
      }
      i++;
    }
  }

  /** What one input's data holds; reused across the inputs of a request. Indices are -1 when absent. */
  private static final class Data {
    boolean valid;
    boolean nested;
    long count;
    long min;
    long minAt;
    long max;
    long maxAt;
    double magnitude;
    long magnitudeAt;
    long intAt;
    long floatAt;
    long boolAt;
    long stringAt;
    long bigAt;
    long uint64At;
    long otherAt;
    String otherType = "";

    void reset() {
      valid = true;
      nested = false;
      count = 0;
      min = Long.MAX_VALUE;
      max = Long.MIN_VALUE;
      minAt = -1;
      maxAt = -1;
      magnitude = 0;
      magnitudeAt = -1;
      intAt = -1;
      floatAt = -1;
      boolAt = -1;
      stringAt = -1;
      bigAt = -1;
      uint64At = -1;
      otherAt = -1;
      otherType = "";
    }
  }
}
