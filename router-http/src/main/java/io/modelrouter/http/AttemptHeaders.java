package io.modelrouter.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The header fields observers set on one attempt (the trace context: {@code traceparent}, {@code
 * tracestate}, {@code baggage}), each checked as it comes, then laid over the forwarded fields of
 * the same names. Cheaper than a map: an attempt carries one to three such fields.
 */
final class AttemptHeaders implements BiConsumer<String, String> {

  /** Lower-case names and values, alternating. */
  private String[] fields = new String[4];
  private int size;

  @Override
  public void accept(String name, String value) {
    HeaderRules.checkField("trace context header", name, value);
    String lower = name.toLowerCase(Locale.ROOT);
    for (int i = 0; i < size; i += 2) {
      if (fields[i].equals(lower)) {
        fields[i + 1] = value;
        return;
      }
    }
    if (size == fields.length) {
      fields = Arrays.copyOf(fields, size * 2);
    }
    fields[size++] = lower;
    fields[size++] = value;
  }

  /** {@code forwarded} (lower-case names and values) with these fields over those of the same names; itself when none. */
  String[] over(String[] forwarded) {
    if (size == 0) {
      return forwarded;
    }
    String[] out = new String[forwarded.length + size];
    int n = 0;
    for (int i = 0; i < forwarded.length; i += 2) {
      if (!has(forwarded[i])) {
        out[n++] = forwarded[i];
        out[n++] = forwarded[i + 1];
      }
    }
    System.arraycopy(fields, 0, out, n, size);
    n += size;
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private boolean has(String name) {
    for (int i = 0; i < size; i += 2) {
      if (fields[i].equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
