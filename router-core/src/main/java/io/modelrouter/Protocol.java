package io.modelrouter;

import java.util.Locale;

/** The wire protocol an endpoint speaks and a request arrives in. */
public enum Protocol {
  /** The OpenAI-compatible API: {@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}. */
  OPENAI,
  /** The Open Inference Protocol v2 (KServe v2, Triton): {@code /v2/models/{name}/infer}. */
  OIP;

  /**
   * Parses a protocol name as written in a registry file: {@code openai}, or {@code oip}
   * (also {@code kserve}, {@code kserve-v2}, {@code triton}, {@code v2}).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Protocol fromName(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "openai":
        return OPENAI;
      case "oip":
      case "kserve":
      case "kserve-v2":
      case "triton":
      case "v2":
        return OIP;
      default:
        throw new IllegalArgumentException(
            "protocol: '" + name + "' (expected: openai, oip, kserve, triton)");
    }
  }

  /** The lower-case name used in registry files. */
  public String configName() {
    return this == OPENAI ? "openai" : "oip";
  }
}
