package io.modelrouter;

import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelVersion;
import io.modelrouter.registry.RouteEntry;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.route.TargetChoices;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The per-thread working memory of one model-route call: for each target its fate, its version,
 * its candidate endpoints and their predictions, and the eligible targets a {@link
 * io.modelrouter.route.ModelSelector} sees. Reused from call to call, so that routing through a
 * route allocates nothing once the arrays have grown to the longest route seen.
 */
final class TargetScratch implements TargetChoices {

  private static final ThreadLocal<TargetScratch> PER_THREAD = ThreadLocal.withInitial(TargetScratch::new);

  /** What became of a target; {@link #ELIGIBLE} or why it was out. */
  static final byte ELIGIBLE = 0;
  static final byte HIDDEN = 1;
  static final byte NOT_REGISTERED = 2;
  static final byte NO_VERSION = 3;
  static final byte OPERATION = 4;
  static final byte CAPABILITY = 5;
  static final byte QUALITY = 6;
  static final byte CONTEXT = 7;
  /** Its input check or endpoint filters refused it: the reason is in {@link #rejection}. */
  static final byte REJECTED = 8;
  /**
   * Eligible, but a target the request could use shed it (its priority, on saturated servers), and
   * this one has capabilities the request does not need: left to the requests that need them.
   */
  static final byte YIELDED = 9;

  CandidateSet[] sets = new CandidateSet[0];
  byte[] fate = new byte[4];
  @Nullable ModelVersion[] versions = new ModelVersion[4];
  @Nullable Rejection[] rejection = new Rejection[4];
  /** Per target: lowest predicted latency and TTFT, cheapest fitting cost, and whether any fits. */
  double[] latency = new double[4];
  double[] ttft = new double[4];
  double[] cost = new double[4];
  boolean[] fits = new boolean[4];
  /** Per target: whether one of its endpoints compared has nothing in flight. */
  boolean[] idle = new boolean[4];
  /**
   * Which of a target's predictions were computed ({@link #LATENCY}, {@link #TTFT}, {@link #COST},
   * {@link #IDLE} bits): each only when a selector or the explanation first asks for it.
   */
  byte[] predicted = new byte[4];

  static final byte LATENCY = 1;
  static final byte TTFT = 2;
  static final byte COST = 4;
  static final byte IDLE = 8;
  @Nullable Endpoint[] fastest = new Endpoint[4];
  /**
   * Per target: how many of its candidates the predictions compared (0 until its first
   * prediction): all of them, or {@link TargetSelection#SAMPLE} drawn at random, whose positions
   * are {@code sample[t * SAMPLE ..]}.
   */
  int[] compared = new int[4];
  int[] sample = new int[4 * TargetSelection.SAMPLE];
  /** Route indices of the eligible targets, in route order. */
  int[] eligible = new int[4];
  int eligibleCount;
  /** Whether a target evaluated was out because it sheds the request's priority (its servers are saturated). */
  boolean shed;
  private @Nullable RouteEntry route;
  private @Nullable RouteRequest request;
  private @Nullable RandomGenerator random;
  private @Nullable TargetSelection selection;

  static TargetScratch forCurrentThread() {
    return PER_THREAD.get();
  }

  void reset(TargetSelection selection, RouteEntry route, RouteRequest request, RandomGenerator random) {
    int n = route.targetCount();
    if (sets.length < n) {
      CandidateSet[] s = java.util.Arrays.copyOf(sets, n);
      for (int i = sets.length; i < n; i++) {
        s[i] = new CandidateSet();
      }
      sets = s;
      fate = new byte[n];
      versions = new ModelVersion[n];
      rejection = new Rejection[n];
      latency = new double[n];
      ttft = new double[n];
      cost = new double[n];
      fits = new boolean[n];
      idle = new boolean[n];
      predicted = new byte[n];
      fastest = new Endpoint[n];
      compared = new int[n];
      sample = new int[n * TargetSelection.SAMPLE];
      eligible = new int[n];
    }
    this.selection = selection;
    this.route = route;
    this.request = request;
    this.random = random;
    eligibleCount = 0;
    shed = false;
    java.util.Arrays.fill(predicted, 0, n, (byte) 0);
    java.util.Arrays.fill(compared, 0, n, 0);
  }

  /** Whether target {@code t}'s predictions compared a random sample of its candidates, not all. */
  boolean sampled(int t) {
    return compared[t] > 0 && compared[t] < sets[t].size();
  }

  /** The candidate position of the {@code k}-th endpoint target {@code t}'s predictions compare. */
  int comparedPosition(int t, int k) {
    return sampled(t) ? sample[t * TargetSelection.SAMPLE + k] : k;
  }

  /** The route index of the eligible target at {@code position}, with its {@code what} predictions computed. */
  int predictedTarget(int position, byte what) {
    int t = eligible[position];
    if ((predicted[t] & what) != what) {
      TargetSelection s = selection;
      if (s == null) {
        throw new IllegalStateException("target choices used outside a routing call");
      }
      s.predict(this, t, request(), (byte) (what & ~predicted[t]));
      predicted[t] |= what;
    }
    return t;
  }

  /** Drops references so a finished call keeps no snapshot alive. */
  void clear() {
    int n = route == null ? 0 : route.targetCount();
    for (int i = 0; i < n; i++) {
      sets[i].clear();
      versions[i] = null;
      rejection[i] = null;
      fastest[i] = null;
    }
    route = null;
    request = null;
    random = null;
    selection = null;
  }

  RouteEntry entry() {
    RouteEntry r = route;
    if (r == null) {
      throw new IllegalStateException("target choices used outside a routing call");
    }
    return r;
  }

  @Override
  public RouteRequest request() {
    RouteRequest r = request;
    if (r == null) {
      throw new IllegalStateException("target choices used outside a routing call");
    }
    return r;
  }

  @Override
  public RouteSpec route() {
    return entry().spec();
  }

  @Override
  public int size() {
    return eligibleCount;
  }

  @Override
  public RouteTarget target(int position) {
    return entry().target(eligible[position]);
  }

  @Override
  public int routeIndex(int position) {
    return eligible[position];
  }

  @Override
  public ModelSpec model(int position) {
    ModelVersion v = versions[eligible[position]];
    if (v == null) {
      throw new IllegalStateException("target choices used outside a routing call");
    }
    return v.spec();
  }

  @Override
  public double quality(int position) {
    return model(position).quality();
  }

  @Override
  public Endpoint fastestEndpoint(int position) {
    Endpoint e = fastest[predictedTarget(position, LATENCY)];
    if (e == null) {
      throw new IllegalStateException("target choices used outside a routing call");
    }
    return e;
  }

  @Override
  public double predictedLatencyNanos(int position) {
    return latency[predictedTarget(position, LATENCY)];
  }

  @Override
  public double predictedTtftNanos(int position) {
    return ttft[predictedTarget(position, TTFT)];
  }

  @Override
  public double cost(int position) {
    return cost[predictedTarget(position, COST)];
  }

  @Override
  public boolean meetsBudget(int position) {
    return fits[predictedTarget(position, COST)];
  }

  @Override
  public boolean idle(int position) {
    return idle[predictedTarget(position, IDLE)];
  }

  @Override
  public RandomGenerator random() {
    RandomGenerator r = random;
    if (r == null) {
      throw new IllegalStateException("target choices used outside a routing call");
    }
    return r;
  }
}
