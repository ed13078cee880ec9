package io.modelrouter.select;

import io.modelrouter.registry.ModelVersion;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Which endpoint last received each prompt block, over all endpoints at once: the global side of
 * {@link EstimatedPrefixCache}, which answers "who probably holds the longest prefix of this
 * chain" in {@code O(log blocks)} lookups instead of one table per candidate, so that a pick over a
 * large pool stays bounded.
 *
 * <p>Direct-mapped: a block hash picks one slot (Fibonacci hashing) holding, in one {@code long},
 * the block's 32-bit fingerprint, 16 bits of the owner endpoint's id hash and the owner's index in
 * its model version; a newer block of the same slot overwrites the older. An entry is a hint:
 * it is resolved to a candidate only if that version index still names an endpoint with that id
 * hash among the candidates, and the candidate's own {@link io.modelrouter.health.PrefixBlockCache}
 * then scores it exactly. A lost hint only costs the pick a prefix candidate.
 *
 * <p>Thread-safe without locks and without allocation: each slot is one opaque {@code long}
 * access, so an entry is never torn.
 */
final class PrefixOwners {

  /** Slots: 131,072 blocks (8.4 M tokens at 64 a block), 1 MiB. */
  static final int DEFAULT_SLOTS = 1 << 17;

  /** Version indexes up to here fit an entry; endpoints past it get no hint. */
  private static final int MAX_VERSION_INDEX = 0xFFFF;

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] slots;
  private final int shift;

  /** An empty table of {@code slots} slots, a power of two. */
  PrefixOwners(int slots) {
    if (slots < 2 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots: " + slots + " (expected: a power of two >= 2)");
    }
    this.slots = new long[slots];
    this.shift = 64 - Integer.numberOfTrailingZeros(slots);
  }

  /** The bytes the table takes: 8 per slot. */
  long footprintBytes() {
    return 8L * slots.length;
  }

  /**
   * The owner half of an entry for the endpoint at {@code versionIndex} of {@code version}, for
   * {@link #record(long, long)}: computed once for all the blocks of a chain; -1 when the index
   * does not fit an entry.
   */
  static long owner(ModelVersion version, int versionIndex) {
    if (versionIndex < 0 || versionIndex > MAX_VERSION_INDEX) {
      return -1;
    }
    return (long) idTag(version, versionIndex) << 16 | versionIndex;
  }

  /**
   * Records that the block was just sent to the endpoint of {@code owner} ({@link #owner}); nothing
   * when it is -1.
   */
  void record(long blockHash, long owner) {
    if (owner < 0) {
      return;
    }
    SLOTS.setOpaque(slots, slot(blockHash), (long) fingerprint(blockHash) << 32 | owner);
  }

  /**
   * The candidate that last received the block, or {@link SelectionStrategy#NONE} when no
   * candidate did (or the hint was overwritten).
   */
  int owner(long blockHash, Candidates c) {
    long entry = (long) SLOTS.getOpaque(slots, slot(blockHash));
    if ((int) (entry >>> 32) != fingerprint(blockHash)) {
      return SelectionStrategy.NONE;
    }
    int versionIndex = (int) entry & 0xFFFF;
    ModelVersion version = c.version();
    if (versionIndex >= version.endpointCount()
        || idTag(version, versionIndex) != ((int) entry >>> 16 & 0xFFFF)) {
      return SelectionStrategy.NONE;
    }
    return c.indexOfVersionIndex(versionIndex);
  }

  private int slot(long blockHash) {
    return (int) ((blockHash * 0x9E3779B97F4A7C15L) >>> shift);
  }

  private static int idTag(ModelVersion version, int versionIndex) {
    return version.endpoint(versionIndex).id().hashCode() & 0xFFFF;
  }

  /** The hash's lower half, never 0 (an empty slot). */
  private static int fingerprint(long blockHash) {
    int fp = (int) blockHash;
    return fp != 0 ? fp : 1;
  }
}
