package io.modelrouter.http.internal;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Asks an OpenAI-compatible server for the token usage of a streamed answer, which it sends only
 * when asked ({@code "stream_options": {"include_usage": true}}, in a last chunk whose {@code
 * choices} is empty): the option is spliced into the request body in place, as {@link
 * ModelRewrite} splices the model (no re-serialisation: the client's key order, spacing and numbers
 * stay). A gateway that asked on a client's behalf strips that chunk from the stream it forwards.
 */
public final class StreamUsage {

  private static final byte[] STREAM_OPTIONS = key("stream_options");
  private static final byte[] INCLUDE_USAGE = key("include_usage");
  private static final int ABSENT = -1;
  private static final int UNREADABLE = -2;

  private StreamUsage() {}

  /**
   * The body with usage asked for, or null when it goes as it is: the client asked for usage
   * itself (its stream carries usage, for it to see), or its {@code stream_options} is neither an
   * object nor null (the server judges it), or the body is not a JSON object. Otherwise the
   * client's {@code include_usage} (absent, false or null) becomes true, or the whole option is
   * added.
   */
  public static byte @Nullable [] ask(byte[] body) {
    int open = ModelRewrite.skipSpace(body, 0);
    if (open >= body.length || body[open] != '{') {
      return null;
    }
    long options = member(body, open, STREAM_OPTIONS);
    if (options == UNREADABLE) {
      return null;
    }
    if (options == ABSENT) {
      return insert(body, open, "\"stream_options\":{\"include_usage\":true}");
    }
    int start = (int) (options >>> 32);
    int end = (int) options;
    if (body[start] == 'n') {
      return replace(body, start, end, "{\"include_usage\":true}");
    }
    if (body[start] != '{') {
      return null;
    }
    long include = member(body, start, INCLUDE_USAGE);
    if (include == UNREADABLE) {
      return null;
    }
    if (include == ABSENT) {
      return insert(body, start, "\"include_usage\":true");
    }
    int from = (int) (include >>> 32);
    int to = (int) include;
    if (to - from == 4 && body[from] == 't' && body[from + 1] == 'r' && body[from + 2] == 'u' && body[from + 3] == 'e') {
      return null;
    }
    return replace(body, from, to, "true");
  }

  /**
   * The value of the object's member {@code key} (its start in the high 32 bits, its end in the
   * low), {@link #ABSENT}, or {@link #UNREADABLE}. {@code open} is the object's {@code '{'}.
   */
  private static long member(byte[] b, int open, byte[] key) {
    int i = ModelRewrite.skipSpace(b, open + 1);
    while (i < b.length && b[i] == '"') {
      int keyEnd = ModelRewrite.stringEnd(b, i);
      if (keyEnd < 0) {
        return UNREADABLE;
      }
      boolean match = keyEnd - i == key.length && regionMatches(b, i, key);
      i = ModelRewrite.skipSpace(b, keyEnd);
      if (i >= b.length || b[i] != ':') {
        return UNREADABLE;
      }
      i = ModelRewrite.skipSpace(b, i + 1);
      int valueEnd = i < b.length ? ModelRewrite.valueEnd(b, i) : -1;
      if (valueEnd < 0) {
        return UNREADABLE;
      }
      if (match) {
        return ((long) i << 32) | valueEnd;
      }
      i = ModelRewrite.skipSpace(b, valueEnd);
      if (i < b.length && b[i] == ',') {
        i = ModelRewrite.skipSpace(b, i + 1);
      }
    }
    return i < b.length && b[i] == '}' ? ABSENT : UNREADABLE;
  }

  /** Adds {@code member} first in the object opening at {@code open}, with a comma unless the object is empty. */
  private static byte[] insert(byte[] b, int open, String member) {
    boolean empty = b[ModelRewrite.skipSpace(b, open + 1)] == '}';
    return replace(b, open + 1, open + 1, empty ? member : member + ",");
  }

  private static byte[] replace(byte[] b, int from, int to, String with) {
    byte[] w = with.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[b.length - (to - from) + w.length];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(w, 0, out, from, w.length);
    System.arraycopy(b, to, out, from + w.length, b.length - to);
    return out;
  }

  private static boolean regionMatches(byte[] b, int at, byte[] key) {
    for (int k = 0; k < key.length; k++) {
      if (b[at + k] != key[k]) {
        return false;
      }
    }
    return true;
  }

  /** The key with its quotes, as it appears unescaped in a body. */
  private static byte[] key(String name) {
    return ('"' + name + '"').getBytes(StandardCharsets.US_ASCII);
  }
}
