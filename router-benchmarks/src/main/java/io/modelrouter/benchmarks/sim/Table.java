package io.modelrouter.benchmarks.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A table of strings, printed as aligned text (first column left, others right) or as HTML. */
final class Table {

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = List.of(headers);
  }

  Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("cells: " + cells.length + " (expected: " + headers.size() + ")");
    }
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  List<String> headers() {
    return headers;
  }

  List<List<String>> rows() {
    return rows;
  }

  /** The cell in the row whose first column is {@code rowLabel}, under {@code header}. */
  String cell(String rowLabel, String header) {
    int c = headers.indexOf(header);
    for (List<String> r : rows) {
      if (r.get(0).equals(rowLabel)) {
        return r.get(c);
      }
    }
    throw new IllegalArgumentException("row: " + rowLabel + " (expected one of the table's rows)");
  }

  String toText() {
    int[] width = new int[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, headers, width);
    char[] rule = new char[Arrays.stream(width).sum() + 2 * (width.length - 1)];
    Arrays.fill(rule, '-');
    sb.append(rule).append('\n');
    for (List<String> r : rows) {
      line(sb, r, width);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width) {
    for (int c = 0; c < cells.size(); c++) {
      String s = cells.get(c);
      String pad = " ".repeat(width[c] - s.length());
      sb.append(c == 0 ? s + pad : pad + s);
      if (c < cells.size() - 1) {
        sb.append("  ");
      }
    }
    sb.append('\n');
  }
}
