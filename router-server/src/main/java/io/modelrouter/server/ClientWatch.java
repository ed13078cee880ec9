package io.modelrouter.server;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Notices a client that goes away while its request waits on the endpoint. Jetty's HTTP/1.1
 * connection does not read while a request it has read whole is being handled, so a client that
 * closes or resets its connection then goes unseen until a write to it fails; and Jetty's request
 * failure listeners also fire on its idle timeout, which says nothing of a client waiting for a
 * slow answer. The watch asks to hear when the connection becomes readable, as nginx does for a proxied
 * request: readable with no byte to read is the end of the client's input (it closed its side, or
 * reset the connection), and the watch closes the connection and runs its action; bytes to read
 * are a request pipelined behind this one, left to Jetty, and the watch stops. A client that only
 * half-closes its side after its request is taken as gone, as nginx takes it.
 *
 * <p>{@link #stop} gives the connection's reading back to Jetty: the exchange stops the watch
 * before it completes, so that Jetty can read the next request.
 */
final class ClientWatch implements Callback {

  private static final int WATCHING = 0;
  private static final int STOPPED = 1;
  private static final int GONE = 2;
  private static final CancellationException STOP = new CancellationException("the exchange ended");

  private final EndPoint endPoint;
  private final SocketChannel channel;
  private final Runnable onGone;
  private final AtomicInteger state = new AtomicInteger(WATCHING);
  /** Whether a byte of a pipelined request was read by the watch; only in a race, see {@link #look}. */
  private volatile boolean consumed;

  private ClientWatch(EndPoint endPoint, SocketChannel channel, Runnable onGone) {
    this.endPoint = endPoint;
    this.channel = channel;
    this.onGone = onGone;
  }

  /**
   * Starts watching the request's connection for the client going away; null when it cannot be
   * watched (not a plain TCP connection).
   */
  static @Nullable ClientWatch start(Request request, Runnable onGone) {
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    if (!(endPoint instanceof SocketChannelEndPoint s)) {
      return null;
    }
    ClientWatch watch = new ClientWatch(endPoint, s.getChannel(), onGone);
    watch.watch();
    return watch;
  }

  /** Asks to hear of the next readable event; the client may have closed before anyone looked. */
  private void watch() {
    if (lookFirst()) {
      gone();
    }
  }

  /** Whether the client is gone already; else registers for the next readable event. */
  private synchronized boolean lookFirst() {
    if (state.get() != WATCHING) {
      return false;
    }
    if (endPoint.isInputShutdown()) {
      return state.compareAndSet(WATCHING, GONE); // Jetty read the end of the client's input with its request
    }
    if (!endPoint.tryFillInterested(this)) {
      state.compareAndSet(WATCHING, STOPPED); // Jetty reads this connection itself: nothing to watch
    }
    return false;
  }

  /** The connection is readable. */
  @Override
  public void succeeded() {
    switch (look()) {
      case GONE -> gone();
      case WATCHING -> watch();
      default -> { }
    }
  }

  /**
   * Looks at a readable connection without taking a byte a pipelined request may need: bytes to
   * read are such a request (the watch stops, Jetty reads it after this answer); none is the end of
   * the client's input or a reset, which a read of one byte confirms (else it was a wake-up without
   * cause, and the watch goes on). A byte that arrives between the two looks cannot be handed back
   * to Jetty: the connection then closes after its answer ({@link #stop}) and the client sends its
   * pipelined request again, as HTTP/1.1 has it do.
   *
   * @return the state to act on: GONE, WATCHING (watch again) or STOPPED
   */
  private synchronized int look() {
    if (state.get() != WATCHING) {
      return STOPPED;
    }
    try {
      if (channel.socket().getInputStream().available() > 0) {
        state.set(STOPPED);
        return STOPPED;
      }
      int n = endPoint.fill(BufferUtil.allocate(1));
      if (n == 0) {
        return WATCHING;
      }
      if (n > 0) {
        consumed = true;
        state.set(STOPPED);
        return STOPPED;
      }
    } catch (IOException reset) {
      // the client reset the connection: gone too
    }
    state.set(GONE);
    return GONE;
  }

  /**
   * The wait for a readable event failed: the connection closed (the server stopping), or {@link
   * #stop}; an idle timeout (Jetty gives it to the request, not here) only renews the wait.
   */
  @Override
  public void failed(Throwable cause) {
    if (cause == STOP) {
      return;
    }
    if (cause instanceof TimeoutException) {
      watch();
    } else if (state.compareAndSet(WATCHING, GONE)) {
      gone();
    }
  }

  /** The client went away: its connection closes, and the action runs (outside the lock). */
  private void gone() {
    endPoint.close(new EofException("the client went away"));
    onGone.run();
  }

  /**
   * Stops watching and gives the connection's reading back to Jetty; after it returns the watch
   * reads no more, and runs its action only if it had found the client gone already.
   *
   * @return whether the connection must close after the answer (a byte of the next request was read)
   */
  synchronized boolean stop() {
    if (state.compareAndSet(WATCHING, STOPPED) && endPoint instanceof AbstractEndPoint e) {
      e.getFillInterest().onFail(STOP);
    }
    return consumed;
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.BLOCKING; // the action cancels calls and tells request listeners, which may log
  }
}
