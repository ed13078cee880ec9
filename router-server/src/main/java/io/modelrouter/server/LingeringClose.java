package io.modelrouter.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads and drops what is left of a request body once its answer is out (a 413 for a body over
 * the limit, a 401 sent before the body), up to a bound in bytes and in time, then ends the
 * exchange: nginx's lingering close. A client that sends its whole body before it reads (curl,
 * Python's {@code http.client}) would otherwise see its upload fail with a broken pipe or a reset,
 * and never read the status, when the gateway closed the connection under it. Past either bound
 * the exchange ends anyway and Jetty closes a connection whose body was not read to its end.
 */
final class LingeringClose implements Runnable, Invocable {

  private final Request request;
  private final long maxBytes;
  private final Runnable done;
  private final AtomicBoolean finished = new AtomicBoolean();
  private long total;
  private volatile Scheduler.@org.jspecify.annotations.Nullable Task timer;

  private LingeringClose(Request request, long maxBytes, Runnable done) {
    this.request = request;
    this.maxBytes = maxBytes;
    this.done = done;
  }

  /**
   * Discards the rest of {@code request}'s body, for up to {@code maxBytes} and {@code maxNanos},
   * then runs {@code done} once.
   */
  static void start(Request request, long maxBytes, long maxNanos, Runnable done) {
    LingeringClose l = new LingeringClose(request, maxBytes, done);
    l.timer = request.getComponents().getScheduler().schedule(l::finish, maxNanos, TimeUnit.NANOSECONDS);
    l.run();
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }

  @Override
  public void run() {
    while (!finished.get()) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      total += chunk.remaining();
      boolean end = chunk.isLast() || Content.Chunk.isFailure(chunk);
      chunk.release();
      if (end || total > maxBytes) {
        finish();
        return;
      }
    }
  }

  private void finish() {
    if (finished.compareAndSet(false, true)) {
      Scheduler.Task t = timer;
      if (t != null) {
        t.cancel();
      }
      done.run();
    }
  }
}
