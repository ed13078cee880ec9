package io.modelrouter.benchmarks.sim;

import io.modelrouter.benchmarks.sim.ScenarioReport.Chart;
import io.modelrouter.benchmarks.sim.ScenarioReport.LatencyChart;
import io.modelrouter.benchmarks.sim.ScenarioReport.ShareChart;
import java.util.List;
import java.util.Locale;

/**
 * Renders the scenarios as one self-contained HTML page: tables, text, and inline SVG charts
 * (latency by percentile on log axes; each endpoint's share of attempts over time, stacked). No
 * script, no stylesheet or font from elsewhere, so the file can be mailed or attached to a CI run.
 */
final class HtmlReport {

  private static final String[] PALETTE = {
      "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
      "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"};

  private static final int WIDTH = 840;
  private static final int HEIGHT = 320;
  private static final int LEFT = 72;
  private static final int RIGHT = 250;
  private static final int TOP = 36;
  private static final int BOTTOM = 40;

  private HtmlReport() {}

  static String render(List<ScenarioReport> reports, long seed, boolean quick) {
    StringBuilder sb = new StringBuilder(64 * 1024);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>modelrouter routing quality</title><style>")
        .append("body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{padding:3px 10px;border-bottom:1px solid #ddd}")
        .append("td{text-align:right;font-variant-numeric:tabular-nums}td:first-child,th:first-child{text-align:left}")
        .append("blockquote{border-left:3px solid #ccc;margin:1em 0;padding:0 1em;color:#555}")
        .append("svg{display:block;margin:1em 0;max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif}")
        .append("</style></head><body>\n<h1>modelrouter routing quality</h1>\n<p>")
        .append("Every number below comes from the routing-quality simulator driving the real router-core")
        .append(" strategies in simulated time (seed ").append(seed).append(quick ? ", short versions" : "")
        .append("). The same seed gives the same report.</p>\n");
    for (ScenarioReport r : reports) {
      sb.append("<h2>").append(escape(r.title())).append("</h2>\n");
      sb.append("<p>").append(escape(r.setup())).append("</p>\n");
      sb.append("<blockquote>").append(escape(r.anchor())).append("</blockquote>\n");
      table(sb, r.table());
      sb.append("<p>").append(escape(r.explanation())).append("</p>\n");
      for (Chart c : r.charts()) {
        if (c instanceof LatencyChart lc) {
          latencyChart(sb, lc);
        } else if (c instanceof ShareChart sc) {
          shareChart(sb, sc);
        }
      }
    }
    return sb.append("</body></html>\n").toString();
  }

  private static void table(StringBuilder sb, Table t) {
    sb.append("<table><thead><tr>");
    for (String h : t.headers()) {
      sb.append("<th>").append(escape(h)).append("</th>");
    }
    sb.append("</tr></thead><tbody>\n");
    for (List<String> row : t.rows()) {
      sb.append("<tr>");
      for (String c : row) {
        sb.append("<td>").append(escape(c)).append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</tbody></table>\n");
  }

  /** Latency against percentile; x is log10(1 / (1 - p)), so 90, 99, 99.9 are evenly spaced. */
  private static void latencyChart(StringBuilder sb, LatencyChart chart) {
    double maxX = 0;
    double minMs = Double.POSITIVE_INFINITY;
    double maxMs = 0;
    for (RunStats r : chart.runs()) {
      LongSeries s = chart.ttft() ? r.ttft : r.latency;
      if (s.size() == 0) {
        continue;
      }
      maxX = Math.max(maxX, Math.min(4, Math.log10(s.size())));
      minMs = Math.min(minMs, Math.max(Units.toMillis(s.percentile(1)), 0.01));
      maxMs = Math.max(maxMs, Units.toMillis(s.percentile(100)));
    }
    if (maxMs == 0) {
      return;
    }
    double lo = Math.floor(Math.log10(minMs));
    double hi = Math.ceil(Math.log10(maxMs));
    if (hi <= lo) {
      hi = lo + 1;
    }
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    openSvg(sb, chart.title());
    for (double d = lo; d <= hi; d++) {
      double y = TOP + plotH - (d - lo) / (hi - lo) * plotH;
      gridLine(sb, LEFT, y, LEFT + plotW, y);
      double ms = Math.pow(10, d);
      label(sb, LEFT - 6, y + 4, "end", ms >= 1 ? String.format(Locale.ROOT, "%,.0f", ms) : Units.formatMillis(ms));
    }
    String[] ticks = {"p0", "p90", "p99", "p99.9", "p99.99"};
    for (int k = 0; k <= (int) maxX; k++) {
      double x = LEFT + k / maxX * plotW;
      gridLine(sb, x, TOP, x, TOP + plotH);
      label(sb, x, TOP + plotH + 16, "middle", ticks[k]);
    }
    label(sb, LEFT + plotW / 2.0, HEIGHT - 4, "middle", "percentile");
    label(sb, 8, TOP - 20, "start", (chart.ttft() ? "time to first token" : "latency") + ", ms (log)");
    // Drawn last to first and every other line dashed, so that two policies with the same curve
    // (such as the default and the strategy it is) both stay visible.
    List<RunStats> runs = chart.runs();
    for (int i = runs.size() - 1; i >= 0; i--) {
      LongSeries s = chart.ttft() ? runs.get(i).ttft : runs.get(i).latency;
      if (s.size() == 0) {
        continue;
      }
      sb.append("<polyline fill=\"none\" stroke-width=\"1.6\"")
          .append(i % 2 == 1 ? " stroke-dasharray=\"7 4\"" : "")
          .append(" stroke=\"").append(PALETTE[i % PALETTE.length]).append("\" points=\"");
      int steps = 240;
      for (int k = 0; k <= steps; k++) {
        double x = maxX * k / steps;
        double p = 100 * (1 - Math.pow(10, -x));
        double ms = Math.max(Units.toMillis(s.percentile(p)), Math.pow(10, lo));
        double px = LEFT + x / maxX * plotW;
        double py = TOP + plotH - (Math.log10(ms) - lo) / (hi - lo) * plotH;
        sb.append(fmt(px)).append(',').append(fmt(py)).append(' ');
      }
      sb.append("\"/>\n");
    }
    for (int i = 0; i < runs.size(); i++) {
      legend(sb, i, PALETTE[i % PALETTE.length], runs.get(i).policy);
    }
    sb.append("</svg>\n");
  }

  /** Each endpoint's share of the attempts in each time bucket, stacked to 100%. */
  private static void shareChart(StringBuilder sb, ShareChart chart) {
    RunStats r = chart.run();
    int buckets = r.attemptsByBucket.length;
    int endpoints = r.endpointIds.size();
    if (buckets == 0 || endpoints == 0) {
      return;
    }
    double[][] cumulative = new double[buckets][endpoints + 1];
    for (int b = 0; b < buckets; b++) {
      double total = 0;
      for (int e = 0; e < endpoints; e++) {
        total += r.attemptsByBucket[b][e];
      }
      for (int e = 0; e < endpoints; e++) {
        cumulative[b][e + 1] = cumulative[b][e] + (total == 0 ? 0 : r.attemptsByBucket[b][e] / total);
      }
    }
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    openSvg(sb, chart.title());
    for (int e = 0; e < endpoints; e++) {
      String color = PALETTE[e % PALETTE.length];
      sb.append("<path fill=\"").append(color).append("\" fill-opacity=\"0.85\" d=\"");
      for (int b = 0; b < buckets; b++) {
        sb.append(b == 0 ? 'M' : 'L').append(fmt(LEFT + (b + 0.5) / buckets * plotW)).append(',')
            .append(fmt(TOP + plotH - cumulative[b][e + 1] * plotH)).append(' ');
      }
      for (int b = buckets - 1; b >= 0; b--) {
        sb.append('L').append(fmt(LEFT + (b + 0.5) / buckets * plotW)).append(',')
            .append(fmt(TOP + plotH - cumulative[b][e] * plotH)).append(' ');
      }
      sb.append("Z\"/>\n");
      legend(sb, e, color, r.endpointIds.get(e));
    }
    for (int pct = 0; pct <= 100; pct += 25) {
      double y = TOP + plotH - pct / 100.0 * plotH;
      gridLine(sb, LEFT, y, LEFT + plotW, y);
      label(sb, LEFT - 6, y + 4, "end", pct + "%");
    }
    double seconds = r.durationNanos / 1e9;
    for (int k = 0; k <= 4; k++) {
      double x = LEFT + k / 4.0 * plotW;
      label(sb, x, TOP + plotH + 16, "middle", String.format(Locale.ROOT, "%.0fs", seconds * k / 4));
    }
    label(sb, LEFT + plotW / 2.0, HEIGHT - 4, "middle", "simulated time");
    label(sb, 8, TOP - 20, "start", "share of attempts");
    sb.append("</svg>\n");
  }

  private static void openSvg(StringBuilder sb, String title) {
    sb.append("<h3>").append(escape(title)).append("</h3>\n")
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"").append(escape(title)).append("\">\n");
  }

  private static void legend(StringBuilder sb, int i, String color, String text) {
    int x = WIDTH - RIGHT + 14;
    int y = TOP + 4 + i * 16;
    sb.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"10\" height=\"10\" fill=\"")
        .append(color).append("\"/>");
    label(sb, x + 14, y + 9, "start", text);
  }

  private static void gridLine(StringBuilder sb, double x1, double y1, double x2, double y2) {
    sb.append("<line x1=\"").append(fmt(x1)).append("\" y1=\"").append(fmt(y1)).append("\" x2=\"").append(fmt(x2))
        .append("\" y2=\"").append(fmt(y2)).append("\" stroke=\"#ddd\"/>\n");
  }

  private static void label(StringBuilder sb, double x, double y, String anchor, String text) {
    sb.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" text-anchor=\"")
        .append(anchor).append("\">").append(escape(text)).append("</text>\n");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
