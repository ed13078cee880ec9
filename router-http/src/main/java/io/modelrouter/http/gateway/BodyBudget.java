package io.modelrouter.http.gateway;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies being read at once across the gateway: a binding reserves a body's
 * buffer as it grows and gives it all back when the body is handed on. When the budget is used up
 * the body is refused ({@link Exhausted}, a 503 with {@code Retry-After}) rather than the heap, so
 * that many clients sending large bodies slowly cannot run the gateway out of memory.
 *
 * <p>Thread-safe and lock-free.
 */
public final class BodyBudget {

  private static final BodyBudget UNLIMITED = new BodyBudget(Long.MAX_VALUE);

  private final long maxBytes;
  private final AtomicLong used = new AtomicLong();

  private BodyBudget(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A budget of {@code maxBytes} bytes being read at once. */
  public static BodyBudget of(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
    }
    return new BodyBudget(maxBytes);
  }

  /** No limit (and no accounting). */
  public static BodyBudget unlimited() {
    return UNLIMITED;
  }

  /** Reserves {@code bytes} more; false, reserving nothing, when that would pass the budget. */
  public boolean tryReserve(long bytes) {
    if (this == UNLIMITED) {
      return true;
    }
    while (true) {
      long now = used.get();
      if (now + bytes > maxBytes) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Gives back bytes reserved earlier. */
  public void release(long bytes) {
    if (this != UNLIMITED && bytes > 0) {
      used.addAndGet(-bytes);
    }
  }

  /** The bytes reserved right now. */
  public long inUse() {
    return used.get();
  }

  /** The budget's size in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** A body refused because the gateway is reading as many bytes as its budget allows. */
  public static final class Exhausted extends IOException {
    private static final long serialVersionUID = 1L;

    public Exhausted() {
      super("the gateway is reading as many request bytes as it may at once");
    }
  }
}
