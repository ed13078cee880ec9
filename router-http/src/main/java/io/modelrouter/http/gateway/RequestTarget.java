package io.modelrouter.http.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The path and query the gateway forwards: the client's own, still percent-encoded, so that an OIP
 * model name with a space or non-ASCII letters and a query string reach the endpoint as sent. It is
 * forwarded only when it decodes to the path the gateway routed on (no dot segments or other forms
 * that the endpoint could read as another path); what is not plain ASCII is percent-encoded.
 */
final class RequestTarget {

  private RequestTarget() {}

  /**
   * The path and query to forward, or null when {@code raw} does not decode to {@code decodedPath}.
   *
   * @param decodedPath the path the gateway dispatched on
   * @param raw the path and query as the client sent them
   */
  static @Nullable String forwardable(String decodedPath, String raw) {
    int q = raw.indexOf('?');
    String rawPath = q < 0 ? raw : raw.substring(0, q);
    if (!decodedPath.equals(decode(rawPath))) {
      return null;
    }
    return q < 0 ? ascii(rawPath) : ascii(rawPath) + '?' + ascii(raw.substring(q + 1));
  }

  /** The raw path of a request target (what precedes the query). */
  static String path(String raw) {
    int q = raw.indexOf('?');
    return q < 0 ? raw : raw.substring(0, q);
  }

  /** A decoded path percent-encoded back: every byte but RFC 3986 pchar and {@code /} is escaped. */
  static String encodePath(String decoded) {
    StringBuilder b = new StringBuilder(decoded.length() + 16);
    for (byte by : decoded.getBytes(StandardCharsets.UTF_8)) {
      int c = by & 0xff;
      if (isPathChar(c)) {
        b.append((char) c);
      } else {
        escape(b, c);
      }
    }
    return b.toString();
  }

  /** Escapes what is not visible ASCII (space, controls, non-ASCII as UTF-8); keeps existing escapes. */
  private static String ascii(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0x20 && c < 0x7f) {
        if (b != null) {
          b.append(c);
        }
        continue;
      }
      if (b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
      for (byte by : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
        escape(b, by & 0xff);
      }
      i = end - 1;
    }
    return b == null ? s : b.toString();
  }

  /** Percent-decodes a path as UTF-8; null when an escape is broken. */
  static @Nullable String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      int pct = s.indexOf('%', i);
      int end = pct < 0 ? s.length() : pct;
      byte[] text = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
      out.write(text, 0, text.length);
      if (pct < 0) {
        break;
      }
      if (pct + 2 >= s.length()) {
        return null;
      }
      int hi = Character.digit(s.charAt(pct + 1), 16);
      int lo = Character.digit(s.charAt(pct + 2), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out.write(hi << 4 | lo);
      i = pct + 3;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isPathChar(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
  }

  private static void escape(StringBuilder b, int c) {
    b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
  }
}
