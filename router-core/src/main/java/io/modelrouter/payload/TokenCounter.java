package io.modelrouter.payload;

/**
 * Counts the tokens of a piece of prompt text, for {@link io.modelrouter.RouteRequest#promptTokens()}.
 * The parser calls it once per string value of the prompt (message content, completion prompt,
 * embedding input) with the characters straight from its buffer, so a counter must not keep the
 * array. Implementations must be thread-safe.
 *
 * <p>{@link #approximate()} is the default: no dependency, no allocation, and inside the parser no
 * cost of its own. An exact tokenizer (for example jtokkit's {@code cl100k_base}) can be
 * plugged in through {@link PayloadParser.Builder#tokenCounter(TokenCounter)}; it costs far more
 * and is only as exact as the tokenizer matches the served model's.
 */
@FunctionalInterface
public interface TokenCounter {

  /** The number of tokens in {@code text[offset, offset + length)}. */
  int count(char[] text, int offset, int length);

  /**
   * A cheap estimate: one token per four ASCII characters (rounded up) plus one token per
   * non-ASCII character. English text with GPT-style BPE tokenizers averages about four
   * characters per token; CJK text about one character per token, so counting non-ASCII
   * characters one each keeps the estimate from under-counting them fourfold. It over-counts
   * accented Latin and Cyrillic text, which is the safe side for capacity and deadline checks.
   *
   * <p>With this counter the parser does not call it per string: it adds up the prompt strings'
   * lengths and takes the non-ASCII count from the UTF-8 validation pass over the body, which
   * visits every byte anyway, so the estimate costs no pass of its own.
   */
  static TokenCounter approximate() {
    return ApproximateTokenCounter.INSTANCE;
  }
}

/** See {@link TokenCounter#approximate()}. */
enum ApproximateTokenCounter implements TokenCounter {
  INSTANCE;

  @Override
  public int count(char[] text, int offset, int length) {
    int nonAscii = 0;
    for (int i = offset, end = offset + length; i < end; i++) {
      nonAscii += (text[i] + 0xFF80) >>> 16; // 1 for U+0080 and above, without a branch
    }
    return estimate(length, nonAscii);
  }

  /** The estimate for {@code chars} characters of which {@code nonAscii} are not ASCII. */
  static int estimate(long chars, long nonAscii) {
    long tokens = ((chars - nonAscii + 3) >>> 2) + nonAscii;
    return (int) Math.min(tokens, Integer.MAX_VALUE);
  }
}
