package io.modelrouter.benchmarks.sim;

/**
 * The performance of one LLM server, modelled as vLLM-style continuous batching: every engine
 * step decodes one token for each running sequence and runs the prefill of the sequences
 * admitted in that step.
 *
 * @param maxBatch the most sequences running at once (vLLM {@code max_num_seqs})
 * @param kvCapacityTokens tokens the KV cache holds; a sequence reserves prompt plus output
 * @param stepBaseNanos fixed cost of one engine step
 * @param decodePerSeqNanos added step cost per running sequence
 * @param prefillPerTokenNanos prefill cost per prompt token not found in the prefix cache
 */
record LlmProfile(
    int maxBatch, long kvCapacityTokens, long stepBaseNanos, long decodePerSeqNanos, long prefillPerTokenNanos) {

  LlmProfile {
    if (maxBatch <= 0 || kvCapacityTokens <= 0 || stepBaseNanos <= 0 || decodePerSeqNanos < 0 || prefillPerTokenNanos < 0) {
      throw new IllegalArgumentException("LlmProfile: " + maxBatch + ", " + kvCapacityTokens + ", " + stepBaseNanos
          + ", " + decodePerSeqNanos + ", " + prefillPerTokenNanos + " (expected: positive sizes and costs)");
    }
  }

  /**
   * An H100 serving an 8B model in bf16, roughly: 64 sequences, about 400k tokens of KV cache
   * (60 GB at 128 KiB per token of Llama-3-8B), 8 ms per step plus 0.1 ms per running sequence,
   * 25k prefill tokens per second.
   */
  static LlmProfile h100Llama8b() {
    return new LlmProfile(64, 400_000, 8_000_000L, 100_000L, 40_000L);
  }

  /**
   * An A100 40 GB serving the same 8B model, roughly: 48 sequences, about 160k tokens of KV cache
   * (20 GB left after the weights), 14 ms per step plus 0.18 ms per running sequence (less than half
   * the H100's memory bandwidth), 10k prefill tokens per second (about a third of its compute).
   */
  static LlmProfile a100Llama8b() {
    return new LlmProfile(48, 160_000, 14_000_000L, 180_000L, 100_000L);
  }

  /** The same server with a KV cache of {@code tokens}. */
  LlmProfile withKvCapacity(long tokens) {
    return new LlmProfile(maxBatch, tokens, stepBaseNanos, decodePerSeqNanos, prefillPerTokenNanos);
  }
}
