package io.modelrouter.gateway;

import io.modelrouter.gateway.DemoWorkload.Event;
import io.modelrouter.gateway.DemoWorkload.Result;
import io.modelrouter.gateway.DemoWorkload.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarises a demo run: the console table (share per endpoint, p50/p95/p99 latency, errors,
 * rejections by reason) and a self-contained HTML report with inline SVG charts.
 */
final class DemoReport {

  private static final String[] COLORS = {
    "#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563"
  };

  /** One endpoint's line of the table. */
  record Row(String endpoint, int requests, double share, double p50, double p95, double p99, int errors) {}

  private final Result result;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Integer> rejections = new TreeMap<>();
  private final Map<String, Integer> kinds = new TreeMap<>();
  /** Answers per served model ({@code x-modelrouter-model}), and those of them to the demo route. */
  private final Map<String, Integer> byModel = new TreeMap<>();
  private final Map<String, Integer> byRouteModel = new TreeMap<>();
  private int total;
  private int ok;
  private int errors;

  DemoReport(Result result) {
    this.result = result;
    Map<String, List<Sample>> byEndpoint = new TreeMap<>();
    for (Sample s : result.samples()) {
      total++;
      kinds.merge(s.kind(), 1, Integer::sum);
      if (s.ok()) {
        ok++;
      }
      if (s.rejected()) {
        rejections.merge(s.reason(), 1, Integer::sum);
      } else if (s.error()) {
        errors++;
      }
      if (!s.endpoint().equals("-")) {
        byEndpoint.computeIfAbsent(s.endpoint(), k -> new ArrayList<>()).add(s);
      }
      if (s.ok() && !s.model().equals("-")) {
        byModel.merge(s.model(), 1, Integer::sum);
        if (s.kind().equals("route")) {
          byRouteModel.merge(s.model(), 1, Integer::sum);
        }
      }
    }
    int routed = 0;
    for (List<Sample> l : byEndpoint.values()) {
      routed += l.size();
    }
    for (Map.Entry<String, List<Sample>> e : byEndpoint.entrySet()) {
      List<Long> lat = new ArrayList<>();
      int err = 0;
      for (Sample s : e.getValue()) {
        if (s.ok()) {
          lat.add(s.latencyNanos());
        } else if (s.error()) {
          err++;
        }
      }
      lat.sort(null);
      rows.add(new Row(e.getKey(), e.getValue().size(), 100.0 * e.getValue().size() / Math.max(1, routed),
          percentile(lat, 0.50) / 1e6, percentile(lat, 0.95) / 1e6, percentile(lat, 0.99) / 1e6, err));
    }
  }

  /** The value at quantile {@code q} of sorted values; 0 when empty. */
  static double percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  int errors() {
    return errors;
  }

  int total() {
    return total;
  }

  List<Row> rows() {
    return rows;
  }

  Map<String, Integer> rejections() {
    return rejections;
  }

  /** The table of answers per served model ({@code x-modelrouter-model}), and of the route's answers. */
  private String modelTable() {
    int answered = byModel.values().stream().mapToInt(Integer::intValue).sum();
    int routed = byRouteModel.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s %9s %7s %15s%n",
        "served model", "answers", "share", "share of route"));
    for (Map.Entry<String, Integer> e : byModel.entrySet()) {
      int viaRoute = byRouteModel.getOrDefault(e.getKey(), 0);
      sb.append(String.format(Locale.ROOT, "%-22s %9d %6.1f%% %14.1f%%%n", e.getKey(), e.getValue(),
          100.0 * e.getValue() / Math.max(1, answered), 100.0 * viaRoute / Math.max(1, routed)));
    }
    return sb.toString();
  }

  /** The console summary. */
  String table() {
    StringBuilder sb = new StringBuilder();
    double secs = result.durationNanos() / 1e9;
    sb.append(String.format(Locale.ROOT, "%d requests in %.1f s (%.0f req/s): %d ok, %d rejected on purpose, %d errors%n",
        total, secs, total / secs, ok, total - ok - errors, errors));
    sb.append('\n');
    sb.append(String.format(Locale.ROOT, "%-12s %9s %7s %9s %9s %9s %7s%n", "endpoint", "requests", "share", "p50 ms", "p95 ms", "p99 ms", "errors"));
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%-12s %9d %6.1f%% %9.1f %9.1f %9.1f %7d%n",
          r.endpoint(), r.requests(), r.share(), r.p50(), r.p95(), r.p99(), r.errors()));
    }
    sb.append('\n').append(modelTable());
    sb.append('\n');
    sb.append(String.format(Locale.ROOT, "%-24s %9s%n", "rejections by reason", "count"));
    if (rejections.isEmpty()) {
      sb.append("  (none)\n");
    }
    for (Map.Entry<String, Integer> e : rejections.entrySet()) {
      sb.append(String.format(Locale.ROOT, "%-24s %9d%n", e.getKey(), e.getValue()));
    }
    if (!result.events().isEmpty()) {
      sb.append('\n');
      for (Event e : result.events()) {
        sb.append(String.format(Locale.ROOT, "at %5.1f s: %s%n", e.offsetNanos() / 1e9, e.text()));
      }
    }
    return sb.toString();
  }

  /** Writes {@code index.html} into {@code dir} and returns its path. */
  Path writeHtml(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("index.html");
    Files.writeString(file, html(), StandardCharsets.UTF_8);
    return file;
  }

  String html() {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>modelrouter demo report</title>\n<style>")
        .append("body{font:14px system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#111}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}h2{margin-top:2em}svg{background:#fafafa;border:1px solid #eee}")
        .append(".legend span{display:inline-block;margin-right:1em}.sw{display:inline-block;width:10px;height:10px;margin-right:4px}")
        .append("</style></head><body>\n<h1>modelrouter demo report</h1>\n");
    double secs = result.durationNanos() / 1e9;
    h.append(String.format(Locale.ROOT, "<p>%d requests in %.1f s (%.0f req/s): <b>%d ok</b>, %d rejected on purpose, <b>%d errors</b>.</p>%n",
        total, secs, total / secs, ok, total - ok - errors, errors));
    if (!result.events().isEmpty()) {
      h.append("<ul>");
      for (Event e : result.events()) {
        h.append(String.format(Locale.ROOT, "<li>at %.1f s: %s</li>", e.offsetNanos() / 1e9, esc(e.text())));
      }
      h.append("</ul>\n");
    }
    h.append("<h2>Requests per second by endpoint</h2>\n").append(throughputChart());
    h.append("<h2>Latency over time (successful requests)</h2>\n").append(latencyChart());
    h.append("<h2>Endpoints</h2>\n<table><tr><th>endpoint</th><th>requests</th><th>share</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>errors</th></tr>\n");
    for (Row r : rows) {
      h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%.1f%%</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%d</td></tr>%n",
          esc(r.endpoint()), r.requests(), r.share(), r.p50(), r.p95(), r.p99(), r.errors()));
    }
    h.append("</table>\n").append(percentileChart());
    h.append("<h2>Answers per served model</h2>\n<pre>").append(esc(modelTable())).append("</pre>\n");
    h.append("<h2>Rejections by reason</h2>\n");
    Map<String, Double> rej = new TreeMap<>();
    rejections.forEach((k, v) -> rej.put(k, (double) v));
    h.append(rej.isEmpty() ? "<p>none</p>" : barChart(rej, "requests"));
    h.append("<h2>Workload mix</h2>\n");
    Map<String, Double> mix = new TreeMap<>();
    kinds.forEach((k, v) -> mix.put(k, (double) v));
    h.append(barChart(mix, "requests"));
    h.append("\n<p>Generated by <code>java -jar router-gateway/target/modelrouter.jar demo</code>.</p></body></html>\n");
    return h.toString();
  }

  private int seconds() {
    return (int) Math.max(1, Math.ceil(result.durationNanos() / 1e9));
  }

  private String throughputChart() {
    int n = seconds();
    Map<String, double[]> series = new TreeMap<>();
    for (Sample s : result.samples()) {
      if (s.endpoint().equals("-")) {
        continue;
      }
      int sec = (int) Math.min(n - 1, s.offsetNanos() / 1_000_000_000L);
      series.computeIfAbsent(s.endpoint(), k -> new double[n])[sec]++;
    }
    return lineChart(series, n, "req/s");
  }

  private String latencyChart() {
    int n = seconds();
    List<List<Long>> perSecond = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      perSecond.add(new ArrayList<>());
    }
    for (Sample s : result.samples()) {
      if (s.ok()) {
        perSecond.get((int) Math.min(n - 1, s.offsetNanos() / 1_000_000_000L)).add(s.latencyNanos());
      }
    }
    double[] p50 = new double[n];
    double[] p99 = new double[n];
    for (int i = 0; i < n; i++) {
      List<Long> l = perSecond.get(i);
      l.sort(null);
      p50[i] = percentile(l, 0.5) / 1e6;
      p99[i] = percentile(l, 0.99) / 1e6;
    }
    Map<String, double[]> series = new TreeMap<>();
    series.put("p50", p50);
    series.put("p99", p99);
    return lineChart(series, n, "ms");
  }

  private String lineChart(Map<String, double[]> series, int n, String unit) {
    int w = 900;
    int ht = 260;
    int left = 50;
    int bottom = 30;
    double max = 1;
    for (double[] v : series.values()) {
      for (double d : v) {
        max = Math.max(max, d);
      }
    }
    max = niceCeiling(max);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">", w, ht, w, ht));
    double plotW = w - left - 10.0;
    double plotH = ht - bottom - 10.0;
    for (int g = 0; g <= 4; g++) {
      double y = 10 + plotH - plotH * g / 4;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>", left, w - 10, y, y));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>", left - 4, y + 3, fmt(max * g / 4)));
    }
    for (int t = 0; t <= n; t += Math.max(1, n / 10)) {
      double x = left + plotW * t / n;
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%ds</text>", x, ht - 12, t));
    }
    for (Event e : result.events()) {
      double x = left + plotW * (e.offsetNanos() / 1e9) / n;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"10\" y2=\"%.1f\" stroke=\"#991b1b\" stroke-dasharray=\"4 3\"/>", x, x, 10 + plotH));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"20\" font-size=\"10\" fill=\"#991b1b\">%s</text>", x + 3, esc(e.text())));
    }
    int c = 0;
    StringBuilder legend = new StringBuilder("<div class=\"legend\">");
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      String color = COLORS[c++ % COLORS.length];
      StringBuilder pts = new StringBuilder();
      double[] v = e.getValue();
      for (int i = 0; i < v.length; i++) {
        double x = left + plotW * (i + 0.5) / n;
        double y = 10 + plotH - plotH * v[i] / max;
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"").append(pts).append("\"/>");
      legend.append("<span><i class=\"sw\" style=\"background:").append(color).append("\"></i>").append(esc(e.getKey())).append("</span>");
    }
    s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%.1f\" font-size=\"10\" transform=\"rotate(-90 12 %.1f)\">%s</text>", 10 + plotH / 2, 10 + plotH / 2, unit));
    s.append("</svg>");
    return s + legend.append("</div>\n").toString();
  }

  private String percentileChart() {
    Map<String, double[]> groups = new TreeMap<>();
    for (Row r : rows) {
      groups.put(r.endpoint(), new double[] {r.p50(), r.p95(), r.p99()});
    }
    int w = 900;
    int rowH = 54;
    int left = 110;
    int ht = 20 + rowH * Math.max(1, groups.size());
    double max = 1;
    for (double[] v : groups.values()) {
      max = Math.max(max, v[2]);
    }
    max = niceCeiling(max);
    String[] names = {"p50", "p95", "p99"};
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" role=\"img\">", w, ht));
    int i = 0;
    for (Map.Entry<String, double[]> e : groups.entrySet()) {
      int y = 10 + i++ * rowH;
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>", left - 8, y + 26, esc(e.getKey())));
      for (int k = 0; k < 3; k++) {
        double len = (w - left - 80.0) * e.getValue()[k] / max;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>", left, y + k * 15, len, COLORS[k]));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s %.1f ms</text>", left + len + 4, y + k * 15 + 11, names[k], e.getValue()[k]));
      }
    }
    return s.append("</svg>\n").toString();
  }

  private static String barChart(Map<String, Double> values, String unit) {
    int w = 900;
    int rowH = 22;
    int left = 160;
    int ht = 10 + rowH * Math.max(1, values.size());
    double max = 1;
    for (double v : values.values()) {
      max = Math.max(max, v);
    }
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" role=\"img\">", w, ht));
    int i = 0;
    for (Map.Entry<String, Double> e : values.entrySet()) {
      int y = 6 + i * rowH;
      double len = (w - left - 120.0) * e.getValue() / max;
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>", left - 8, y + 13, esc(e.getKey())));
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>", left, y, len, COLORS[i % COLORS.length]));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s %s</text>", left + len + 4, y + 13, fmt(e.getValue()), unit));
      i++;
    }
    return s.append("</svg>\n").toString();
  }

  private static double niceCeiling(double v) {
    double mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= v) {
        return m * mag;
      }
    }
    return 10 * mag;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
