package io.modelrouter.payload;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Objects;

/**
 * An exact {@link TokenCounter} for OpenAI's BPE encodings, backed by
 * <a href="https://github.com/knuddels/jtokkit">jtokkit</a>. jtokkit is an optional dependency of
 * router-core: add {@code com.knuddels:jtokkit} to use this class.
 *
 * <p>"Exact" holds for models that use the chosen encoding ({@code cl100k_base} for GPT-3.5/4,
 * {@code o200k_base} for GPT-4o); for Llama, Qwen or Mistral tokenizers it is a closer estimate
 * than {@link TokenCounter#approximate()}, at a far higher cost per character (see
 * {@code docs/benchmarks.md}). Special-token markers in a prompt are counted as ordinary text, so
 * hostile input cannot make counting fail.
 *
 * <p>Thread-safe.
 */
public final class JtokkitTokenCounter implements TokenCounter {

  private final Encoding encoding;

  private JtokkitTokenCounter(Encoding encoding) {
    this.encoding = encoding;
  }

  /**
   * A counter for a jtokkit encoding: {@code cl100k_base}, {@code o200k_base}, {@code p50k_base},
   * {@code p50k_edit} or {@code r50k_base}.
   *
   * @throws IllegalArgumentException naming the accepted encodings
   */
  public static JtokkitTokenCounter of(String encodingName) {
    Objects.requireNonNull(encodingName, "encodingName");
    EncodingType type = EncodingType.fromName(encodingName).orElseThrow(() -> new IllegalArgumentException(
        "encodingName: '" + encodingName + "' (expected: cl100k_base, o200k_base, p50k_base, p50k_edit or r50k_base)"));
    return new JtokkitTokenCounter(Registry.ENCODINGS.getEncoding(type));
  }

  /** One registry for every counter, so that each encoding's vocabulary is loaded once. */
  private static final class Registry {
    static final EncodingRegistry ENCODINGS = Encodings.newLazyEncodingRegistry();
  }

  @Override
  public int count(char[] text, int offset, int length) {
    return length == 0 ? 0 : encoding.countTokensOrdinary(new String(text, offset, length));
  }

  @Override
  public String toString() {
    return "JtokkitTokenCounter{" + encoding.getName() + '}';
  }
}
