package io.modelrouter.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  @Test
  void render_isSelfContainedWithAChartPerChartAndTheTables() {
    ScenarioReport report = Scenarios.linkerd(3, true, Scenarios.Progress.NONE);

    String html = HtmlReport.render(List.of(report), 3, true);

    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(count(html, "<svg ")).isEqualTo(report.charts().size());
    assertThat(html).contains("<td>round robin</td>", "<polyline", "<path fill=");
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
