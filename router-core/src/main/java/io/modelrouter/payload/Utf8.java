package io.modelrouter.payload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
 * Jackson decodes the strings it reads but lets overlong forms and encoded surrogates through
 * (an overlong {@code C0 AF} decodes to {@code /}), and the forwarder sends the body on
 * byte for byte, so the whole body is checked. ASCII runs are skipped eight bytes at a time.
 */
final class Utf8 {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  /** The offset of the first byte that is not part of valid UTF-8; -1 when all of it is valid. */
  static int firstInvalid(byte[] b) {
    int r = scan(b);
    return r >= 0 ? -1 : -r - 1;
  }

  /**
   * Validates {@code b} and counts its non-ASCII code points in the same pass.
   *
   * @return the number of non-ASCII code points when all of {@code b} is valid UTF-8; otherwise
   *     {@code -(offset + 1)} for the offset of the first invalid byte
   */
  static int scan(byte[] b) {
    int nonAscii = 0;
    int i = 0;
    int n = b.length;
    while (i < n) {
      if (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
        continue;
      }
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int start = -i - 1;
      if (c < 0xC2) {
        return start; // a continuation byte, or C0/C1 (always overlong)
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (c < 0xE0) {
        need = 1;
      } else if (c < 0xF0) {
        need = 2;
        if (c == 0xE0) {
          lo = 0xA0; // overlong below U+0800
        } else if (c == 0xED) {
          hi = 0x9F; // surrogates U+D800..U+DFFF
        }
      } else if (c < 0xF5) {
        need = 3;
        if (c == 0xF0) {
          lo = 0x90; // overlong below U+10000
        } else if (c == 0xF4) {
          hi = 0x8F; // above U+10FFFF
        }
      } else {
        return start;
      }
      if (i + need >= n) {
        return start;
      }
      int second = b[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return start;
      }
      for (int k = 2; k <= need; k++) {
        int x = b[i + k] & 0xFF;
        if (x < 0x80 || x > 0xBF) {
          return start;
        }
      }
      i += need + 1;
      nonAscii++;
    }
    return nonAscii;
  }
}
