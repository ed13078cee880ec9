package io.modelrouter.select;

import io.modelrouter.RouteRequest;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * Predicts how long a request would take on an endpoint from its live signals, and what it would
 * cost; used by latency budgets, cost-aware selection and scorers.
 *
 * <p>The prediction is {@code rtt * (1 + ahead / slots)}:
 *
 * <ul>
 *   <li>{@code rtt} is the endpoint's peak-EWMA latency decayed to now, or the initial RTT before
 *       its first sample;
 *   <li>{@code ahead} is the requests queued before this one: the server's own waiting count when
 *       its scraped metrics are fresh, otherwise, for an endpoint that declares its {@linkplain
 *       Endpoint#slots() slots} or a concurrency limit, the requests in flight beyond them; with
 *       neither, the EWMA already reflects the load the endpoint works under and nothing is added;
 *   <li>{@code slots} is how many requests the server works on at once: its declared slots, else
 *       its concurrency limit, else the running count from fresh metrics, else 1.
 * </ul>
 *
 * <p>Immutable; every method is allocation-free and lock-free.
 */
public final class LatencyModel {

  /**
   * How old scraped server metrics may be before they count as unknown: 2 s, two missed scrapes
   * at a 1 s interval. Older metrics say nothing about the queue now, and unknown is never idle.
   */
  public static final Duration DEFAULT_METRICS_MAX_AGE = Duration.ofSeconds(2);

  private static final LatencyModel DEFAULT =
      new LatencyModel(
          Strategies.DEFAULT_EWMA_DECAY.toNanos(),
          Strategies.DEFAULT_INITIAL_RTT.toNanos(),
          DEFAULT_METRICS_MAX_AGE.toNanos());

  private final long decayNanos;
  private final long initialRttNanos;
  private final long metricsMaxAgeNanos;

  private LatencyModel(long decayNanos, long initialRttNanos, long metricsMaxAgeNanos) {
    this.decayNanos = decayNanos;
    this.initialRttNanos = initialRttNanos;
    this.metricsMaxAgeNanos = metricsMaxAgeNanos;
  }

  /**
   * The model with {@link Strategies#DEFAULT_EWMA_DECAY}, {@link Strategies#DEFAULT_INITIAL_RTT}
   * and {@link #DEFAULT_METRICS_MAX_AGE}.
   */
  public static LatencyModel ofDefaults() {
    return DEFAULT;
  }

  /**
   * A model with the EWMA time constant (use the router's {@code ewmaDecay}), the RTT assumed
   * before an endpoint's first sample, and the age after which scraped metrics count as unknown.
   */
  public static LatencyModel of(Duration ewmaDecay, Duration initialRtt, Duration metricsMaxAge) {
    Objects.requireNonNull(ewmaDecay, "ewmaDecay");
    Objects.requireNonNull(initialRtt, "initialRtt");
    Objects.requireNonNull(metricsMaxAge, "metricsMaxAge");
    if (ewmaDecay.isNegative() || ewmaDecay.isZero()) {
      throw new IllegalArgumentException("ewmaDecay: " + ewmaDecay + " (expected: > 0)");
    }
    if (initialRtt.isNegative()) {
      throw new IllegalArgumentException("initialRtt: " + initialRtt + " (expected: >= 0)");
    }
    if (metricsMaxAge.isNegative()) {
      throw new IllegalArgumentException("metricsMaxAge: " + metricsMaxAge + " (expected: >= 0)");
    }
    return new LatencyModel(ewmaDecay.toNanos(), initialRtt.toNanos(), metricsMaxAge.toNanos());
  }

  /** A model with the default metrics age, for strategies built from nanosecond settings. */
  static LatencyModel ofNanos(long decayNanos, long initialRttNanos) {
    return new LatencyModel(decayNanos, initialRttNanos, DEFAULT_METRICS_MAX_AGE.toNanos());
  }

  /** The EWMA time constant in nanoseconds. */
  public long decayNanos() {
    return decayNanos;
  }

  /** The RTT assumed before the first sample, in nanoseconds. */
  public long initialRttNanos() {
    return initialRttNanos;
  }

  /** How old scraped metrics may be, in nanoseconds. */
  public long metricsMaxAgeNanos() {
    return metricsMaxAgeNanos;
  }

  /** The endpoint's latency estimate now: its decayed peak EWMA, or the initial RTT before any sample. */
  public double rttNanos(EndpointState state, long nowNanos) {
    return state.hasLatencySample() ? state.latencyEwmaNanos(nowNanos, decayNanos) : initialRttNanos;
  }

  /**
   * The latency that selection expects of one more request on an endpoint with {@code slots}
   * slots, before idle decay: its plain EWMA plus {@code 1 / slots} of the peak EWMA's excess over
   * it. On one slot that is the peak EWMA: one slow answer means the requests behind it waited. On
   * many it is close to the plain EWMA: one slow answer held one slot while the others went on, and
   * a peak EWMA, which takes every new peak at once, would sit near a high percentile of the
   * service time, the higher the more answers the endpoint gives, and so make the busiest endpoints
   * look slowest. The initial RTT before any sample.
   */
  double selectionBaseRttNanos(EndpointState state, int slots) {
    if (!state.hasLatencySample()) {
      return initialRttNanos;
    }
    double peak = state.latencyEwmaNanos();
    double mean = state.latencyMeanNanos();
    return mean + (peak - mean) / slots;
  }

  /**
   * {@link #selectionBaseRttNanos}, decayed toward zero while the endpoint is idle, as
   * {@link #rttNanos} always is: the decay makes an endpoint not heard from for a while look
   * cheaper, so that it is probed again. With requests in flight it does not decay, so an endpoint
   * takes one probe at a time rather than as many as it has free slots, and does not look faster
   * the longer its answers are awaited.
   */
  double selectionRttNanos(EndpointState state, int inFlight, int slots, long nowNanos) {
    double rtt = selectionBaseRttNanos(state, slots);
    long gap = nowNanos - state.latencyStampNanos();
    if (inFlight > 0 || !state.hasLatencySample() || gap <= 0) {
      return rtt;
    }
    return rtt * Math.exp(-(double) gap / decayNanos);
  }

  /** Whether the endpoint's scraped metrics exist and are fresh. */
  public boolean metricsFresh(EndpointState state, long nowNanos) {
    return state.serverMetricsFresh(nowNanos, metricsMaxAgeNanos);
  }

  /** The predicted end-to-end latency of one more request on this endpoint, in nanoseconds. */
  public double predictLatencyNanos(Endpoint endpoint, EndpointState state, long nowNanos) {
    return rttNanos(state, nowNanos) * queueFactor(endpoint, state, nowNanos);
  }

  /**
   * The predicted time to first token of one more request, in nanoseconds: the endpoint's TTFT
   * EWMA (the initial RTT before any sample) stretched by the same queue factor.
   */
  public double predictTtftNanos(Endpoint endpoint, EndpointState state, long nowNanos) {
    double ttft = state.ttftEwmaNanos();
    return (ttft > 0 ? ttft : initialRttNanos) * queueFactor(endpoint, state, nowNanos);
  }

  /**
   * The predicted time to first token of one more request with {@code promptTokens} prompt tokens,
   * in nanoseconds: {@link #predictTtftNanos(Endpoint, EndpointState, long)}, which predicts for
   * the endpoint's usual prompt, plus its {@linkplain EndpointState#prefillNanosPerToken() prefill
   * rate} times this prompt's difference from the {@linkplain EndpointState#prefillMeanTokens()
   * mean prompt} the rate was learnt on, and never less than this prompt's own prefill. A long
   * prompt on an endpoint that mostly serves short ones is predicted to take its prefill's time,
   * not the short prompts' TTFT. Without a learnt rate, or with {@code promptTokens <= 0}
   * (unknown), the same as the prompt-blind prediction.
   */
  public double predictTtftNanos(Endpoint endpoint, EndpointState state, int promptTokens, long nowNanos) {
    double ttft = predictTtftNanos(endpoint, state, nowNanos);
    double rate = state.prefillNanosPerToken();
    if (!(rate > 0) || promptTokens <= 0) {
      return ttft;
    }
    return Math.max(ttft + rate * (promptTokens - state.prefillMeanTokens()), rate * promptTokens);
  }

  /**
   * How much longer than its latency one more request takes on an endpoint with {@code inFlight}
   * requests on {@code slots} slots: {@code max(1, (inFlight + 1) / slots)}, 1 while a slot is free,
   * then one more latency for each round of {@code slots} requests queued ahead. With one slot it is
   * {@code inFlight + 1}.
   */
  static double loadFactor(int inFlight, int slots) {
    return Math.max(1, (inFlight + 1) / (double) slots);
  }

  /** {@code 1 + ahead / slots}, see the class description. */
  double queueFactor(Endpoint endpoint, EndpointState state, long nowNanos) {
    boolean fresh = metricsFresh(state, nowNanos);
    int waiting = fresh ? state.queueDepth() : -1;
    int known = endpoint.slots() > 0 ? endpoint.slots() : endpoint.maxConcurrency();
    if (waiting >= 0) {
      return 1 + waiting / (double) (known > 0 ? known : Math.max(state.running(), 1));
    }
    return known > 0 ? loadFactor(state.inFlight(), known) : 1;
  }

  /**
   * Whether requests wait for a slot on the endpoint: its fresh scraped metrics report a queue, or,
   * without them, its requests in flight fill its declared {@linkplain Endpoint#slots() slots} or
   * concurrency limit. False when neither is known. One more request sent there would queue behind
   * others and lengthen their wait: a request without a budget is not predicted to be served in
   * good time there.
   */
  public boolean saturated(Endpoint endpoint, EndpointState state, long nowNanos) {
    return queueFactor(endpoint, state, nowNanos) > 1;
  }

  /**
   * Whether the endpoint is predicted to meet the request's latency and time-to-first-token
   * budgets; true when the request has none.
   */
  public boolean fitsBudget(RouteRequest request, Endpoint endpoint, EndpointState state, long nowNanos) {
    long budget = request.latencyBudgetNanos();
    if (budget > 0 && predictLatencyNanos(endpoint, state, nowNanos) > budget) {
      return false;
    }
    long ttftBudget = request.ttftBudgetNanos();
    return ttftBudget <= 0 || predictTtftNanos(endpoint, state, nowNanos) <= ttftBudget;
  }

  /**
   * What the request costs on the endpoint: the cost per request plus the cost per 1,000 tokens
   * times the request's prompt and maximum output tokens. The endpoint's own prices override the
   * model's; an unset endpoint price (NaN) falls back to the model's.
   */
  public static double requestCost(RouteRequest request, ModelSpec model, Endpoint endpoint) {
    double perRequest = endpoint.costPerRequest();
    if (Double.isNaN(perRequest)) {
      perRequest = model.costPerRequest();
    }
    double per1k = endpoint.costPer1kTokens();
    if (Double.isNaN(per1k)) {
      per1k = model.costPer1kTokens();
    }
    long tokens = (long) Math.max(request.promptTokens(), 0) + Math.max(request.maxOutputTokens(), 0);
    return perRequest + per1k * tokens / 1000.0;
  }

  @Override
  public String toString() {
    return "LatencyModel{decay=" + Duration.ofNanos(decayNanos) + ", initialRtt=" + Duration.ofNanos(initialRttNanos)
        + ", metricsMaxAge=" + Duration.ofNanos(metricsMaxAgeNanos) + '}';
  }
}
