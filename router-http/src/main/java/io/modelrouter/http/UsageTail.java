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

  /**
   * Puts the kept bytes in order at the start of the ring, in place, and returns how many there
   * are. Called once, at the end of the response.
   */
  private int linearize() {
    int n = (int) Math.min(written, SIZE);
    int start = (int) ((written - n) % SIZE);
    if (start != 0) {
      // Rotate left by start: three reversals, no copy.
      reverse(0, start - 1);
      reverse(start, SIZE - 1);
      reverse(0, SIZE - 1);
    }
    written = n;
    return n;
  }

  private void reverse(int from, int to) {
    for (; from < to; from++, to--) {
      byte t = ring[from];
      ring[from] = ring[to];
      ring[to] = t;
    }
  }

  /**
   * The token counts of the last usage object in the tail, packed: prompt tokens in the high 32
   * bits, completion tokens in the low. Prompt tokens are -1 when there is no usage object;
   * completion tokens are 0 when the usage has none (embeddings).
   */
  long usage() {
    int n = linearize();
    int p = lastIndexOf(PROMPT, n);
    if (p < 0) {
      return ((long) -1 << 32) | 0xffffffffL;
    }
    int prompt = numberAfter(p + PROMPT.length, n);
    int completion = Math.max(numberAfter(lastIndexOf(COMPLETION, n), COMPLETION.length, n), 0);
    return ((long) prompt << 32) | (completion & 0xffffffffL);
  }

  static int prompt(long usage) {
    return (int) (usage >> 32);
  }

  static int completion(long usage) {
    return (int) usage;
  }

  private int numberAfter(int at, int keyLength, int n) {
    return at < 0 ? -1 : numberAfter(at + keyLength, n);
  }

  private int numberAfter(int i, int n) {
    while (i < n && (ring[i] == ' ' || ring[i] == ':')) {
      i++;
    }
    long v = 0;
    int digits = 0;
    for (; i < n && ring[i] >= '0' && ring[i] <= '9' && digits < 10; i++, digits++) {
      v = v * 10 + (ring[i] - '0');
    }
    return digits == 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  private int lastIndexOf(byte[] key, int n) {
    byte first = key[0];
    outer:
    for (int i = n - key.length; i >= 0; i--) {
      if (ring[i] != first) {
        continue;
      }
      for (int k = 1; k < key.length; k++) {
        if (ring[i + k] != key[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
