package io.modelrouter.http;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The per-attempt timeout of one attempt (see {@link RetryPolicy}): past it, an attempt that has no
 * answer yet is abandoned, which cancels its call; the client then treats it as an endpoint that
 * received the request and failed. Whichever comes first, the answer or the timeout, wins; the
 * other finds out from {@link #answered()} or {@link #abandoned()}.
 */
final class AttemptTimer {

  private @Nullable ScheduledFuture<?> future;
  private boolean answered;
  private volatile boolean abandoned;

  /** Cancels {@code call} after {@code delayNanos} unless an answer came first; nothing if the scheduler is closed. */
  synchronized void arm(ScheduledExecutorService scheduler, long delayNanos, Transport.Call call) {
    try {
      future = scheduler.schedule(() -> abandon(call), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // the client is closing: no per-attempt timeout
    }
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
    if (future != null) {
      future.cancel(false);
      future = null;
    }
  }

  /** Whether the attempt was abandoned at its timeout. */
  boolean abandoned() {
    return abandoned;
  }
}
