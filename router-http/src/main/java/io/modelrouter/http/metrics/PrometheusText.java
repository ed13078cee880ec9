package io.modelrouter.http.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A lenient parser for the Prometheus text exposition format (version 0.0.4, and the OpenMetrics
 * lines model servers emit): {@code name{label="value",...} value [timestamp]}, with label escapes
 * ({@code \\}, {@code \"}, {@code \n}), {@code NaN}, {@code +Inf} and {@code -Inf}, {@code # HELP},
 * {@code # TYPE} and other comments, histogram and summary series, and CRLF line ends. A line that
 * is not valid is skipped, never fatal: one bad exporter line must not hide every other signal.
 *
 * <p>Stateless and thread-safe.
 */
public final class PrometheusText {

  private PrometheusText() {}

  /** Every valid sample of {@code text}, in order; invalid lines are skipped. */
  public static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    int n = text.length();
    int start = 0;
    while (start < n) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = n;
      }
      Sample s = parseLine(text, start, end);
      if (s != null) {
        out.add(s);
      }
      start = end + 1;
    }
    return out;
  }

  /** The sample on one line, or null for comments, blank and invalid lines. */
  static @Nullable Sample parseLine(String t, int from, int to) {
    int i = skipSpaces(t, from, to);
    if (to > i && t.charAt(to - 1) == '\r') {
      to--;
    }
    if (i >= to || t.charAt(i) == '#') {
      return null;
    }
    int nameStart = i;
    if (!isNameStart(t.charAt(i))) {
      return null;
    }
    while (i < to && isNameChar(t.charAt(i))) {
      i++;
    }
    String name = t.substring(nameStart, i);
    Map<String, String> labels = Map.of();
    int afterName = i;
    i = skipSpaces(t, i, to);
    if (i < to && t.charAt(i) == '{') {
      labels = new HashMap<>();
      i = parseLabels(t, i + 1, to, labels);
      if (i < 0) {
        return null;
      }
    } else if (i == afterName) {
      return null; // no space between name and value
    }
    int valueStart = skipSpaces(t, i, to);
    int valueEnd = valueStart;
    while (valueEnd < to && t.charAt(valueEnd) != ' ' && t.charAt(valueEnd) != '\t') {
      valueEnd++;
    }
    if (valueStart >= valueEnd) {
      return null;
    }
    double value = parseValue(t.substring(valueStart, valueEnd));
    if (Double.isNaN(value) && !t.startsWith("NaN", valueStart)) {
      return null;
    }
    // An optional integer timestamp may follow; anything else makes the line invalid.
    int rest = skipSpaces(t, valueEnd, to);
    if (rest < to) {
      int k = rest;
      if (t.charAt(k) == '-') {
        k++;
      }
      int digits = k;
      while (k < to && (Character.isDigit(t.charAt(k)) || t.charAt(k) == '.')) {
        k++;
      }
      if (k == digits || skipSpaces(t, k, to) != to) {
        return null;
      }
    }
    return new Sample(name, labels, value);
  }

  /** Parses labels after '{'; returns the index after '}' or -1 when invalid. */
  private static int parseLabels(String t, int i, int to, Map<String, String> labels) {
    while (true) {
      i = skipSpaces(t, i, to);
      if (i >= to) {
        return -1;
      }
      if (t.charAt(i) == '}') {
        return i + 1;
      }
      int ns = i;
      if (!isLabelStart(t.charAt(i))) {
        return -1;
      }
      while (i < to && isLabelChar(t.charAt(i))) {
        i++;
      }
      String key = t.substring(ns, i);
      i = skipSpaces(t, i, to);
      if (i >= to || t.charAt(i) != '=') {
        return -1;
      }
      i = skipSpaces(t, i + 1, to);
      if (i >= to || t.charAt(i) != '"') {
        return -1;
      }
      i++;
      StringBuilder v = new StringBuilder();
      boolean closed = false;
      while (i < to) {
        char c = t.charAt(i++);
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < to) {
          char e = t.charAt(i++);
          v.append(e == 'n' ? '\n' : e);
        } else {
          v.append(c);
        }
      }
      if (!closed) {
        return -1;
      }
      labels.put(key, v.toString());
      i = skipSpaces(t, i, to);
      if (i < to && t.charAt(i) == ',') {
        i++;
      } else if (i < to && t.charAt(i) != '}') {
        return -1;
      }
    }
  }

  private static double parseValue(String s) {
    switch (s) {
      case "+Inf":
      case "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        for (int k = 0; k < s.length(); k++) {
          char c = s.charAt(k);
          if (!(Character.isDigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
            return Double.NaN;
          }
        }
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
    }
  }

  private static int skipSpaces(String t, int i, int to) {
    while (i < to && (t.charAt(i) == ' ' || t.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isNameChar(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }

  private static boolean isLabelStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isLabelChar(char c) {
    return isLabelStart(c) || (c >= '0' && c <= '9');
  }
}
