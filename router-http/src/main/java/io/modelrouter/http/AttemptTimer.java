package io.modelrouter.http;

import org.jspecify.annotations.Nullable;

/**
 * The per-attempt timeout of one attempt (see {@link RetryPolicy}): past it, an attempt that has no
 * answer yet is abandoned, which cancels its call; the client then treats it as an endpoint that
 * received the request and failed. Whichever comes first, the answer or the timeout, wins; the
 * other finds out from {@link #answered()} or {@link #abandoned()}.
 */
final class AttemptTimer {

  private AttemptTimeouts.@Nullable Timeout timeout;
  private boolean answered;
  private volatile boolean abandoned;

  /** Cancels {@code call} after {@code delayNanos} unless an answer came first; nothing if the timeouts are closed. */
  synchronized void arm(AttemptTimeouts timeouts, long delayNanos, Transport.Call call) {
    timeout = timeouts.schedule(() -> abandon(call), delayNanos);
  }

  private void abandon(Transport.Call call) {
    synchronized (this) {
      if (answered) {
        return;
      }
      abandoned = true;
    }
    call.cancel(); // outside the lock: a transport may report the failure on this thread
  }

  /** Notes that the answer's headers came: true if in time, false if the attempt was abandoned. */
  synchronized boolean answered() {
    answered = true;
    disarm();
    return !abandoned;
  }

  /** Stops the timer: the attempt failed or was cancelled. */
  synchronized void disarm() {
    if (timeout != null) {
      timeout.cancel();
      timeout = null;
    }
  }

  /** Whether the attempt was abandoned at its timeout. */
  boolean abandoned() {
    return abandoned;
  }
}
