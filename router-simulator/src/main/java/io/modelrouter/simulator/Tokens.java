package io.modelrouter.simulator;

/**
 * The text a simulated server generates: a short word per token, cycling through a fixed list, or,
 * when tokens are longer than {@value #MAX_WORD_CHARS} characters, the same long token every time
 * (to make large answers cheaply).
 */
final class Tokens {

  /** Token lengths up to this are words; above, one fixed text. */
  private static final int MAX_WORD_CHARS = 16;

  private static final String[] WORDS = {
    "the", "model", "router", "sends", "each", "request", "to", "a", "healthy", "endpoint",
    "with", "capacity", "and", "low", "latency", "while", "tokens", "stream", "back", "fast"
  };

  private final boolean fixed;
  private final String fixedText;

  /** Tokens of about {@code tokenChars} characters. */
  Tokens(int tokenChars) {
    StringBuilder t = new StringBuilder();
    for (int k = 0; t.length() < tokenChars; k++) {
      t.append(WORDS[k % WORDS.length]).append(' ');
    }
    this.fixedText = t.substring(0, tokenChars);
    this.fixed = tokenChars > MAX_WORD_CHARS;
  }

  /** The {@code t}-th token of an answer. */
  String token(int t) {
    return fixed ? fixedText : WORDS[t % WORDS.length] + ' ';
  }

  /** Whether every token is the same text, so that its JSON form can be built once per answer. */
  boolean fixed() {
    return fixed;
  }

  /** The answer of {@code count} tokens. */
  String text(int count) {
    StringBuilder text = new StringBuilder();
    for (int t = 0; t < count; t++) {
      text.append(token(t));
    }
    return text.toString();
  }
}
