package io.modelrouter.http.gateway;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes a response body through and keeps its last {@value #TAIL} bytes, where the OpenAI usage
 * object sits (the end of a JSON answer, or the final chunk of a stream), to read the tokens
 * actually used for the tenant's token quota.
 */
final class UsageScanner extends FilterOutputStream {

  static final int TAIL = 1024;

  private final byte[] ring = new byte[TAIL];
  private long written;

  UsageScanner(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    ring[(int) (written++ % TAIL)] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    int keep = Math.min(len, TAIL);
    for (int i = off + len - keep; i < off + len; i++) {
      ring[(int) (written++ % TAIL)] = b[i];
    }
    written += len - keep;
  }

  /** Prompt plus completion tokens of the last usage object seen, or 0 when there is none. */
  long tokens() {
    int n = (int) Math.min(written, TAIL);
    byte[] tail = new byte[n];
    for (int i = 0; i < n; i++) {
      tail[i] = ring[(int) ((written - n + i) % TAIL)];
    }
    String text = new String(tail, StandardCharsets.UTF_8);
    int usage = text.lastIndexOf("\"usage\"");
    if (usage < 0) {
      return 0;
    }
    long total = number(text, "\"total_tokens\"", usage);
    if (total > 0) {
      return total;
    }
    return Math.max(0, number(text, "\"prompt_tokens\"", usage)) + Math.max(0, number(text, "\"completion_tokens\"", usage));
  }

  private static long number(String text, String key, int from) {
    int k = text.indexOf(key, from);
    if (k < 0) {
      return -1;
    }
    int i = k + key.length();
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ':')) {
      i++;
    }
    long v = 0;
    int digits = 0;
    while (i < text.length() && Character.isDigit(text.charAt(i)) && digits < 12) {
      v = v * 10 + (text.charAt(i++) - '0');
      digits++;
    }
    return digits == 0 ? -1 : v;
  }
}
