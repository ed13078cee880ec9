package io.modelrouter.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  @Test
  void render_isSelfContainedWithAChartPerChartAndTheTables() {
    Experiment experiment = Experiment.builder()
        .duration(5)
        .drain(1)
        .workload(Workloads.poisson(200, 5, 3))
        .server(Scenarios.endpoint("a"), (id, sim) -> new QueueingServer(id, sim, Units.millis(20), 0.2, 0, 0))
        .server(Scenarios.endpoint("b"), (id, sim) -> new QueueingServer(id, sim, Units.millis(40), 0.2, 0, 0))
        .build();
    List<RunStats> runs = List.of(experiment.run(Policy.roundRobin(), 3), experiment.run(Policy.p2cPeakEwma(), 3));
    Table table = new Table("policy", "p99 ms");
    runs.forEach(r -> table.row(r.policy, Units.formatMillis(r.latencyMs(99))));
    ScenarioReport report = new ScenarioReport("t", "Test <scenario>", "setup", "anchor", table, "why",
        List.of(new ScenarioReport.LatencyChart("latency", runs, false),
            new ScenarioReport.ShareChart("share", runs.get(1))),
        runs);

    String html = HtmlReport.render(List.of(report), 3, true);

    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(count(html, "<svg ")).isEqualTo(report.charts().size());
    assertThat(html).contains("<td>round robin</td>", "<polyline", "<path fill=", "Test &lt;scenario&gt;");
    assertThat(html).doesNotContain("<script", "<link", "src=", "href=", "@import");
  }

  @Test
  void escape_neutralisesMarkup() {
    assertThat(HtmlReport.escape("<a href=\"x\">&</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  }

  @Test
  void table_alignsTextColumns() {
    Table t = new Table("policy", "p99").row("round robin", "1,710").row("ewma", "200");

    assertThat(t.toText()).isEqualTo("policy         p99\n------------------\nround robin  1,710\newma           200\n");
    assertThat(t.cell("ewma", "p99")).isEqualTo("200");
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
