package io.modelrouter.http;

import io.modelrouter.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Caps retries and hedges to a share of the traffic, so that retrying can never multiply the load
 * on a fleet that is already failing (Finagle's and gRPC's retry budgets): over a sliding window,
 * retries may be at most {@code ratio} of the original requests plus {@code minPerSecond} per
 * second, so that a quiet client can still retry a little.
 *
 * <p>Thread-safe and lock-free: one-second buckets of request and retry counts, indexed by the
 * injected {@link Ticker}.
 */
public final class RetryBudget {

  /** Retries allowed per original request: 0.2, at most 20% extra load, as in Finagle. */
  public static final double DEFAULT_RATIO = 0.2;

  /** Retries allowed per second whatever the traffic: 10, as in Finagle, so a quiet client can retry. */
  public static final int DEFAULT_MIN_PER_SECOND = 10;

  /** How far back requests and retries count: 10 s, as in Finagle. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

  private static final long SECOND = 1_000_000_000L;

  private final double ratio;
  private final int minPerSecond;
  private final int seconds;
  private final Ticker ticker;
  /** Per bucket: [epoch second, requests, retries] at index 3 * b. */
  private final AtomicLongArray buckets;
  private final boolean unlimited;

  private RetryBudget(double ratio, int minPerSecond, int seconds, Ticker ticker, boolean unlimited) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.seconds = seconds;
    this.ticker = ticker;
    this.buckets = new AtomicLongArray(3 * seconds);
    this.unlimited = unlimited;
    for (int b = 0; b < seconds; b++) {
      buckets.set(3 * b, Long.MIN_VALUE);
    }
  }

  /** {@value #DEFAULT_RATIO} of the requests plus {@value #DEFAULT_MIN_PER_SECOND} per second over 10 s. */
  public static RetryBudget ofDefaults() {
    return of(DEFAULT_RATIO, DEFAULT_MIN_PER_SECOND, DEFAULT_WINDOW, Ticker.system());
  }

  /**
   * A budget of {@code ratio} retries per request plus {@code minPerSecond} per second, counted
   * over {@code window} (whole seconds, 1 to 60).
   */
  public static RetryBudget of(double ratio, int minPerSecond, Duration window, Ticker ticker) {
    if (!(ratio >= 0) || Double.isInfinite(ratio)) {
      throw new IllegalArgumentException("ratio: " + ratio + " (expected: a finite number >= 0)");
    }
    if (minPerSecond < 0) {
      throw new IllegalArgumentException("minPerSecond: " + minPerSecond + " (expected: >= 0)");
    }
    Objects.requireNonNull(window, "window");
    long s = window.toSeconds();
    if (s < 1 || s > 60) {
      throw new IllegalArgumentException("window: " + window + " (expected: 1 s to 60 s)");
    }
    return new RetryBudget(ratio, minPerSecond, (int) s, Objects.requireNonNull(ticker, "ticker"), false);
  }

  /** No retries at all. */
  public static RetryBudget none() {
    return new RetryBudget(0, 0, 1, Ticker.system(), false);
  }

  /** As many retries as asked for; for tests and for clients that bound retries otherwise. */
  public static RetryBudget unlimited() {
    return new RetryBudget(0, 0, 1, Ticker.system(), true);
  }

  /** Counts one original request (it earns {@code ratio} of a retry). */
  public void deposit() {
    if (!unlimited) {
      add(1, 1);
    }
  }

  /**
   * Takes one retry from the budget if there is one left.
   *
   * @return whether the retry may be sent
   */
  public boolean tryWithdraw() {
    if (unlimited) {
      return true;
    }
    long now = ticker.nanoTime();
    long epoch = Math.floorDiv(now, SECOND);
    long requests = 0;
    long retries = 0;
    for (int b = 0; b < seconds; b++) {
      long e = buckets.get(3 * b);
      if (e > epoch - seconds && e <= epoch) {
        requests += buckets.get(3 * b + 1);
        retries += buckets.get(3 * b + 2);
      }
    }
    if (retries + 1 > ratio * requests + (double) minPerSecond * seconds) {
      return false;
    }
    add(2, 1);
    return true;
  }

  private void add(int field, long delta) {
    long epoch = Math.floorDiv(ticker.nanoTime(), SECOND);
    int b = (int) Math.floorMod(epoch, (long) seconds);
    int base = 3 * b;
    long e = buckets.get(base);
    if (e != epoch) {
      // A new second reuses the bucket; the thread that wins the swap clears it.
      if (e < epoch && buckets.compareAndSet(base, e, epoch)) {
        buckets.set(base + 1, 0);
        buckets.set(base + 2, 0);
      }
    }
    buckets.addAndGet(base + field, delta);
  }

  @Override
  public String toString() {
    return unlimited ? "RetryBudget{unlimited}"
        : "RetryBudget{ratio=" + ratio + ", minPerSecond=" + minPerSecond + ", window=" + seconds + "s}";
  }
}
