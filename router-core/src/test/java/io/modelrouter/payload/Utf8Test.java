package io.modelrouter.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void firstInvalid_acceptsEveryWellFormedSequence() {
    String text = "plain ascii long enough for the eight-byte path \u00e9\u00df \u4f60\u597d \ud83d\ude00 \uffff \u0800 \u07ff";
    assertThat(Utf8.firstInvalid(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    assertThat(Utf8.firstInvalid(new byte[0])).isEqualTo(-1);
    assertThat(Utf8.firstInvalid(bytes(0xF4, 0x8F, 0xBF, 0xBF))).isEqualTo(-1); // U+10FFFF
    assertThat(Utf8.firstInvalid(bytes(0xED, 0x9F, 0xBF))).isEqualTo(-1); // U+D7FF
  }

  @Test
  void firstInvalid_findsOverlongForms() {
    assertThat(Utf8.firstInvalid(bytes('a', 0xC0, 0xAF))).isEqualTo(1);
    assertThat(Utf8.firstInvalid(bytes(0xC1, 0xBF))).isZero();
    assertThat(Utf8.firstInvalid(bytes(0xE0, 0x80, 0xAF))).isZero();
    assertThat(Utf8.firstInvalid(bytes(0xF0, 0x80, 0x80, 0xAF))).isZero();
  }

  @Test
  void firstInvalid_findsSurrogatesAndCodePointsAboveTheMaximum() {
    assertThat(Utf8.firstInvalid(bytes(0xED, 0xA0, 0x80))).isZero();
    assertThat(Utf8.firstInvalid(bytes(0xF4, 0x90, 0x80, 0x80))).isZero();
    assertThat(Utf8.firstInvalid(bytes(0xF5, 0x80, 0x80, 0x80))).isZero();
  }

  @Test
  void firstInvalid_findsStrayAndTruncatedBytesAfterAsciiRuns() {
    assertThat(Utf8.firstInvalid("0123456789abcdef\u0080".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(16);
    assertThat(Utf8.firstInvalid(bytes('a', 'b', 0xE4, 0xBD))).isEqualTo(2);
    assertThat(Utf8.firstInvalid(bytes(0xC3, 'a'))).isZero();
    assertThat(Utf8.firstInvalid(bytes(0xF0, 0x9F, 0x98))).isZero();
  }
}
