package io.modelrouter;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The claim a {@link Decision} holds on its endpoint: it counts one request in flight from the
 * moment of the decision until it is completed. Complete it with the {@link Outcome} (latency,
 * status, tokens), or close it; use try-with-resources so the in-flight count can never leak:
 *
 * <pre>{@code
 * try (Lease lease = decision.lease()) {
 *   Response r = send(decision.endpoint(), body);
 *   lease.complete(Outcome.ofStatus(r.code()));
 * }
 * }</pre>
 *
 * <p>Only the first completion counts; later ones, and {@link #close()} after a completion, do
 * nothing. Closing without completing records {@link Outcome#cancelled()}. Thread-safe.
 */
public final class Lease implements AutoCloseable {

  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(Lease.class, "done", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Router router;
  private final Endpoint endpoint;
  private final EndpointState state;
  private final long startNanos;
  @SuppressWarnings("unused") // accessed through DONE
  private volatile int done;

  Lease(Router router, Endpoint endpoint, EndpointState state, long startNanos) {
    this.router = router;
    this.endpoint = endpoint;
    this.state = state;
    this.startNanos = startNanos;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** When the lease began, on the router's ticker. */
  public long startNanos() {
    return startNanos;
  }

  /** Whether the lease was completed or closed. */
  public boolean isDone() {
    return done != 0;
  }

  /**
   * Completes the lease: releases the in-flight slot and feeds the outcome into the endpoint's
   * signals. Only the first call counts.
   *
   * @return whether this call completed the lease
   */
  public boolean complete(Outcome outcome) {
    if (!DONE.compareAndSet(this, 0, 1)) {
      return false;
    }
    router.feedback(endpoint, state, startNanos, outcome);
    return true;
  }

  /** Completes the lease as {@linkplain Outcome#cancelled() cancelled} unless it already was completed. */
  @Override
  public void close() {
    complete(Outcome.cancelled());
  }

  @Override
  public String toString() {
    return "Lease{" + endpoint.id() + (isDone() ? ", done" : "") + '}';
  }
}
