package io.modelrouter.http;

import java.nio.charset.StandardCharsets;

/**
 * The last bytes of a response, kept while it streams through, to read the token counts of the
 * usage object at the end (OpenAI JSON bodies and the final chunk of an SSE stream) without
 * buffering the response. One small ring per response, scanned in place once at the end.
 */
final class UsageTail {

  /**
   * Bytes kept: 1 KiB. vLLM's final usage chunk and the {@code [DONE]} line after it take about
   * 300 bytes; a JSON body's usage object is followed by a few short fields at most.
   */
  static final int SIZE = 1024;

  private static final byte[] PROMPT = "\"prompt_tokens\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMPLETION = "\"completion_tokens\"".getBytes(StandardCharsets.US_ASCII);

  private final byte[] ring = new byte[SIZE];
  /** Bytes appended; only {@code written % SIZE} and {@code min(written, SIZE)} matter. */
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

  /** The prompt tokens of the last usage object seen; -1 when there is none. */
  int promptTokens() {
    return numberAfter(lastIndexOf(PROMPT), PROMPT.length);
  }

  /** The completion tokens of the last usage object seen; 0 when it has none (embeddings), -1 without usage. */
  int completionTokens() {
    if (lastIndexOf(PROMPT) < 0) {
      return -1;
    }
    return Math.max(numberAfter(lastIndexOf(COMPLETION), COMPLETION.length), 0);
  }

  private int length() {
    return (int) Math.min(written, SIZE);
  }

  /** The i-th kept byte, oldest first. */
  private byte at(int i) {
    int start = (int) ((written - length()) % SIZE);
    return ring[(start + i) % SIZE];
  }

  private int numberAfter(int at, int keyLength) {
    if (at < 0) {
      return -1;
    }
    int n = length();
    int i = at + keyLength;
    while (i < n && (at(i) == ' ' || at(i) == ':')) {
      i++;
    }
    long v = 0;
    int digits = 0;
    for (byte c; i < n && (c = at(i)) >= '0' && c <= '9' && digits < 10; i++, digits++) {
      v = v * 10 + (c - '0');
    }
    return digits == 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  private int lastIndexOf(byte[] key) {
    outer:
    for (int i = length() - key.length; i >= 0; i--) {
      for (int k = 0; k < key.length; k++) {
        if (at(i + k) != key[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
