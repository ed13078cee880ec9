package io.modelrouter.http.internal;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * When a request may be sent again: the one rule that both transports (OkHttp's and Jetty's) and
 * the {@code RoutingClient} follow, so that a request is never replayed on a guess.
 *
 * <p>An endpoint has <em>provably not received</em> a request when no connection to it could be
 * opened (refused, unreachable, connect timeout), when a pooled connection (one that had carried
 * earlier exchanges) failed while the request was still being written on it, before any byte of an
 * answer (the keep-alive race: the endpoint closed the idle connection as the request went out), or
 * when it answered 429 or 503. Such a request is sent again freely: the transport writes a request
 * dropped by a stale pooled connection again on another connection to the same endpoint, up to
 * {@value #MAX_STALE_RESENDS} times, and the client sends the others to another endpoint, within
 * its attempts, its retry budget and the deadline.
 *
 * <p>Once the request was written whole, or a fresh connection failed while writing it, the
 * endpoint may have run it, and may have died of it: a <em>poison request</em>. The client then
 * tries it at most once more, on another endpoint, and only if the model's retry policy allows it;
 * after {@value #MAX_RECEIVED_FAILURES} endpoints failed a request that way it ends with its error.
 * An attempt the client abandoned at its per-attempt timeout counts the same way: the endpoint had
 * it.
 */
public final class Redelivery {

  /** The most times a transport writes one call again after stale pooled connections dropped it. */
  public static final int MAX_STALE_RESENDS = 3;

  /**
   * The most endpoints that may fail a request after receiving it: 2, so one more attempt after the
   * first, on another endpoint, then the request stops there.
   */
  public static final int MAX_RECEIVED_FAILURES = 2;

  private Redelivery() {}

  /**
   * For a transport: whether an attempt that failed on a connection is provably not received by
   * the endpoint, so that it may be written again and does not count as {@code sent()}.
   *
   * @param reusedConnection the connection had carried earlier exchanges
   * @param failedWhileWriting the failure came before the request was fully written
   * @param answerStarted any byte of an answer arrived on the connection for this request
   */
  public static boolean notReceived(boolean reusedConnection, boolean failedWhileWriting, boolean answerStarted,
      Throwable failure) {
    return reusedConnection && failedWhileWriting && !answerStarted && !isTimeout(failure);
  }

  /**
   * For a transport: whether a call {@linkplain #notReceived not received} may be written again on
   * another connection to the same endpoint, after {@code resends} such resends already.
   */
  public static boolean resendOnSameEndpoint(int resends) {
    return resends < MAX_STALE_RESENDS;
  }

  /**
   * For the client: whether a failed attempt may go to another endpoint.
   *
   * @param received the endpoint may have received the request (it was written, or the attempt
   *     was abandoned at its per-attempt timeout)
   * @param receivedFailures endpoints that failed this request after receiving it, this one included
   * @param retryAfterReceived the model's retry policy allows one more attempt after that
   */
  public static boolean mayRetryElsewhere(boolean received, int receivedFailures, boolean retryAfterReceived) {
    return !received || (retryAfterReceived && receivedFailures < MAX_RECEIVED_FAILURES);
  }

  /**
   * For the client: whether a failed attempt that may go to another endpoint (by
   * {@link #refusedByStatus} or {@link #mayRetryElsewhere}) is sent again: attempts and time must be
   * left, then the retry budget must grant a retry. The budget is asked last, so that a retry
   * refused for another reason takes nothing from it.
   *
   * @param attempts attempts sent so far, the failed one included
   * @param remainingNanos time left before the request's deadline; {@link Long#MAX_VALUE} for none
   * @param withdrawFromBudget takes one retry from the retry budget, saying whether there was one
   */
  public static boolean mayAttemptAgain(int attempts, int maxAttempts, long remainingNanos,
      BooleanSupplier withdrawFromBudget) {
    return attempts < maxAttempts && remainingNanos > 0 && withdrawFromBudget.getAsBoolean();
  }

  /** Whether an answer's status says the endpoint refused the request without running it. */
  public static boolean refusedByStatus(int status) {
    return status == 429 || status == 503;
  }

  /** Whether a failure, or one of its causes, is a timeout. */
  public static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InterruptedIOException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Whether a failure, or one of its causes, says no connection could be opened. */
  public static boolean neverConnected(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }
}
