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
    if (declaredLength > limit) {
      return null;
    }
    int initial = declaredLength >= 0 ? (int) declaredLength : 8192;
    byte[] buf = new byte[Math.max(initial, 16)];
    int n = 0;
    while (true) {
      if (n == buf.length) {
        if (n >= limit) {
          // Full at the limit: one more byte means too large.
          return in.read() < 0 ? buf : null;
        }
        buf = Arrays.copyOf(buf, (int) Math.min(limit, (long) buf.length * 2));
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
      }
      n += r;
    }
  }
}
