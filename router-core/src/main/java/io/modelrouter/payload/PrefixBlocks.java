package io.modelrouter.payload;

import java.util.Arrays;

/**
 * The block-hash chain of a prompt ({@link io.modelrouter.RouteRequest#prefixBlockCount()}): the
 * prompt's text, message after message, cut into blocks of {@value #BLOCK_CHARS} characters (about
 * 64 tokens; a token id counts {@value #CHARS_PER_TOKEN}), each block hashed and chained with the
 * hash of every block before it, as vLLM's prefix cache hashes its blocks. Two prompts share their
 * first {@code k} hashes exactly when they share their first {@code k} blocks, so a conversation's
 * next turn, which repeats the earlier ones, extends its previous chain. Only full blocks count, as
 * only full blocks are cached. Not a cryptographic hash. Mutable, one per request.
 */
final class PrefixBlocks {

  /** Characters per block: 256, about 64 tokens of English, four of vLLM's 16-token blocks. */
  static final int BLOCK_CHARS = 256;

  /** What a token id of a token prompt counts for: the characters of an average token. */
  static final int CHARS_PER_TOKEN = 4;

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final long[] NONE = new long[0];

  private final int maxBlocks;
  /** Grown as blocks fill, so a short prompt allocates little. */
  private long[] chain = NONE;
  private int count;
  private long block = FNV_OFFSET;
  private int filled;

  PrefixBlocks(int maxBlocks) {
    this.maxBlocks = maxBlocks;
  }

  /** Adds text to the prompt. */
  void add(char[] text, int offset, int length) {
    while (length > 0 && count < maxBlocks) {
      int n = Math.min(length, BLOCK_CHARS - filled);
      long h = block;
      int i = offset;
      int end = offset + n;
      for (; i + 4 <= end; i += 4) {
        h = (h ^ (text[i] | (long) text[i + 1] << 16 | (long) text[i + 2] << 32 | (long) text[i + 3] << 48)) * FNV_PRIME;
        h ^= h >>> 29;
      }
      for (; i < end; i++) {
        h = (h ^ text[i]) * FNV_PRIME;
      }
      block = h;
      filled += n;
      offset += n;
      length -= n;
      if (filled == BLOCK_CHARS) {
        emit();
      }
    }
  }

  /** Adds a small value (a role marker, a token id) that counts for {@code chars} characters. */
  void add(int value, int chars) {
    if (count < maxBlocks) {
      block = (block ^ value) * FNV_PRIME;
      filled += chars;
      if (filled >= BLOCK_CHARS) {
        emit();
      }
    }
  }

  private void emit() {
    long previous = count == 0 ? FNV_OFFSET : chain[count - 1];
    long h = mix64(previous * 31 + block);
    if (count == chain.length) {
      chain = Arrays.copyOf(chain, Math.min(maxBlocks, Math.max(8, 2 * count)));
    }
    chain[count++] = h != 0 ? h : 1;
    block = FNV_OFFSET;
    filled = 0;
  }

  /** The chain of the full blocks added so far. */
  long[] chain() {
    return count == chain.length ? chain : Arrays.copyOf(chain, count);
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
