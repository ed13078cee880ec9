package io.modelrouter.http;

import java.nio.charset.StandardCharsets;

/**
 * The last bytes of a response, kept while it streams through, to read the token counts of the
 * usage object at the end (OpenAI JSON bodies and the final chunk of an SSE stream) without
 * buffering the response.
 */
final class UsageTail {

  static final int SIZE = 2048;
  private static final byte[] PROMPT = "\"prompt_tokens\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMPLETION = "\"completion_tokens\"".getBytes(StandardCharsets.US_ASCII);

  private final byte[] ring = new byte[SIZE];
  /** Bytes appended, modulo nothing but the ring arithmetic: only {@code written % SIZE} and {@code min(written, SIZE)} are used. */
  private long written;

  /** Keeps the last bytes of {@code b[off, off + len)}. */
  void append(byte[] b, int off, int len) {
    if (len >= SIZE) {
      System.arraycopy(b, off + len - SIZE, ring, 0, SIZE);
      written = SIZE; // full, oldest byte at index 0
      return;
    }
    int pos = (int) (written % SIZE);
    int first = Math.min(len, SIZE - pos);
    System.arraycopy(b, off, ring, pos, first);
    if (first < len) {
      System.arraycopy(b, off + first, ring, 0, len - first);
    }
    written += len;
  }

  /** The kept bytes in order. */
  byte[] bytes() {
    int n = (int) Math.min(written, SIZE);
    byte[] out = new byte[n];
    int start = (int) ((written - n) % SIZE);
    int first = Math.min(n, SIZE - start);
    System.arraycopy(ring, start, out, 0, first);
    System.arraycopy(ring, 0, out, first, n - first);
    return out;
  }

  /** The prompt tokens of the last usage object seen; -1 when there is none. */
  int promptTokens() {
    return lastNumberAfter(bytes(), PROMPT);
  }

  /** The completion tokens of the last usage object seen; 0 when it has none (embeddings), -1 without usage. */
  int completionTokens() {
    byte[] b = bytes();
    if (lastIndexOf(b, PROMPT) < 0) {
      return -1;
    }
    return Math.max(lastNumberAfter(b, COMPLETION), 0);
  }

  static int lastNumberAfter(byte[] b, byte[] key) {
    int at = lastIndexOf(b, key);
    if (at < 0) {
      return -1;
    }
    int i = at + key.length;
    while (i < b.length && (b[i] == ' ' || b[i] == ':')) {
      i++;
    }
    long v = 0;
    int digits = 0;
    while (i < b.length && b[i] >= '0' && b[i] <= '9' && digits < 10) {
      v = v * 10 + (b[i] - '0');
      i++;
      digits++;
    }
    return digits == 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  private static int lastIndexOf(byte[] b, byte[] key) {
    outer:
    for (int i = b.length - key.length; i >= 0; i--) {
      for (int k = 0; k < key.length; k++) {
        if (b[i + k] != key[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
