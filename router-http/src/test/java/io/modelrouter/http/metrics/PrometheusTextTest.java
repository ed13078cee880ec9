package io.modelrouter.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void parse_readsNamesLabelsAndValues() {
    List<Sample> s = PrometheusText.parse("""
        # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_waiting{engine="0",model_name="m"} 3.0
        plain_metric 42
        """);

    assertThat(s).containsExactly(
        new Sample("vllm:num_requests_waiting", Map.of("engine", "0", "model_name", "m"), 3.0),
        new Sample("plain_metric", Map.of(), 42));
  }

  @Test
  void parse_resolvesLabelEscapesAndCommasInValues() {
    List<Sample> s = PrometheusText.parse(
        "m{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\",list=\"x,y\",} 1\n");

    assertThat(s).singleElement().satisfies(x -> {
      assertThat(x.label("path")).isEqualTo("C:\\dir");
      assertThat(x.label("quote")).isEqualTo("say \"hi\"");
      assertThat(x.label("nl")).isEqualTo("a\nb");
      assertThat(x.label("list")).isEqualTo("x,y");
    });
  }

  @Test
  void parse_readsSpecialValuesTimestampsAndCrlf() {
    List<Sample> s = PrometheusText.parse(
        "a NaN\r\nb +Inf\r\nc -Inf 1700000000000\r\nd 1.5e-3\r\ne{x=\"1\"}   7   \r\n");

    assertThat(s).extracting(Sample::name).containsExactly("a", "b", "c", "d", "e");
    assertThat(s.get(0).value()).isNaN();
    assertThat(s.get(1).value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(s.get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(s.get(3).value()).isEqualTo(0.0015);
    assertThat(s.get(4).value()).isEqualTo(7);
  }

  @Test
  void parse_readsHistogramSeries() {
    List<Sample> s = PrometheusText.parse("""
        # TYPE lat histogram
        lat_bucket{le="0.1"} 1
        lat_bucket{le="+Inf"} 3
        lat_sum 0.7
        lat_count 3
        """);

    assertThat(s).extracting(Sample::name).containsExactly("lat_bucket", "lat_bucket", "lat_sum", "lat_count");
    assertThat(s.get(1).label("le")).isEqualTo("+Inf");
  }

  @Test
  void parse_skipsGarbageLinesAndKeepsTheRest() {
    List<Sample> s = PrometheusText.parse("""
        good 1
        this is not a metric
        {no_name="x"} 1
        bad_value abc
        unclosed{a="b 1
        missing_value{a="b"}
        9starts_with_digit 1
        trailing 1 2 3
        also_good{a="b"} 2
        """);

    assertThat(s).extracting(Sample::name).containsExactly("good", "also_good");
  }

  @Test
  void parse_ofEmptyOrCommentOnlyTextIsEmpty() {
    assertThat(PrometheusText.parse("")).isEmpty();
    assertThat(PrometheusText.parse("# just a comment\n\n   \n")).isEmpty();
  }
}
