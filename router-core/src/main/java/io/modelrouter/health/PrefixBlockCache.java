package io.modelrouter.health;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The prompt blocks one endpoint probably holds in its prefix cache: a bounded table of block
 * hashes (see {@link io.modelrouter.RouteRequest#prefixBlockCount()}) with, for each, when it was
 * last sent there, evicting the least recently used first.
 *
 * <p>Four-way set-associative: a block hash picks a set of four slots (Fibonacci hashing) and is
 * stored there as a 32-bit fingerprint (its lower bits) with a 32-bit stamp (the clock in units of
 * about a millisecond); a new block replaces the oldest of its set. That is LRU within each set,
 * which approximates LRU over the whole table as hardware caches do, in {@code 8 * capacity} bytes
 * and without a lock or an allocation per operation. Two different blocks share a fingerprint in a
 * set about once in a billion lookups: the table answers "probably", which is all an estimate needs.
 *
 * <p>Thread-safe without locks: slots are written with opaque accesses and read with plain ones
 * (an {@code int} is never torn, and a pick reads each slot once, so a plain read sees a recent
 * write as an opaque one would, without the compiler barrier an opaque read costs on the selection
 * path, where a pick reads some forty slots). Two threads writing the same set at once may lose one
 * of the writes, and a reader may see a key with the previous stamp; either only makes the
 * estimate a little less exact.
 */
public final class PrefixBlockCache {

  /** Slots per set. */
  static final int WAYS = 4;

  /** Clock units per stamp step: 2^20 ns, about a millisecond; 32-bit stamps wrap after 26 days. */
  private static final int STAMP_SHIFT = 20;

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(int[].class);

  /** Pairs of (fingerprint, stamp), {@link #WAYS} pairs per set; fingerprint 0 is an empty slot. */
  private final int[] slots;
  private final int setMask;

  /**
   * Creates an empty table of at least {@code capacityBlocks} blocks, rounded up to a power of two
   * (and to at least {@link #WAYS}).
   */
  public PrefixBlockCache(int capacityBlocks) {
    if (capacityBlocks < 1 || capacityBlocks > 1 << 28) {
      throw new IllegalArgumentException("capacityBlocks: " + capacityBlocks + " (expected: 1 to 2^28)");
    }
    int capacity = Math.max(WAYS, Integer.highestOneBit(capacityBlocks - 1) << 1);
    this.slots = new int[capacity * 2];
    this.setMask = capacity / WAYS - 1;
  }

  /** How many blocks the table holds at most. */
  public int capacity() {
    return slots.length / 2;
  }

  /** The bytes the table's slots take: 8 per block. */
  public long footprintBytes() {
    return 4L * slots.length;
  }

  /** Whether the block was sent to the endpoint and not evicted since. */
  public boolean contains(long blockHash) {
    int base = setBase(blockHash);
    int fp = fingerprint(blockHash);
    int[] t = slots;
    return t[base] == fp || t[base + 2] == fp || t[base + 4] == fp || t[base + 6] == fp;
  }

  /** Records that the block was sent to the endpoint now, evicting its set's oldest block if needed. */
  public void add(long blockHash, long nowNanos) {
    int base = setBase(blockHash);
    int fp = fingerprint(blockHash);
    int stamp = (int) (nowNanos >>> STAMP_SHIFT);
    int victim = base;
    long victimAge = Long.MIN_VALUE;
    int[] t = slots;
    for (int w = 0; w < 2 * WAYS; w += 2) {
      int key = t[base + w];
      if (key == fp) {
        SLOTS.setOpaque(t, base + w + 1, stamp); // held already: a new stamp is all it needs
        return;
      }
      long age = key == 0 ? Long.MAX_VALUE : stamp - t[base + w + 1];
      if (age > victimAge) {
        victim = base + w;
        victimAge = age;
      }
    }
    SLOTS.setOpaque(t, victim, fp);
    SLOTS.setOpaque(t, victim + 1, stamp);
  }

  /** The first slot of the block's set: Fibonacci hashing, so that even poorly mixed hashes spread. */
  private int setBase(long blockHash) {
    return ((int) ((blockHash * 0x9E3779B97F4A7C15L) >>> 32) & setMask) * (2 * WAYS);
  }

  private static int fingerprint(long blockHash) {
    int fp = (int) blockHash;
    return fp != 0 ? fp : 1;
  }
}
