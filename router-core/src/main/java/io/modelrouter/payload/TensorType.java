package io.modelrouter.payload;

import org.jspecify.annotations.Nullable;

/** The Open Inference Protocol tensor datatypes and what a JSON element of each may hold. */
enum TensorType {
  BOOL(Kind.BOOL, 0, 0, 0),
  UINT8(Kind.INT, 0, 0xFF, 0),
  UINT16(Kind.INT, 0, 0xFFFF, 0),
  UINT32(Kind.INT, 0, 0xFFFF_FFFFL, 0),
  UINT64(Kind.INT, 0, Long.MAX_VALUE, 0),
  INT8(Kind.INT, Byte.MIN_VALUE, Byte.MAX_VALUE, 0),
  INT16(Kind.INT, Short.MIN_VALUE, Short.MAX_VALUE, 0),
  INT32(Kind.INT, Integer.MIN_VALUE, Integer.MAX_VALUE, 0),
  INT64(Kind.INT, Long.MIN_VALUE, Long.MAX_VALUE, 0),
  /** IEEE 754 half precision: largest finite value 65504. */
  FP16(Kind.FLOAT, 0, 0, 65504.0),
  FP32(Kind.FLOAT, 0, 0, Float.MAX_VALUE),
  FP64(Kind.FLOAT, 0, 0, Double.MAX_VALUE),
  /** bfloat16: float32's exponent with 8 bits of precision; largest finite value (2 - 2^-7) * 2^127. */
  BF16(Kind.FLOAT, 0, 0, 3.3895313892515355e38),
  BYTES(Kind.BYTES, 0, 0, 0);

  enum Kind {
    BOOL,
    INT,
    FLOAT,
    BYTES
  }

  /** Every name, for messages. */
  static final String NAMES = "BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BF16 or BYTES";

  private static final TensorType[] VALUES = values();

  final Kind kind;
  /** Smallest integer value (integer types). */
  final long min;
  /** Largest integer value (integer types; UINT64 also takes larger values, checked apart). */
  final long max;
  /** Largest finite magnitude (floating-point types). */
  final double maxMagnitude;

  TensorType(Kind kind, long min, long max, double maxMagnitude) {
    this.kind = kind;
    this.min = min;
    this.max = max;
    this.maxMagnitude = maxMagnitude;
  }

  /** The datatype the parser's current string names, matched exactly (the protocol is upper case). */
  static @Nullable TensorType of(tools.jackson.core.JsonParser p) {
    for (TensorType t : VALUES) {
      if (Json.stringEquals(p, t.name())) {
        return t;
      }
    }
    return null;
  }
}
