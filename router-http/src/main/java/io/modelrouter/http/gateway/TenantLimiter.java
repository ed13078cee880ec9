package io.modelrouter.http.gateway;

import io.modelrouter.Operation;
import io.modelrouter.RouteRequest;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.Ticker;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Enforces each tenant's {@link TenantQuota}: concurrent requests with a counter, requests per
 * second and tokens per minute with lock-free GCRA buckets (one {@code AtomicLong} "theoretical
 * arrival time" each). Tokens are estimated when a request is admitted and corrected from the
 * response's usage when it ends. Thread-safe; takes no lock.
 */
final class TenantLimiter {

  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;

  private final Ticker ticker;
  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

  TenantLimiter(Ticker ticker) {
    this.ticker = ticker;
  }

  /** What an admitted request holds; give it back with {@link #release}. */
  static final class Permit {
    final State state;
    final long estimatedTokens;

    Permit(State state, long estimatedTokens) {
      this.state = state;
      this.estimatedTokens = estimatedTokens;
    }
  }

  /** One tenant's counters. */
  static final class State {
    final TenantQuota quota;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong requestTat = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong tokenTat = new AtomicLong(Long.MIN_VALUE);

    State(TenantQuota quota) {
      this.quota = quota;
    }
  }

  /**
   * Admits a request of about {@code estimatedTokens} tokens, or says why not.
   *
   * @return a {@link Permit}, or a {@link Rejection} ({@link RejectionReason#QUOTA_EXCEEDED} with
   *     the time until the quota allows it)
   */
  Object tryAdmit(Tenant tenant, long estimatedTokens) {
    TenantQuota q = tenant.quota();
    State s = states.get(tenant.name());
    if (s == null || !s.quota.equals(q)) {
      State fresh = new State(q);
      s = s == null ? states.computeIfAbsent(tenant.name(), n -> fresh) : replace(tenant.name(), s, fresh);
    }
    long now = ticker.nanoTime();
    if (q.maxConcurrent() > 0 && s.inFlight.incrementAndGet() > q.maxConcurrent()) {
      s.inFlight.decrementAndGet();
      return reject(tenant, "concurrent requests (" + q.maxConcurrent() + ")", SECOND);
    }
    long requestInterval = q.requestsPerSecond() > 0 ? (long) (SECOND / q.requestsPerSecond()) : 0;
    if (requestInterval > 0) {
      long burst = Math.max(1, (long) q.requestsPerSecond());
      long wait = take(s.requestTat, now, requestInterval, (burst - 1) * requestInterval);
      if (wait > 0) {
        releaseConcurrency(s, q);
        return reject(tenant, "requests per second (" + fmt(q.requestsPerSecond()) + ")", wait);
      }
    }
    if (q.tokensPerMinute() > 0) {
      long tokens = Math.min(Math.max(estimatedTokens, 1), q.tokensPerMinute());
      long perToken = Math.max(1, MINUTE / q.tokensPerMinute());
      long wait = take(s.tokenTat, now, tokens * perToken, MINUTE - tokens * perToken);
      if (wait > 0) {
        if (requestInterval > 0) {
          s.requestTat.addAndGet(-requestInterval);
        }
        releaseConcurrency(s, q);
        return reject(tenant, "tokens per minute (" + q.tokensPerMinute() + ")", wait);
      }
      return new Permit(s, tokens);
    }
    return new Permit(s, 0);
  }

  /**
   * Whether the tenant is over a limit right now, before its request's body is read: at its
   * concurrent requests, or out of requests or tokens for the moment. Takes nothing ({@link
   * #tryAdmit} does, once the body is parsed), so that a tenant at its limits gets no body read.
   *
   * @return the rejection, or null when the tenant may send
   */
  @Nullable Rejection checkBeforeBody(Tenant tenant) {
    TenantQuota q = tenant.quota();
    State s = states.get(tenant.name());
    if (s == null || !s.quota.equals(q)) {
      return null; // nothing taken yet
    }
    long now = ticker.nanoTime();
    if (q.maxConcurrent() > 0 && s.inFlight.get() >= q.maxConcurrent()) {
      return reject(tenant, "concurrent requests (" + q.maxConcurrent() + ")", SECOND);
    }
    if (q.requestsPerSecond() > 0) {
      long interval = (long) (SECOND / q.requestsPerSecond());
      long wait = waitFor(s.requestTat, now, interval, (Math.max(1, (long) q.requestsPerSecond()) - 1) * interval);
      if (wait > 0) {
        return reject(tenant, "requests per second (" + fmt(q.requestsPerSecond()) + ")", wait);
      }
    }
    if (q.tokensPerMinute() > 0) {
      long perToken = Math.max(1, MINUTE / q.tokensPerMinute());
      long wait = waitFor(s.tokenTat, now, perToken, MINUTE - perToken);
      if (wait > 0) {
        return reject(tenant, "tokens per minute (" + q.tokensPerMinute() + ")", wait);
      }
    }
    return null;
  }

  /** What {@link #take} would wait for {@code cost}, without taking it. */
  private static long waitFor(AtomicLong tat, long now, long cost, long tolerance) {
    long current = tat.get();
    long base = current == Long.MIN_VALUE ? now : Math.max(current, now);
    long ahead = base - now;
    return ahead > tolerance ? ahead - tolerance : 0;
  }

  private State replace(String name, State old, State fresh) {
    return states.replace(name, old, fresh) ? fresh : states.getOrDefault(name, fresh);
  }

  /**
   * The tokens a request is counted at when admitted: its prompt and its {@code max_tokens}, or
   * {@code outputAllowance} when it names none (embeddings have no output). Without the allowance
   * a request without {@code max_tokens} whose answer reports no usage (a stream that did not ask
   * for it) would cost its prompt alone.
   */
  static long estimate(RouteRequest route, int outputAllowance) {
    int output = route.maxOutputTokens() > 0 || route.operation() == Operation.EMBEDDING
        ? route.maxOutputTokens() : outputAllowance;
    return (long) route.promptTokens() + output;
  }

  /** {@link #release} tokens for a request that never reached an endpoint: its estimate is given back. */
  static final long NOT_SENT = -1;

  /**
   * Ends an admitted request: frees its concurrency slot and corrects the token bucket by the
   * difference between the estimate and the tokens the response reported: 0 when unknown keeps
   * the estimate, {@link #NOT_SENT} gives it all back.
   */
  void release(Permit permit, long actualTokens) {
    State s = permit.state;
    releaseConcurrency(s, s.quota);
    long tpm = s.quota.tokensPerMinute();
    if (actualTokens == NOT_SENT) {
      actualTokens = 0;
    } else if (actualTokens == 0) {
      return;
    }
    if (tpm > 0 && actualTokens != permit.estimatedTokens) {
      long perToken = Math.max(1, MINUTE / tpm);
      s.tokenTat.addAndGet((actualTokens - permit.estimatedTokens) * perToken);
    }
  }

  /** A tenant's requests in flight (for tests and metrics). */
  int inFlight(String tenant) {
    State s = states.get(tenant);
    return s == null ? 0 : s.inFlight.get();
  }

  private static void releaseConcurrency(State s, TenantQuota q) {
    if (q.maxConcurrent() > 0) {
      s.inFlight.decrementAndGet();
    }
  }

  /**
   * GCRA: takes {@code cost} nanoseconds of credit when the bucket allows it.
   *
   * @param tolerance how far ahead of now the theoretical arrival time may run (the burst)
   * @return 0 when taken, else the nanoseconds to wait
   */
  private static long take(AtomicLong tat, long now, long cost, long tolerance) {
    while (true) {
      long current = tat.get();
      long base = current == Long.MIN_VALUE ? now : Math.max(current, now);
      long next = base + cost;
      long ahead = next - now - cost;
      if (ahead > tolerance) {
        return ahead - tolerance;
      }
      if (tat.compareAndSet(current, next)) {
        return 0;
      }
    }
  }

  private static Rejection reject(Tenant tenant, String what, long waitNanos) {
    long seconds = Math.max(1, (waitNanos + SECOND - 1) / SECOND);
    return Rejection.retryAfter(
        RejectionReason.QUOTA_EXCEEDED,
        "tenant '" + tenant.name() + "' is over its quota of " + what,
        Duration.ofSeconds(seconds));
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
