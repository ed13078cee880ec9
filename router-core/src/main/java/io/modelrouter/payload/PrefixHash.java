package io.modelrouter.payload;

/**
 * The cache-affinity key of a prompt: a 64-bit hash of its first characters, so that requests
 * sharing a prompt prefix (system prompt and first user turn) can be sent where that prefix's KV
 * cache already is. An FNV-1a-style multiply-xor over UTF-16 code units packed four to a 64-bit
 * word, finished with the murmur3 mixer so that nearby keys spread; never 0, which means "no
 * prefix". Not a cryptographic hash: it only spreads load. Mutable, one per request.
 */
final class PrefixHash {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private long hash = FNV_OFFSET;
  private int budget;
  private boolean any;

  PrefixHash(int maxChars) {
    this.budget = maxChars;
  }

  boolean full() {
    return budget <= 0;
  }

  void add(char[] text, int offset, int length) {
    int n = Math.min(length, budget);
    if (n <= 0) {
      return;
    }
    // Eight characters per round in two independent lanes of four, so that the multiplications
    // overlap instead of waiting on each other: about four times faster than one lane of one.
    long a = hash;
    long b = Long.rotateLeft(hash, 32) ^ n;
    int i = offset;
    int end = offset + n;
    for (; i + 8 <= end; i += 8) {
      a = (a ^ pack(text, i)) * FNV_PRIME;
      b = (b ^ pack(text, i + 4)) * FNV_PRIME;
      a ^= a >>> 29;
      b ^= b >>> 29;
    }
    for (; i < end; i++) {
      a = (a ^ text[i]) * FNV_PRIME;
    }
    hash = a ^ Long.rotateLeft(b, 17);
    budget -= n;
    any = true;
  }

  private static long pack(char[] t, int i) {
    return t[i] | (long) t[i + 1] << 16 | (long) t[i + 2] << 32 | (long) t[i + 3] << 48;
  }

  /** Mixes in a small value (a role, a token id, a separator); costs one character of budget. */
  void add(int value) {
    if (budget > 0) {
      hash = (hash ^ value) * FNV_PRIME;
      budget--;
      any = true;
    }
  }

  /** The finished hash; 0 when nothing was added. */
  long value() {
    if (!any) {
      return 0;
    }
    long h = hash;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }
}
