package io.modelrouter.health;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The prompt blocks this router sent one endpoint to prefill that it probably has not prefilled
 * yet: each pick adds the blocks the endpoint was estimated to lack in its prefix cache (a miss adds
 * the whole prompt, a hit only its new part), and the backlog drains at a given rate, the prefill
 * throughput assumed for the endpoint. Requests in flight count alike whatever their prompt; this
 * tells a server that was just sent several cold prompts from one that was sent as many cached ones.
 *
 * <p>Thread-safe without locks or allocation: the backlog and the time it was last drained are
 * one {@code long} (a 32-bit stamp of about a millisecond, and the blocks in 1/256ths), read with
 * one volatile read and added to by compare-and-set.
 */
public final class PrefillBacklog {

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(PrefillBacklog.class, "state", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Clock units per stamp step: 2^20 ns, about a millisecond. */
  private static final int STAMP_SHIFT = 20;

  /** Fixed-point units per block. */
  private static final double UNITS = 256;

  /** The most units the backlog holds: 2^32 - 1, about 16.7 million blocks. */
  private static final long MAX_UNITS = 0xFFFF_FFFFL;

  /** Stamp (high 32 bits) and backlog in units (low 32 bits, unsigned). */
  @SuppressWarnings("unused") // accessed through STATE
  private volatile long state;

  /** An empty backlog. */
  public PrefillBacklog() {}

  /**
   * The blocks still to prefill at {@code nowNanos}, drained at {@code blocksPerSecond} since the
   * last {@link #add}; 0 when empty.
   */
  public double blocks(long nowNanos, double blocksPerSecond) {
    return units((long) STATE.getVolatile(this), nowNanos, blocksPerSecond) / UNITS;
  }

  /** Adds the blocks a pick just sent the endpoint to prefill; nothing when {@code blocks <= 0}. */
  public void add(int blocks, long nowNanos, double blocksPerSecond) {
    if (blocks <= 0) {
      return;
    }
    long stamp = nowNanos >>> STAMP_SHIFT;
    long added = Math.round(blocks * UNITS);
    while (true) {
      long old = (long) STATE.getVolatile(this);
      long units = Math.min(units(old, nowNanos, blocksPerSecond) + added, MAX_UNITS);
      if (STATE.compareAndSet(this, old, stamp << 32 | units)) {
        return;
      }
    }
  }

  /** Empties the backlog (the server restarted, say). */
  public void clear() {
    STATE.setVolatile(this, 0L);
  }

  private static long units(long state, long nowNanos, double blocksPerSecond) {
    long units = state & MAX_UNITS;
    if (units == 0) {
      return 0;
    }
    int steps = (int) (nowNanos >>> STAMP_SHIFT) - (int) (state >>> 32); // wraps after 26 days, as stamps do
    if (steps <= 0) {
      return units;
    }
    double drained = steps * (double) (1L << STAMP_SHIFT) / 1e9 * blocksPerSecond * UNITS;
    return drained >= units ? 0 : units - (long) drained;
  }

  @Override
  public String toString() {
    return "PrefillBacklog{" + (state & MAX_UNITS) / UNITS + " blocks}";
  }
}
