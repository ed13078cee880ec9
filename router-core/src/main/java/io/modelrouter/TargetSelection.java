package io.modelrouter;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelEntry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.registry.RouteEntry;
import io.modelrouter.registry.RouteTarget;
import io.modelrouter.route.ModelSelector;
import io.modelrouter.route.ModelSelectors;
import io.modelrouter.route.RouteExplanation;
import io.modelrouter.select.LatencyModel;
import io.modelrouter.select.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Routes a request that names a model route: decides per target whether it is eligible, recording
 * why not (the caller may use it; it serves the operation and has the capabilities; its declared
 * quality reaches the request's minimum; prompt and output tokens fit its context window; the input
 * is valid against its own schema or tensor signature; an endpoint passes the router's filters,
 * the latency budget under the deadline policy included), lets the route's {@link ModelSelector}
 * choose among the eligible targets from their endpoints' predictions, then lets the router's
 * endpoint strategy pick within the chosen one, among the endpoints its predictions compared (all
 * of them up to {@link #FULL_SCAN_LIMIT}, else {@link #SAMPLE} random ones).
 *
 * <p>Like {@link Router#route}: no lock, and nothing allocated but the decision (and the messages
 * of targets that are out because a check refused them); the explanation only when asked for.
 */
final class TargetSelection {

  private static final ModelSelector ORDERED = ModelSelectors.ordered();
  private static final ModelSelector FASTEST = ModelSelectors.fastest();
  private static final ModelSelector CHEAPEST = ModelSelectors.cheapest();

  /**
   * How many random endpoints of a large target a selector that predicts draws to find its {@link
   * #SAMPLE} routable ones, before it filters them all: with half a pool unroutable, 8 draws miss
   * two routable ones 3.5% of the time.
   */
  static final int MAX_DRAWS = 8;

  /** Up to how many candidates a target's predictions compare them all, as the endpoint strategies do. */
  static final int FULL_SCAN_LIMIT = Strategies.DEFAULT_FULL_SCAN_LIMIT;

  /** How many random candidates a larger target's predictions compare (power of two choices). */
  static final int SAMPLE = 2;

  private final Router router;
  private final Map<String, ModelSelector> custom;
  private final InputValidator validator;
  private final LatencyModel latencyModel;
  private final RandomGenerator random;
  private final Duration retryAfter;

  TargetSelection(Router router, Map<String, ModelSelector> custom, InputValidator validator,
      LatencyModel latencyModel, RandomGenerator random, Duration retryAfter) {
    this.router = router;
    this.custom = Map.copyOf(custom);
    this.validator = validator;
    this.latencyModel = latencyModel;
    this.random = random;
    this.retryAfter = retryAfter;
  }

  RouteResult route(RouteEntry route, RouteRequest request) {
    ModelSelector selector = selector(route.spec().policy());
    if (selector == null) {
      return Rejection.of(RejectionReason.NO_ELIGIBLE_MODEL,
          "route '" + route.name() + "' names policy '" + route.spec().policy() + "', which no selector implements");
    }
    long now = router.ticker().nanoTime();
    TargetScratch s = TargetScratch.forCurrentThread();
    s.reset(this, route, request, random);
    // The ordered policy needs only the first eligible target; the explanation needs them all.
    boolean firstWins = selector == ORDERED && !request.explain();
    // fastest and cheapest judge a large target by two random endpoints and pick among those: no
    // need to filter the rest (the explanation, which counts them, does).
    boolean sampleLarge = (selector == FASTEST || selector == CHEAPEST) && !request.explain();
    try {
      for (int t = 0; t < route.targetCount(); t++) {
        s.fate[t] = evaluate(s, t, route, request, now, sampleLarge);
        if (s.fate[t] == TargetScratch.ELIGIBLE) {
          s.eligible[s.eligibleCount++] = t;
          if (firstWins) {
            break;
          }
        }
      }
      if (s.eligibleCount > 0 && s.shed) {
        leaveToThoseThatNeedThem(s, request);
      }
      if (s.eligibleCount == 0) {
        return noEligibleTarget(s, route, request);
      }
      int position = selector.select(s);
      if (position < 0 || position >= s.eligibleCount) {
        return Rejection.retryAfter(RejectionReason.NO_HEALTHY_ENDPOINT,
            "selector " + selector.name() + " of route '" + route.name() + "' chose no target", retryAfter);
      }
      int chosen = s.eligible[position];
      // The endpoint comes from those the selector's predictions compared (before the explanation
      // predicts on the rest): the (target, endpoint) pair it judged.
      int chosenRoutable = s.sets[chosen].size();
      if (s.sampled(chosen)) {
        s.sets[chosen].keepPositions(s.sample, chosen * SAMPLE, s.compared[chosen]);
      }
      RouteExplanation why = request.explain() ? explain(s, route, selector, chosen, chosenRoutable) : null;
      ModelVersion version = s.versions[chosen];
      return router.decide(s.sets[chosen], version, request, now, route.spec(), why);
    } finally {
      s.clear();
    }
  }

  private @Nullable ModelSelector selector(String policy) {
    ModelSelector builtIn = ModelSelectors.builtIn(policy);
    return builtIn != null ? builtIn : custom.get(policy);
  }

  /**
   * Takes out of the eligible targets those with capabilities the request does not need (an
   * eligible target has all it needs, so those with more): a request that load shedding refused on
   * a target it could use does not overflow onto servers the requests that need those capabilities
   * have no alternative to. Shedding protects the traffic of higher priority on saturated servers;
   * overflowing onto another target's would move the overload onto traffic that cannot move.
   */
  private static void leaveToThoseThatNeedThem(TargetScratch s, RouteRequest request) {
    int kept = 0;
    for (int i = 0; i < s.eligibleCount; i++) {
      int t = s.eligible[i];
      if (specialised(s, t, request)) {
        s.fate[t] = TargetScratch.YIELDED;
      } else {
        s.eligible[kept++] = t;
      }
    }
    s.eligibleCount = kept;
  }

  private static boolean specialised(TargetScratch s, int t, RouteRequest request) {
    ModelVersion v = s.versions[t];
    return v != null && v.spec().capabilities().size() > request.capabilities().size();
  }

  /**
   * Runs every eligibility check on target {@code t}; leaves its candidates in its set when eligible:
   * with {@code sampleLarge} and more than {@link #FULL_SCAN_LIMIT} endpoints, the {@link #SAMPLE}
   * random ones that {@link #sampleRoutable} found and the router's filters kept, else every endpoint
   * that passes them. The sample decides eligibility only when it passes; otherwise the whole pool is
   * filtered, so a target is eligible exactly when some endpoint passes every filter.
   */
  private byte evaluate(TargetScratch s, int t, RouteEntry route, RouteRequest request, long now, boolean sampleLarge) {
    RouteTarget target = route.target(t);
    if (!request.mayUse(target.model())) {
      return TargetScratch.HIDDEN;
    }
    ModelEntry entry = route.model(t);
    if (entry == null) {
      return TargetScratch.NOT_REGISTERED;
    }
    ModelVersion version = router.resolveVersion(entry, target.version(), request);
    if (version == null) {
      return TargetScratch.NO_VERSION;
    }
    s.versions[t] = version;
    ModelSpec spec = version.spec();
    if (!spec.supports(request.operation())) {
      return TargetScratch.OPERATION;
    }
    if (!request.capabilities().isEmpty() && !spec.capabilities().containsAll(request.capabilities())) {
      return TargetScratch.CAPABILITY;
    }
    if (request.minQuality() > 0 && spec.quality() < request.minQuality()) {
      return TargetScratch.QUALITY;
    }
    if (spec.contextWindow() > 0 && tokens(request) > spec.contextWindow()) {
      return TargetScratch.CONTEXT;
    }
    Rejection invalid = validator.validate(spec, request);
    if (invalid == null) {
      CandidateSet set = s.sets[t];
      set.reset(version, request, now, random);
      boolean sampled = sampleLarge && sampleRoutable(set, version, request, now)
          && router.applyStages(set, request, spec, null) == null;
      if (!sampled) {
        set.reset(version, request, now, random);
        invalid = router.filterBuiltIn(set, version, request, now);
        if (invalid == null) {
          invalid = router.applyStages(set, request, spec, null);
        }
      }
    }
    if (invalid != null) {
      s.rejection[t] = invalid;
      s.shed |= invalid.reason() == RejectionReason.OVERLOADED;
      return TargetScratch.REJECTED;
    }
    return TargetScratch.ELIGIBLE;
  }

  /**
   * Adds to {@code set} {@link #SAMPLE} distinct random endpoints of a version of more than {@link
   * #FULL_SCAN_LIMIT} that pass the built-in filters (status, exclusion, adapter, concurrency,
   * quota), drawing at most {@link #MAX_DRAWS}: O(1) however large the pool. False when the pool is
   * small or the draws found fewer.
   */
  private boolean sampleRoutable(CandidateSet set, ModelVersion version, RouteRequest request, long now) {
    int n = version.endpointCount();
    if (n <= FULL_SCAN_LIMIT) {
      return false;
    }
    int first = -1;
    for (int d = 0; d < MAX_DRAWS; d++) {
      int i = random.nextInt(n);
      if (i != first && router.passesBuiltIn(version, i, request, now)) {
        set.add(i);
        if (first >= 0) {
          return true;
        }
        first = i;
      }
    }
    return false;
  }

  private static long tokens(RouteRequest request) {
    return (long) request.promptTokens() + request.maxOutputTokens();
  }

  /**
   * Computes target {@code t}'s predictions, the groups {@code what} asks for: its fastest endpoint
   * and lowest predicted latency ({@link TargetScratch#LATENCY}), its lowest predicted TTFT
   * ({@link TargetScratch#TTFT}), the cost on its cheapest endpoint predicted to meet the budget
   * and whether there is one ({@link TargetScratch#COST}), whether one of them has nothing in flight
   * ({@link TargetScratch#IDLE}). Only when a selector or the explanation
   * asks: {@code ordered} and {@code weighted} never do.
   *
   * <p>Like the endpoint strategies ({@link Strategies#leastLatency()}), it compares every
   * candidate when there are at most {@link #FULL_SCAN_LIMIT}, else {@link #SAMPLE} drawn at random
   * on the target's first prediction, the same ones for each later group: O(1) per target on a
   * large pool.
   */
  void predict(TargetScratch s, int t, RouteRequest request, byte what) {
    CandidateSet set = s.sets[t];
    if (s.compared[t] == 0) {
      s.compared[t] = draw(set, s.sample, t * SAMPLE);
    }
    int n = s.compared[t];
    long now = set.nanoTime();
    if ((what & TargetScratch.LATENCY) != 0) {
      double best = Double.POSITIVE_INFINITY;
      Endpoint fastest = null;
      for (int k = 0; k < n; k++) {
        int p = s.comparedPosition(t, k);
        double latency = predictLatency(request, set.endpoint(p), set.state(p), now);
        if (latency < best || fastest == null) {
          best = latency;
          fastest = set.endpoint(p);
        }
      }
      s.latency[t] = best;
      s.fastest[t] = fastest;
    }
    if ((what & TargetScratch.TTFT) != 0) {
      double best = Double.POSITIVE_INFINITY;
      for (int k = 0; k < n; k++) {
        int p = s.comparedPosition(t, k);
        best = Math.min(best, latencyModel.predictTtftNanos(set.endpoint(p), set.state(p), request.promptTokens(), now));
      }
      s.ttft[t] = best;
    }
    if ((what & TargetScratch.COST) != 0) {
      ModelSpec spec = set.model();
      double cheapestFit = Double.POSITIVE_INFINITY;
      double cheapest = Double.POSITIVE_INFINITY;
      for (int k = 0; k < n; k++) {
        int p = s.comparedPosition(t, k);
        double cost = LatencyModel.requestCost(request, spec, set.endpoint(p));
        cheapest = Math.min(cheapest, cost);
        if (cost < cheapestFit && fitsBudget(request, set.endpoint(p), set.state(p), now)) {
          cheapestFit = cost;
        }
      }
      s.fits[t] = cheapestFit != Double.POSITIVE_INFINITY;
      s.cost[t] = s.fits[t] ? cheapestFit : cheapest;
    }
    if ((what & TargetScratch.IDLE) != 0) {
      boolean idle = false;
      for (int k = 0; k < n && !idle; k++) {
        idle = set.state(s.comparedPosition(t, k)).inFlight() == 0;
      }
      s.idle[t] = idle;
    }
  }

  /**
   * The request's predicted latency on an endpoint, for comparing targets whose requests differ in
   * size: once the endpoint has reported its time to first token and its time per output token
   * (from answers that carry their token counts), the predicted TTFT of the request's prompt (queue
   * and {@linkplain EndpointState#prefillNanosPerToken() prefill rate} included) plus the request's
   * output tokens after the first at that rate; before, {@link
   * LatencyModel#predictLatencyNanos}, the endpoint's whole-request latency. Never less than its
   * {@linkplain EndpointState#pendingAgeNanos pending age}, as in {@link Strategies#leastLatency()}:
   * an endpoint that has had requests in flight for that long without answering one is not
   * predicted faster, however fast its last answers (or, before its first, the initial RTT) were.
   */
  private double predictLatency(RouteRequest request, Endpoint endpoint, EndpointState state, long now) {
    double tpot = state.tpotEwmaNanos();
    int output = request.maxOutputTokens();
    double latency = !(tpot > 0) || !(state.ttftEwmaNanos() > 0) || output <= 0
        ? latencyModel.predictLatencyNanos(endpoint, state, now)
        : latencyModel.predictTtftNanos(endpoint, state, request.promptTokens(), now) + (output - 1) * tpot;
    return Math.max(latency, state.pendingAgeNanos(now));
  }

  /**
   * {@link LatencyModel#fitsBudget} with the latency of {@link #predictLatency} and the TTFT of the
   * request's prompt; for a request without a budget, whether the endpoint is not {@linkplain
   * LatencyModel#saturated saturated}.
   */
  private boolean fitsBudget(RouteRequest request, Endpoint endpoint, EndpointState state, long now) {
    long budget = request.latencyBudgetNanos();
    if (budget <= 0 && request.ttftBudgetNanos() <= 0) {
      return !latencyModel.saturated(endpoint, state, now);
    }
    if (budget > 0 && predictLatency(request, endpoint, state, now) > budget) {
      return false;
    }
    long ttftBudget = request.ttftBudgetNanos();
    return ttftBudget <= 0 || latencyModel.predictTtftNanos(endpoint, state, request.promptTokens(), now) <= ttftBudget;
  }

  /**
   * How many of the set's candidates the predictions compare: all up to {@link #FULL_SCAN_LIMIT},
   * else {@link #SAMPLE} distinct random positions, written to {@code sample[from ..]}.
   */
  private static int draw(CandidateSet set, int[] sample, int from) {
    int n = set.size();
    if (n <= FULL_SCAN_LIMIT) {
      return n;
    }
    RandomGenerator random = set.random();
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    sample[from] = a;
    sample[from + 1] = b >= a ? b + 1 : b;
    return SAMPLE;
  }

  /** Why target {@code t} was out, for the rejection and the explanation. */
  private static String outBecause(TargetScratch s, int t, RouteEntry route, RouteRequest request) {
    RouteTarget target = route.target(t);
    ModelVersion v = s.versions[t];
    ModelSpec spec = v == null ? null : v.spec();
    switch (s.fate[t]) {
      case TargetScratch.NOT_REGISTERED:
        return "not a registered model";
      case TargetScratch.NO_VERSION:
        return "no version matches " + target.version();
      case TargetScratch.OPERATION:
        return "does not serve " + request.operation().name().toLowerCase(Locale.ROOT) + " requests";
      case TargetScratch.CAPABILITY:
        java.util.TreeSet<String> missing = new java.util.TreeSet<>(request.capabilities());
        missing.removeAll(spec.capabilities());
        return "lacks " + String.join(", ", missing);
      case TargetScratch.QUALITY:
        return String.format(Locale.ROOT, "quality %s < minimum %s", number(spec.quality()), number(request.minQuality()));
      case TargetScratch.CONTEXT:
        return String.format(Locale.ROOT, "%,d tokens > context %,d", tokens(request), spec.contextWindow());
      case TargetScratch.REJECTED:
        return s.rejection[t].message();
      case TargetScratch.YIELDED:
        java.util.TreeSet<String> extra = new java.util.TreeSet<>(spec.capabilities());
        extra.removeAll(request.capabilities());
        return "left to requests that need " + String.join(", ", extra) + " (the request was shed elsewhere)";
      default:
        return "eligible";
    }
  }

  private static String number(double d) {
    return String.format(Locale.ROOT, "%.3g", d);
  }

  private static String label(TargetScratch s, int t, RouteEntry route) {
    ModelVersion v = s.versions[t];
    return v != null ? v.spec().key() : route.target(t).toString();
  }

  /**
   * The rejection when no target is eligible: the route looks unknown when the caller may use none
   * of its targets; a temporary reason (capacity, health, deadline) makes it temporary, with the
   * first such reason's status; otherwise {@link RejectionReason#NO_ELIGIBLE_MODEL}, or {@link
   * RejectionReason#INVALID_INPUT} with the violations when the only target visible refused the
   * input. The message says why each visible target was out.
   */
  private Rejection noEligibleTarget(TargetScratch s, RouteEntry route, RouteRequest request) {
    StringBuilder why = new StringBuilder();
    Rejection temporary = null;
    Rejection onlyInvalid = null;
    int visible = 0;
    for (int t = 0; t < route.targetCount(); t++) {
      if (s.fate[t] == TargetScratch.HIDDEN) {
        continue;
      }
      visible++;
      why.append(visible == 1 ? "" : "; ").append(label(s, t, route)).append(": ").append(outBecause(s, t, route, request));
      Rejection r = s.rejection[t];
      if (r != null && r.reason().retryable() && temporary == null) {
        temporary = r;
      }
      onlyInvalid = r != null && r.reason() == RejectionReason.INVALID_INPUT ? r : null;
    }
    if (visible == 0) {
      return Rejection.of(RejectionReason.UNKNOWN_MODEL, "model '" + route.name() + "' does not exist");
    }
    String message = "no target of route '" + route.name() + "' can serve the request (" + why + ')';
    if (temporary != null) {
      Duration after = temporary.retryAfter();
      return Rejection.retryAfter(temporary.reason(), message, after == null ? retryAfter : after);
    }
    if (visible == 1 && onlyInvalid != null) {
      return Rejection.invalidInput(message, onlyInvalid.violations());
    }
    return Rejection.of(RejectionReason.NO_ELIGIBLE_MODEL, message);
  }

  /** The explanation; {@code chosenRoutable}: how many endpoints the chosen target had before it was narrowed to those compared. */
  private static RouteExplanation explain(TargetScratch s, RouteEntry route, ModelSelector selector, int chosen,
      int chosenRoutable) {
    List<RouteExplanation.Target> list = new ArrayList<>(route.targetCount());
    RouteRequest request = s.request();
    for (int t = 0; t < route.targetCount(); t++) {
      if (s.fate[t] == TargetScratch.HIDDEN) {
        continue;
      }
      ModelVersion v = s.versions[t];
      double quality = v == null ? 0 : v.spec().quality();
      if (s.fate[t] != TargetScratch.ELIGIBLE) {
        list.add(new RouteExplanation.Target(label(s, t, route), outBecause(s, t, route, request),
            Double.NaN, Double.NaN, Double.NaN, quality, false, 0, 0));
      } else {
        int position = 0;
        while (s.eligible[position] != t) {
          position++;
        }
        s.predictedTarget(position, (byte) (TargetScratch.LATENCY | TargetScratch.TTFT | TargetScratch.COST));
        list.add(new RouteExplanation.Target(label(s, t, route), null,
            s.latency[t] / 1e6, s.ttft[t] / 1e6, s.cost[t], quality, t == chosen,
            s.compared[t], t == chosen ? chosenRoutable : s.sets[t].size()));
      }
    }
    return new RouteExplanation(route.name(), selector.name(), list);
  }
}
