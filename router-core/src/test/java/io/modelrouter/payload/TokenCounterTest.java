package io.modelrouter.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenCounterTest {

  private static int count(TokenCounter counter, String text) {
    char[] padded = ("##" + text + "##").toCharArray();
    return counter.count(padded, 2, text.length());
  }

  @Test
  void approximate_countsFourAsciiCharactersPerTokenRoundingUp() {
    TokenCounter c = TokenCounter.approximate();

    assertThat(count(c, "")).isZero();
    assertThat(count(c, "a")).isEqualTo(1);
    assertThat(count(c, "abcd")).isEqualTo(1);
    assertThat(count(c, "abcde")).isEqualTo(2);
  }

  @Test
  void approximate_countsEachNonAsciiCharacterAsAToken() {
    assertThat(count(TokenCounter.approximate(), "\u65e5\u672c\u8a9e abcd")).isEqualTo(3 + 2);
  }

  @Test
  void jtokkit_countsExactCl100kTokens() {
    TokenCounter c = JtokkitTokenCounter.of("cl100k_base");

    assertThat(count(c, "hello world")).isEqualTo(2);
    assertThat(count(c, "")).isZero();
  }

  @Test
  void jtokkit_countsSpecialTokenMarkersAsText() {
    assertThat(count(JtokkitTokenCounter.of("cl100k_base"), "<|endoftext|>")).isGreaterThan(1);
  }

  @Test
  void jtokkit_namesTheAcceptedEncodings() {
    assertThatThrownBy(() -> JtokkitTokenCounter.of("gpt2-ish"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cl100k_base");
  }

  @Test
  void approximate_staysWithinAFactorOfTwoOfCl100kOnEnglishProse() {
    String prose = "The quick brown fox jumps over the lazy dog. Routing each request to the endpoint that "
        + "already holds its prompt prefix in the KV cache saves the prefill, which dominates the time to "
        + "first token for long prompts; the router therefore hashes the system prompt and the first turn.";
    int exact = count(JtokkitTokenCounter.of("cl100k_base"), prose);
    int estimate = count(TokenCounter.approximate(), prose);

    assertThat((double) estimate / exact).isBetween(0.5, 2.0);
  }
}
