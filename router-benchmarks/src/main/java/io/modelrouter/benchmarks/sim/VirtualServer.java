package io.modelrouter.benchmarks.sim;

/**
 * A simulated model-server instance behind one registry endpoint. Subclasses decide how requests
 * queue and how long they take; this class holds what changes over time: a slowdown factor, a
 * share of requests that fail, and whether the process is alive at all.
 */
abstract class VirtualServer {

  /** How long a refused connection takes to fail: 1 ms. */
  static final long CONNECT_FAILURE_NANOS = 1_000_000L;

  /** How long a request the server decides to fail takes to get its 500: 5 ms. */
  static final long FAST_FAILURE_NANOS = 5_000_000L;

  final String id;
  final Simulation sim;
  private double slowdown = 1;
  private double failShare;
  private boolean alive = true;

  VirtualServer(String id, Simulation sim) {
    this.id = id;
    this.sim = sim;
  }

  /** Takes one attempt; the server finishes the job later, in simulated time. */
  final void submit(Job job) {
    job.received = alive;
    if (!alive) {
      sim.after(CONNECT_FAILURE_NANOS, () -> job.finish(Job.NO_ANSWER, sim.now()));
    } else if (job.request.u() < failShare) {
      sim.after(FAST_FAILURE_NANOS, () -> job.finish(500, sim.now()));
    } else {
      accept(job);
    }
  }

  /** Queues or starts an attempt that the server will really process. */
  abstract void accept(Job job);

  /** Fails every queued and running job (the process died) and forgets all state. */
  abstract void killAll();

  /** Requests waiting on the server, as its metrics endpoint would report. */
  abstract int waiting();

  /** Requests being processed on the server. */
  abstract int running();

  /** KV-cache use between 0 and 1; NaN for servers without one. */
  abstract double kvUsage();

  /**
   * The clairvoyant oracle's view: when {@code request} would be finished if sent here now,
   * knowing every queued request's exact cost and the request's own; {@link Long#MAX_VALUE} when
   * it would fail.
   */
  abstract long predictedFinishNanos(SimRequest request);

  /**
   * The oracle's view as the issue defines it (least remaining work, with perfect knowledge): when
   * {@code request} would be finished if sent here now, knowing every queued and running request's
   * exact remaining work, but of the request itself only what a router can know before it is
   * served. By default the same as {@link #predictedFinishNanos}, for servers whose request cost
   * is known up front.
   */
  long expectedFinishNanos(SimRequest request) {
    return predictedFinishNanos(request);
  }

  /** Whether this server exposes waiting/running/KV metrics to a scraper. */
  abstract boolean exposesMetrics();

  double slowdown() {
    return slowdown;
  }

  /** Multiplies every service time that starts from now on. */
  void slowDown(double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("factor: " + factor + " (expected: > 0)");
    }
    this.slowdown = factor;
  }

  /** Fails this share of new requests fast with a 500. */
  void failShare(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share: " + share + " (expected: 0..1)");
    }
    this.failShare = share;
  }

  boolean alive() {
    return alive;
  }

  /** Kills the process (in-flight requests fail, new connections are refused) or starts it again. */
  void alive(boolean alive) {
    if (this.alive && !alive) {
      this.alive = false;
      killAll();
    }
    this.alive = alive;
  }

  /** Whether the oracle knows this request would fail here. */
  final boolean wouldFail(SimRequest request) {
    return !alive || request.u() < failShare;
  }
}
