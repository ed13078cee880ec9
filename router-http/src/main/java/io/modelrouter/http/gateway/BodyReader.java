package io.modelrouter.http.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** Reads a request body up to a limit without ever holding more than the limit plus one read. */
final class BodyReader {

  private BodyReader() {}

  /**
   * @return the body, or null when it is longer than {@code limit} (the rest is left unread)
   */
  static byte @Nullable [] read(InputStream in, long declaredLength, long limit) throws IOException {
    return read(in, declaredLength, limit, BodyBudget.unlimited());
  }

  /**
   * Like {@link #read(InputStream, long, long)}, the body's buffer reserved from {@code budget} as
   * it grows, and given back when it is read.
   *
   * @throws BodyBudget.Exhausted when the budget has no room for the next buffer
   */
  static byte @Nullable [] read(InputStream in, long declaredLength, long limit, BodyBudget budget) throws IOException {
    if (declaredLength > limit) {
      return null;
    }
    int first = initialSize(declaredLength, limit);
    if (!budget.tryReserve(first)) {
      throw new BodyBudget.Exhausted();
    }
    long[] reserved = {first};
    try {
      return grow(in, new byte[first], limit, budget, reserved);
    } finally {
      budget.release(reserved[0]);
    }
  }

  private static byte @Nullable [] grow(InputStream in, byte[] first, long limit, BodyBudget budget, long[] reserved)
      throws IOException {
    byte[] buf = first;
    // Grows as data arrives: a declared length is a claim, not memory to hand out before the bytes
    // come. Never above the limit: a buffer larger than the limit would accept a body over it.
    int n = 0;
    while (true) {
      if (n == buf.length) {
        if (n >= limit) {
          // Full at the limit: one more byte means too large.
          return in.read() < 0 ? buf : null;
        }
        int size = (int) Math.min(limit, (long) buf.length * 2);
        if (!budget.tryReserve(size - buf.length)) {
          throw new BodyBudget.Exhausted();
        }
        reserved[0] += size - buf.length;
        buf = Arrays.copyOf(buf, size);
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
      }
      n += r;
    }
  }

  /** The first buffer for a body: the declared length up to {@link GatewayRequest#FIRST_BODY_BUFFER}, never above the limit. */
  static int initialSize(long declaredLength, long limit) {
    int first = GatewayRequest.FIRST_BODY_BUFFER;
    return (int) Math.min(Math.min(declaredLength >= 0 ? declaredLength : first, first), limit);
  }

  /**
   * Reads and drops what is left of a body that was too large, up to {@code max} bytes in all,
   * so that the client finishes sending and reads the 413 instead of a connection reset. A
   * declared length over {@code max} is not read at all: the connection closes after the answer.
   */
  static void discard(InputStream in, long declaredLength, long max) throws IOException {
    if (declaredLength > max) {
      return;
    }
    byte[] sink = new byte[8192];
    long left = max;
    while (left > 0) {
      int r = in.read(sink, 0, (int) Math.min(sink.length, left));
      if (r < 0) {
        return;
      }
      left -= r;
    }
  }
}
