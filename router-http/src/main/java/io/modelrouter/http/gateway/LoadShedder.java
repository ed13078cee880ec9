package io.modelrouter.http.gateway;

import io.modelrouter.Priority;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Overload shedding by priority on the gateway's requests in flight: sheddable requests are
 * refused from {@value #SHEDDABLE_PERCENT}% of the limit, standard ones at the limit, critical ones
 * only at {@value #CRITICAL_PERCENT}% of it, so that under overload the least important traffic
 * goes first and critical traffic keeps a reserve. Lock-free.
 */
final class LoadShedder {

  /** Sheddable requests are refused once in-flight reaches this share of the limit. */
  static final int SHEDDABLE_PERCENT = 75;
  /** Critical requests may exceed the limit up to this share of it. */
  static final int CRITICAL_PERCENT = 125;

  private final int sheddableLimit;
  private final int standardLimit;
  private final int criticalLimit;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** @param maxInFlight the limit for standard requests; 0 disables shedding */
  LoadShedder(int maxInFlight) {
    this.standardLimit = maxInFlight <= 0 ? Integer.MAX_VALUE : maxInFlight;
    this.sheddableLimit = maxInFlight <= 0 ? Integer.MAX_VALUE : Math.max(1, maxInFlight * SHEDDABLE_PERCENT / 100);
    this.criticalLimit =
        maxInFlight <= 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, (long) maxInFlight * CRITICAL_PERCENT / 100);
  }

  /** Takes a slot unless this priority is shed at the current load. */
  boolean tryAcquire(Priority priority) {
    int limit = priority == Priority.SHEDDABLE ? sheddableLimit : priority == Priority.CRITICAL ? criticalLimit : standardLimit;
    if (inFlight.incrementAndGet() > limit) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  void release() {
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }
}
