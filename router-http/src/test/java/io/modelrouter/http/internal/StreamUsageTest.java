package io.modelrouter.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamUsageTest {

  private static String ask(String body) {
    byte[] asked = StreamUsage.ask(body.getBytes(StandardCharsets.UTF_8));
    return asked == null ? null : new String(asked, StandardCharsets.UTF_8);
  }

  @Test
  void ask_withoutStreamOptions_addsThemFirst_leavingTheRestAsItWas() {
    assertThat(ask("{ \"model\": \"m\",\"stream\":true, \"n\": 1.50 }"))
        .isEqualTo("{\"stream_options\":{\"include_usage\":true}, \"model\": \"m\",\"stream\":true, \"n\": 1.50 }");
  }

  @Test
  void ask_inAnEmptyObject_addsThemWithoutAComma() {
    assertThat(ask(" { } ")).isEqualTo(" {\"stream_options\":{\"include_usage\":true} } ");
  }

  @Test
  void ask_withOtherStreamOptions_addsIncludeUsageToThem() {
    assertThat(ask("{\"stream\":true,\"stream_options\":{\"continuous_usage_stats\":false}}"))
        .isEqualTo("{\"stream\":true,\"stream_options\":{\"include_usage\":true,\"continuous_usage_stats\":false}}");
    assertThat(ask("{\"stream_options\":{ },\"stream\":true}"))
        .isEqualTo("{\"stream_options\":{\"include_usage\":true },\"stream\":true}");
  }

  @Test
  void ask_whenTheClientSaidNoOrNull_turnsItOn() {
    assertThat(ask("{\"stream_options\":{\"include_usage\":false},\"stream\":true}"))
        .isEqualTo("{\"stream_options\":{\"include_usage\":true},\"stream\":true}");
    assertThat(ask("{\"stream_options\":{\"include_usage\" : null}}"))
        .isEqualTo("{\"stream_options\":{\"include_usage\" : true}}");
    assertThat(ask("{\"stream_options\":null,\"stream\":true}"))
        .isEqualTo("{\"stream_options\":{\"include_usage\":true},\"stream\":true}");
  }

  @Test
  void ask_whenTheClientAskedItself_leavesTheBodyAlone() {
    assertThat(ask("{\"stream\":true,\"stream_options\":{\"include_usage\":true}}")).isNull();
    assertThat(ask("{\"stream_options\": { \"x\": [1, {\"include_usage\": false}], \"include_usage\" :true }}")).isNull();
  }

  @Test
  void ask_whenTheBodyOrItsOptionsCannotBeRead_leavesTheBodyAlone() {
    assertThat(ask("[1, 2]")).isNull();
    assertThat(ask("{\"stream_options\":\"yes\"}")).isNull();
    assertThat(ask("{\"stream_options\":{\"include_usage\":true")).isNull();
    assertThat(ask("{\"model\" \"m\"}")).isNull();
  }

  @Test
  void ask_findsOnlyTheTopLevelMember() {
    assertThat(ask("{\"messages\":[{\"content\":\"\\\"stream_options\\\"\",\"stream_options\":{\"include_usage\":true}}]}"))
        .startsWith("{\"stream_options\":{\"include_usage\":true},\"messages\"");
  }
}
