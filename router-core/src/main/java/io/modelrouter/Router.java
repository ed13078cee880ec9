package io.modelrouter;

import io.modelrouter.health.EndpointState;
import io.modelrouter.health.HealthSnapshot;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelEntry;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.registry.RegistrySnapshot;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.route.RouteExplanation;
import io.modelrouter.select.DeadlinePolicy;
import io.modelrouter.select.EndpointFilter;
import io.modelrouter.select.Filters;
import io.modelrouter.select.LatencyModel;
import io.modelrouter.select.LoadShedding;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Routes requests: resolve the model version in the registry's current snapshot, filter its
 * endpoints on live signals, let the strategy pick one, and hand out a {@link Lease}.
 *
 * <pre>{@code
 * Router router = Router.builder(registry).build();
 * RouteResult result = router.route(RouteRequest.of("demo-chat"));
 * if (result instanceof Decision d) {
 *   try (Lease lease = d.lease()) {
 *     // call d.endpoint().baseUrl() ...
 *     lease.complete(Outcome.success());
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #route} is thread-safe, takes no lock and, apart from the decision and its lease,
 * allocates nothing: the registry snapshot is one volatile read, candidates live in a per-thread
 * buffer. It never throws for a request it cannot route: it returns a {@link Rejection}.
 */
public final class Router {

  /**
   * Retry-after hint for rejections caused by a temporary lack of capacity or quota: 1 s, about
   * the time in-flight requests to a model server take to drain a slot.
   */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  /**
   * How many requests an endpoint's per-second quota lets through at once after idling: 1, so the
   * quota is a steady rate. Raise it with {@link Builder#quotaBurst(int)}.
   */
  public static final int DEFAULT_QUOTA_BURST = 1;

  private static final EndpointFilter ADAPTER_LOADED = Filters.adapterLoaded();
  private static final EndpointFilter ADAPTER_SLOT_FREE = Filters.adapterSlotFree();

  private final ModelRegistry registry;
  private final SelectionStrategy strategy;
  /** The builder's filters, then the strategy's. */
  private final EndpointFilter[] filters;
  private final Ticker ticker;
  private final RandomGenerator random;
  private final long ewmaDecayNanos;
  private final LatencyModel latencyModel;
  private final LoadShedding shedding;
  private final EndpointFilter budgetFilter;
  private final EndpointFilter shedFilter;
  private final OutcomeListener[] listeners;
  private final RouteListener[] routeListeners;
  private final Duration retryAfter;
  private final int quotaBurst;
  private final InputValidator validator;
  private final TargetSelection targets;

  private Router(Builder b) {
    this.registry = b.registry;
    this.strategy = b.strategy;
    List<EndpointFilter> all = new ArrayList<>(b.filters);
    all.addAll(b.strategy.filters());
    this.filters = all.toArray(new EndpointFilter[0]);
    this.ticker = b.ticker;
    this.random = b.random;
    this.latencyModel = b.latencyModel;
    this.ewmaDecayNanos = b.latencyModel.decayNanos();
    this.shedding = b.shedding;
    this.budgetFilter = Filters.latencyBudget(latencyModel, b.deadlinePolicy);
    this.shedFilter = Filters.notSaturated(shedding, latencyModel);
    this.listeners = b.listeners.toArray(new OutcomeListener[0]);
    this.routeListeners = b.routeListeners.toArray(new RouteListener[0]);
    this.retryAfter = b.retryAfter;
    this.quotaBurst = b.quotaBurst;
    this.validator = b.validator;
    this.targets = new TargetSelection(this, b.selectors, b.validator, b.latencyModel, b.random, b.retryAfter);
  }

  /** Starts a router over a registry. */
  public static Builder builder(ModelRegistry registry) {
    return new Builder(registry);
  }

  public ModelRegistry registry() {
    return registry;
  }

  public SelectionStrategy strategy() {
    return strategy;
  }

  public Ticker ticker() {
    return ticker;
  }

  /** A copy of every endpoint's signals in the registry's current snapshot. */
  public HealthSnapshot health() {
    return HealthSnapshot.of(registry.snapshot().states());
  }

  /**
   * Routes one request: resolves the model version (applying the traffic split, sticky per
   * affinity key), validates the input, then narrows the version's endpoints in stages — health,
   * exclusions, adapter capability, concurrency limit and quota; LoRA adapter affinity (holders
   * first, then free slots; a preference); the builder's filters, then the strategy's; the
   * latency and TTFT budgets under the {@link DeadlinePolicy}; load shedding for the priorities
   * the {@link LoadShedding} sheds — and lets the strategy pick among what is left.
   *
   * @return a {@link Decision} whose lease must be completed, or a {@link Rejection}
   */
  public RouteResult route(RouteRequest request) {
    RouteResult result = select(request);
    for (RouteListener l : routeListeners) {
      try {
        l.onRoute(request, result);
      } catch (RuntimeException e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
    return result;
  }

  private RouteResult select(RouteRequest request) {
    RegistrySnapshot snapshot = registry.snapshot();
    ModelEntry entry = snapshot.model(request.model());
    if (entry == null) {
      io.modelrouter.registry.RouteEntry route = snapshot.route(request.model());
      if (route != null) {
        return targets.route(route, request); // a model route: choose the model too (TargetSelection)
      }
      return Rejection.of(RejectionReason.UNKNOWN_MODEL, "model '" + request.model() + "' does not exist");
    }
    ModelVersion version = resolveVersion(entry, request);
    if (version == null) {
      return Rejection.of(
          RejectionReason.NO_MATCHING_VERSION,
          "model '" + request.model() + "' has no version matching " + request.version()
              + " (versions: " + versionNames(entry) + ')');
    }
    ModelSpec spec = version.spec();
    if (!spec.supports(request.operation())) {
      return Rejection.of(
          RejectionReason.UNSUPPORTED_OPERATION,
          "model '" + spec.key() + "' does not serve " + request.operation().name().toLowerCase(java.util.Locale.ROOT)
              + " requests (it serves " + spec.operations() + ')');
    }
    if (!request.capabilities().isEmpty() && !spec.capabilities().containsAll(request.capabilities())) {
      return Rejection.of(
          RejectionReason.MISSING_CAPABILITY,
          "model '" + spec.key() + "' lacks " + missing(request, spec) + " (it has " + spec.capabilities() + ')');
    }
    Rejection invalid = validator.validate(spec, request);
    if (invalid != null) {
      return invalid;
    }

    long now = ticker.nanoTime();
    CandidateSet set = CandidateSet.forCurrentThread();
    set.reset(version, request, now, random);
    try {
      Rejection rejected = filterBuiltIn(set, version, request, now);
      if (rejected == null) {
        rejected = applyStages(set, request, spec, null);
      }
      if (rejected != null) {
        return rejected;
      }
      return decide(set, version, request, now, null, null);
    } finally {
      set.clear();
    }
  }

  /**
   * Lets the strategy pick among the candidates left in {@code set}, takes the quota and the
   * in-flight slot, and hands out the decision (for a model route, naming it).
   */
  RouteResult decide(CandidateSet set, ModelVersion version, RouteRequest request, long now,
      @org.jspecify.annotations.Nullable RouteSpec route,
      @org.jspecify.annotations.Nullable RouteExplanation routeExplanation) {
    ModelSpec spec = version.spec();
    int position = strategy.select(set);
    if (position < 0 || position >= set.size()) {
      return Rejection.retryAfter(
          RejectionReason.NO_HEALTHY_ENDPOINT,
          "strategy " + strategy.name() + " found no acceptable endpoint for model '" + spec.key() + "'",
          retryAfter);
    }
    int index = set.versionIndex(position);
    Endpoint endpoint = version.endpoint(index);
    EndpointState state = version.state(index);
    // Explained before the slot is taken: the winner shows the score it won with, and a filter
    // that throws while explaining leaves no slot behind.
    Explanation explanation = request.explain() ? explain(set, version, request, now, index) : null;
    // Conditional, like the quota below: another thread may have taken the last slot between the
    // filter and here.
    if (!state.tryAcquire(concurrencyLimit(endpoint, state), now)) {
      return Rejection.retryAfter(
          RejectionReason.OVER_CAPACITY, "every endpoint of model '" + spec.key() + "' is at its concurrency limit", retryAfter);
    }
    if (endpoint.maxRequestsPerSecond() > 0
        && !state.tryAcquireQuota(endpoint.maxRequestsPerSecond(), quotaBurst, now)) {
      state.release();
      return Rejection.retryAfter(
          RejectionReason.QUOTA_EXCEEDED, "endpoint quota of model '" + spec.key() + "' is used up", retryAfter);
    }
    Lease lease = new Lease(this, endpoint, state, now);
    return new Decision(request, endpoint, spec, lease, explanation, route, routeExplanation);
  }

  private ModelVersion resolveVersion(ModelEntry entry, RouteRequest request) {
    return resolveVersion(entry, request.version(), request);
  }

  /** The version a selector names, or for an unspecified one the traffic split (sticky per affinity key). */
  @org.jspecify.annotations.Nullable ModelVersion resolveVersion(ModelEntry entry, VersionSelector selector, RouteRequest request) {
    if (selector.kind() == VersionSelector.Kind.UNSPECIFIED && entry.hasTrafficSplit()) {
      int total = entry.trafficWeightTotal();
      String key = request.affinityKey();
      int point = key != null ? Math.floorMod(mix(key.hashCode()), total) : random.nextInt(total);
      return entry.splitAt(point);
    }
    return entry.resolve(selector);
  }

  /** Spreads a 32-bit hash (murmur3 finaliser) so that nearby keys land on distant points. */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /**
   * Narrows the candidates that passed the built-in checks, stage by stage: LoRA adapter affinity
   * (soft: endpoints holding the adapter, else those with a free slot), the builder's and the
   * strategy's filters, the latency budget, then load shedding by priority.
   *
   * @param removedBy when not null (explaining), receives for each removed endpoint's version
   *     index the name of the stage that removed it
   * @return the rejection when a stage left nothing, else null
   */
  @org.jspecify.annotations.Nullable Rejection applyStages(
      CandidateSet set, RouteRequest request, ModelSpec spec, String @org.jspecify.annotations.Nullable [] removedBy) {
    if (request.adapter() != null) {
      retain(set, ADAPTER_LOADED, true, removedBy);
      retain(set, ADAPTER_SLOT_FREE, true, removedBy);
    }
    for (EndpointFilter filter : filters) {
      if (!retain(set, filter, filter.soft(), removedBy)) {
        return rejectionFor(filter.reasonWhenEmpty(), spec, "filter " + filter.name());
      }
    }
    if ((request.latencyBudgetNanos() > 0 || request.ttftBudgetNanos() > 0)
        && !retain(set, budgetFilter, true, removedBy)) {
      return deadlineRejection(set, request, spec);
    }
    if (shedding.sheds(request.priority()) && !retain(set, shedFilter, false, removedBy)) {
      return Rejection.retryAfter(
          RejectionReason.OVERLOADED,
          "every endpoint of model '" + spec.key() + "' is saturated; "
              + request.priority().name().toLowerCase(java.util.Locale.ROOT) + " requests are shed first",
          retryAfter);
    }
    return null;
  }

  private static boolean retain(
      CandidateSet set, EndpointFilter filter, boolean keepWhenEmpty, String @org.jspecify.annotations.Nullable [] removedBy) {
    if (removedBy == null) {
      return set.retain(filter, keepWhenEmpty);
    }
    int before = set.size();
    int[] was = new int[before];
    for (int p = 0; p < before; p++) {
      was[p] = set.versionIndex(p);
    }
    boolean any = set.retain(filter, keepWhenEmpty);
    boolean[] kept = new boolean[removedBy.length];
    for (int p = 0; p < set.size(); p++) {
      kept[set.versionIndex(p)] = true;
    }
    for (int idx : was) {
      if (!kept[idx]) {
        removedBy[idx] = filter.name();
      }
    }
    return any;
  }

  private Rejection deadlineRejection(CandidateSet set, RouteRequest request, ModelSpec spec) {
    // The set still holds every candidate the budget filter saw: it was retained with keepWhenEmpty.
    double fastest = Double.POSITIVE_INFINITY;
    for (int p = 0; p < set.size(); p++) {
      fastest = Math.min(fastest, latencyModel.predictLatencyNanos(set.endpoint(p), set.state(p), set.nanoTime()));
    }
    String budget = request.latencyBudgetNanos() > 0
        ? "latency budget of " + millis(request.latencyBudgetNanos())
        : "time-to-first-token budget of " + millis(request.ttftBudgetNanos());
    return Rejection.retryAfter(
        RejectionReason.DEADLINE_UNMEETABLE,
        "no endpoint of model '" + spec.key() + "' is predicted to meet the " + budget
            + " (fastest predicted: " + millis((long) fastest) + ')',
        retryAfter);
  }

  private static String millis(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  /** Applies the built-in checks; returns the rejection when nothing is left. */
  @org.jspecify.annotations.Nullable Rejection filterBuiltIn(
      CandidateSet set, ModelVersion version, RouteRequest request, long now) {
    int n = version.endpointCount();
    int notRoutable = 0;
    int full = 0;
    int overQuota = 0;
    int noAdapter = 0;
    for (int i = 0; i < n; i++) {
      Verdict v = builtInVerdict(version.endpoint(i), version.state(i), request, now);
      switch (v) {
        case OK:
          set.add(i);
          break;
        case AT_CONCURRENCY_LIMIT:
          full++;
          break;
        case OVER_QUOTA:
          overQuota++;
          break;
        case NO_ADAPTER:
          noAdapter++;
          break;
        default:
          notRoutable++;
          break;
      }
    }
    if (set.size() > 0) {
      return null;
    }
    String key = version.spec().key();
    if (n == 0) {
      return Rejection.of(RejectionReason.NO_HEALTHY_ENDPOINT, "no endpoint serves model '" + key + "'");
    }
    if (full > 0) {
      return Rejection.retryAfter(
          RejectionReason.OVER_CAPACITY, "every endpoint of model '" + key + "' is at its concurrency limit", retryAfter);
    }
    if (overQuota > 0) {
      return Rejection.retryAfter(
          RejectionReason.QUOTA_EXCEEDED, "the request quota of every endpoint of model '" + key + "' is used up", retryAfter);
    }
    if (noAdapter > 0 && notRoutable == 0) {
      return Rejection.of(
          RejectionReason.MISSING_CAPABILITY,
          "no endpoint of model '" + key + "' can serve adapter '" + request.adapter() + "'");
    }
    return Rejection.retryAfter(
        RejectionReason.NO_HEALTHY_ENDPOINT,
        "none of the " + n + " endpoints of model '" + key + "' is healthy"
            + (request.excludedEndpoints().isEmpty() ? "" : " and untried"),
        retryAfter);
  }

  private enum Verdict {
    OK("ok"),
    NOT_ROUTABLE("status"),
    EXCLUDED("excluded"),
    NO_ADAPTER("adapter"),
    AT_CONCURRENCY_LIMIT("concurrency-limit"),
    OVER_QUOTA("quota");

    final String label;

    Verdict(String label) {
      this.label = label;
    }
  }

  /** Whether the version's endpoint at {@code index} passes the built-in filters of {@link #filterBuiltIn}. */
  boolean passesBuiltIn(ModelVersion version, int index, RouteRequest request, long now) {
    return builtInVerdict(version.endpoint(index), version.state(index), request, now) == Verdict.OK;
  }

  private Verdict builtInVerdict(Endpoint endpoint, EndpointState state, RouteRequest request, long now) {
    if (!state.status().routable()) {
      return Verdict.NOT_ROUTABLE;
    }
    if (!request.excludedEndpoints().isEmpty() && request.excludedEndpoints().contains(endpoint.id())) {
      return Verdict.EXCLUDED;
    }
    String adapter = request.adapter();
    if (adapter != null
        && endpoint.maxAdapters() == 0
        && !endpoint.adapters().contains(adapter)
        && !state.loadedAdapters().contains(adapter)) {
      return Verdict.NO_ADAPTER;
    }
    int limit = concurrencyLimit(endpoint, state);
    if (limit > 0 && state.inFlight() >= limit) {
      return Verdict.AT_CONCURRENCY_LIMIT;
    }
    if (endpoint.maxRequestsPerSecond() > 0
        && !state.quotaAvailable(endpoint.maxRequestsPerSecond(), quotaBurst, now)) {
      return Verdict.OVER_QUOTA;
    }
    return Verdict.OK;
  }

  /** The endpoint's limit on requests in flight: the lower of its own and a temporary cap; 0 for none. */
  private static int concurrencyLimit(Endpoint endpoint, EndpointState state) {
    int own = endpoint.maxConcurrency();
    int cap = state.concurrencyCap();
    return own <= 0 ? cap : cap <= 0 ? own : Math.min(own, cap);
  }

  private Rejection rejectionFor(RejectionReason reason, ModelSpec spec, String by) {
    String message = "no endpoint of model '" + spec.key() + "' passed " + by;
    return reason.retryable() ? Rejection.retryAfter(reason, message, retryAfter) : Rejection.of(reason, message);
  }

  /** Re-evaluates every endpoint of the version to say why each won or lost. Off the hot path. */
  private Explanation explain(CandidateSet set, ModelVersion version, RouteRequest request, long now, int chosenIndex) {
    int n = version.endpointCount();
    String[] removedBy = new String[n];
    set.reset(version, request, now, random);
    for (int i = 0; i < n; i++) {
      Verdict v = builtInVerdict(version.endpoint(i), version.state(i), request, now);
      if (v == Verdict.OK || i == chosenIndex) {
        set.add(i);
      } else {
        removedBy[i] = v.label;
      }
    }
    applyStages(set, request, version.spec(), removedBy);
    List<Explanation.Candidate> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      EndpointState s = version.state(i);
      int p = set.indexOfVersionIndex(i);
      if (i == chosenIndex) {
        removedBy[i] = null;
      }
      boolean scored = removedBy[i] == null && p >= 0;
      double score = scored ? strategy.score(set, p) : Double.NaN;
      list.add(new Explanation.Candidate(
          version.endpoint(i).id(), s.status(), s.inFlight(), s.latencyEwmaNanos() / 1e6,
          s.queueDepth(), s.kvCacheUsage(), removedBy[i], score, i == chosenIndex,
          scored ? strategy.explain(set, p) : null));
    }
    return new Explanation(version.spec().name(), version.spec().version(), strategy.name(), list);
  }

  private static String versionNames(ModelEntry entry) {
    StringBuilder sb = new StringBuilder();
    for (ModelVersion v : entry.versions()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(v.spec().version());
      if (!v.spec().tags().isEmpty()) {
        sb.append(' ').append(new java.util.TreeSet<>(v.spec().tags()));
      }
    }
    return sb.toString();
  }

  private static String missing(RouteRequest request, ModelSpec spec) {
    java.util.TreeSet<String> m = new java.util.TreeSet<>(request.capabilities());
    m.removeAll(spec.capabilities());
    return String.join(", ", m);
  }

  /** Called once per lease: releases the slot, updates signals, tells the listeners. */
  void feedback(Endpoint endpoint, EndpointState state, long startNanos, Outcome outcome) {
    long now = ticker.nanoTime();
    long latency = outcome.latencyNanos() >= 0 ? outcome.latencyNanos() : Math.max(now - startNanos, 0);
    state.release();
    if (outcome.kind() != Outcome.Kind.TIMEOUT && outcome.kind() != Outcome.Kind.CANCELLED) {
      state.recordAnswer(now);
    }
    switch (outcome.kind()) {
      case SUCCESS:
      case CLIENT_ERROR:
        state.recordSuccess();
        state.recordLatency(latency, now, ewmaDecayNanos);
        if (outcome.ttftNanos() >= 0) {
          state.recordTtft(outcome.ttftNanos(), now, ewmaDecayNanos);
          state.recordPrefill(outcome.promptTokens(), outcome.ttftNanos(), now, ewmaDecayNanos);
          if (outcome.completionTokens() > 1) {
            state.recordTpot((double) (latency - outcome.ttftNanos()) / (outcome.completionTokens() - 1), now, ewmaDecayNanos);
          }
        }
        break;
      case OVERLOADED:
      case TIMEOUT:
        state.recordFailure();
        // A slow or refusing endpoint must look at least this slow: peak EWMA takes the sample.
        state.recordLatency(latency, now, ewmaDecayNanos);
        break;
      case FAILURE:
        state.recordFailure();
        // Fast failures must not make a broken endpoint look fast: only a higher sample counts.
        if (latency > state.latencyEwmaNanos(now, ewmaDecayNanos)) {
          state.recordLatency(latency, now, ewmaDecayNanos);
        }
        break;
      default:
        break;
    }
    for (OutcomeListener l : listeners) {
      try {
        l.onOutcome(endpoint, state, outcome, latency);
      } catch (RuntimeException e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
  }

  /** Builds a {@link Router}; every setter checks its argument. */
  public static final class Builder {
    private final ModelRegistry registry;
    private SelectionStrategy strategy = Strategies.defaultStrategy();
    private final List<EndpointFilter> filters = new ArrayList<>();
    private Ticker ticker = Ticker.system();
    private RandomGenerator random = ThreadLocalRandomSource.INSTANCE;
    private LatencyModel latencyModel = LatencyModel.ofDefaults();
    private DeadlinePolicy deadlinePolicy = DeadlinePolicy.REJECT;
    private LoadShedding shedding = LoadShedding.ofDefaults();
    private final List<OutcomeListener> listeners = new ArrayList<>();
    private final List<RouteListener> routeListeners = new ArrayList<>();
    private Duration retryAfter = DEFAULT_RETRY_AFTER;
    private int quotaBurst = DEFAULT_QUOTA_BURST;
    private InputValidator validator = InputValidator.acceptAll();
    private final java.util.Map<String, io.modelrouter.route.ModelSelector> selectors = new java.util.HashMap<>();

    private Builder(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The strategy that picks among the candidates; {@link Strategies#defaultStrategy()} by default. */
    public Builder strategy(SelectionStrategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /** Adds a filter, run after the built-in checks and the filters added before it. */
    public Builder addFilter(EndpointFilter filter) {
      filters.add(Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /** The clock for leases and signals; the system ticker by default. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * The random source handed to strategies. By default each thread uses its
     * {@link ThreadLocalRandom}; a seeded generator makes tests deterministic (it is then shared
     * by every routing thread, so use it from one thread or make it thread-safe).
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The time constant of the latency EWMAs fed by leases and read by the latency model;
     * {@link Strategies#DEFAULT_EWMA_DECAY} by default. Shorthand for a {@link #latencyModel}
     * with this decay and the current model's other settings.
     */
    public Builder ewmaDecay(Duration decay) {
      Objects.requireNonNull(decay, "decay");
      if (decay.isNegative() || decay.isZero()) {
        throw new IllegalArgumentException("ewmaDecay: " + decay + " (expected: > 0)");
      }
      this.latencyModel = LatencyModel.of(
          decay, Duration.ofNanos(latencyModel.initialRttNanos()), Duration.ofNanos(latencyModel.metricsMaxAgeNanos()));
      return this;
    }

    /**
     * How latency is predicted for budgets and load shedding (and its EWMA time constant for the
     * signals fed by leases); {@link LatencyModel#ofDefaults()} by default.
     */
    public Builder latencyModel(LatencyModel model) {
      this.latencyModel = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * What happens to a request whose latency budget no endpoint is predicted to meet;
     * {@link DeadlinePolicy#REJECT} by default.
     */
    public Builder deadlinePolicy(DeadlinePolicy policy) {
      this.deadlinePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Which priorities are shed when every candidate is saturated, and what saturated means;
     * {@link LoadShedding#ofDefaults()} (sheddable requests only) by default.
     */
    public Builder loadShedding(LoadShedding shedding) {
      this.shedding = Objects.requireNonNull(shedding, "shedding");
      return this;
    }

    /** Adds a listener for completed leases (ejection, metrics). */
    public Builder addOutcomeListener(OutcomeListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Adds a listener for every decision and rejection {@link Router#route} makes (metrics); called in order. */
    public Builder addRouteListener(RouteListener listener) {
      routeListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The retry-after hint on capacity and quota rejections; {@link #DEFAULT_RETRY_AFTER} by default. */
    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** Requests an endpoint's per-second quota lets through at once; {@value #DEFAULT_QUOTA_BURST} by default. */
    public Builder quotaBurst(int burst) {
      if (burst < 1) {
        throw new IllegalArgumentException("quotaBurst: " + burst + " (expected: >= 1)");
      }
      this.quotaBurst = burst;
      return this;
    }

    /**
     * Checks each request's input against its resolved model version before any endpoint is
     * considered; {@link InputValidator#acceptAll()} by default.
     */
    public Builder inputValidator(InputValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /**
     * Registers a {@link io.modelrouter.route.ModelSelector} that routes name in their {@code
     * policy}; it may not take a built-in policy's name. A route whose policy names no selector
     * rejects its requests, saying so.
     */
    public Builder modelSelector(io.modelrouter.route.ModelSelector selector) {
      Objects.requireNonNull(selector, "selector");
      String name = Objects.requireNonNull(selector.name(), "selector.name()");
      if (io.modelrouter.route.ModelSelectors.builtIn(name) != null) {
        throw new IllegalArgumentException("modelSelector: '" + name + "' (expected: a name other than a built-in policy's)");
      }
      selectors.put(name, selector);
      return this;
    }

    public Router build() {
      return new Router(this);
    }
  }

  /** Each thread's {@link ThreadLocalRandom}, as one {@link RandomGenerator}. */
  private enum ThreadLocalRandomSource implements RandomGenerator {
    INSTANCE;

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt() {
      return ThreadLocalRandom.current().nextInt();
    }

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    public double nextDouble() {
      return ThreadLocalRandom.current().nextDouble();
    }
  }
}
