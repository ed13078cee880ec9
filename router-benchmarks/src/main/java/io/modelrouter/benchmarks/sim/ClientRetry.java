package io.modelrouter.benchmarks.sim;

import io.modelrouter.Ticker;
import io.modelrouter.http.RetryBudget;
import io.modelrouter.http.RetryPolicy;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.internal.Redelivery;

/**
 * When the simulated client sends a failed attempt again: by the shipped {@link RoutingClient}'s
 * own rule ({@link Redelivery}, called, not copied), under its default {@link RetryPolicy} and a
 * {@link RetryBudget} configured as its default, on simulated time.
 *
 * <p>A simulated attempt maps onto the client's facts so: an answer with a status is sent again
 * only if the status says the server refused it unrun (429, 503); a {@link Job#NO_ANSWER} the
 * server never {@linkplain Job#received received} (a refused connection) is sent again freely; one
 * it had received (the process died with it) at most once more, on another endpoint. A 500 or a
 * 400 is the answer. What passes is then sent if attempts, the deadline and the budget allow.
 *
 * <p>Not modelled: the client's per-attempt timeout (no simulated attempt is abandoned; the
 * scenarios that use this class have no frozen server) and hedging.
 */
final class ClientRetry {

  /** The rule in a sentence, for a scenario's setup. */
  static final String RULE = "failed attempts are sent again as the shipped RoutingClient does: a refused"
      + " connection or a 429 or 503 to another endpoint, a connection lost with the request at most once"
      + " more, a 500 or 400 never (it is the answer), within the client's attempts, its request's deadline"
      + " and its default retry budget (a retry per " + Math.round(1 / RetryBudget.DEFAULT_RATIO) + " requests plus "
      + RetryBudget.DEFAULT_MIN_PER_SECOND + " a second, over " + RetryBudget.DEFAULT_WINDOW.toSeconds() + " s)";

  private final int maxAttempts;
  private final RetryPolicy policy = RetryPolicy.ofDefaults();
  private final RetryBudget budget;

  /** A client of {@code maxAttempts} attempts per request whose retry budget counts {@code ticker}'s seconds. */
  ClientRetry(int maxAttempts, Ticker ticker) {
    this.maxAttempts = maxAttempts;
    this.budget = RetryBudget.of(RetryBudget.DEFAULT_RATIO, RetryBudget.DEFAULT_MIN_PER_SECOND,
        RetryBudget.DEFAULT_WINDOW, ticker);
  }

  /** The most retries a second the default budget allows a client sending {@code requestsPerSecond}. */
  static double budgetPerSecond(double requestsPerSecond) {
    return RetryBudget.DEFAULT_RATIO * requestsPerSecond + RetryBudget.DEFAULT_MIN_PER_SECOND;
  }

  /** Counts a new request, as the client does before its first attempt: it earns a share of a retry. */
  void requestStarted() {
    budget.deposit();
  }

  /** Whether a failed attempt counts as received by its server, then failed: see {@link #sendAgain}. */
  static boolean receivedThenFailed(Job job) {
    return job.status() == Job.NO_ANSWER && job.received;
  }

  /**
   * Whether the failed attempt {@code job} is sent again to another endpoint; takes the retry from
   * the budget when it is.
   *
   * @param attempts attempts sent for the request so far, this one included
   * @param receivedFailures attempts that {@linkplain #receivedThenFailed received then failed}
   *     for the request so far, this one included
   * @param remainingNanos time left before the request's deadline; {@link Long#MAX_VALUE} for none
   */
  boolean sendAgain(Job job, int attempts, int receivedFailures, long remainingNanos) {
    int status = job.status();
    boolean elsewhere = status == Job.NO_ANSWER
        ? Redelivery.mayRetryElsewhere(job.received, receivedFailures, policy.retryAfterReceived())
        : Redelivery.refusedByStatus(status);
    return elsewhere && Redelivery.mayAttemptAgain(attempts, maxAttempts, remainingNanos, budget::tryWithdraw);
  }
}
