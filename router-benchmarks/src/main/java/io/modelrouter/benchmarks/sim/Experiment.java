package io.modelrouter.benchmarks.sim;

import io.modelrouter.Decision;
import io.modelrouter.Outcome;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * One experiment: a fleet, a workload and the changes the fleet goes through. {@link #run} replays
 * it for one policy through a real {@link Router} over an {@link InMemoryRegistry}, in simulated
 * time: each request is routed when it arrives, its lease is completed when the simulated server
 * answers (so in-flight counts, peak EWMAs and TTFT EWMAs move exactly as in production), a failed
 * attempt goes to another endpoint when the shipped client would send it again ({@link
 * ClientRetry}), and a scraper copies each server's waiting, running and KV signals into its
 * {@link EndpointState} every scrape interval, so strategies see metrics as stale as a real
 * scraper would leave them.
 */
final class Experiment {

  /** The model every simulated endpoint serves. */
  static final String MODEL = "sim-model";

  /** One endpoint as registered, and how to build its simulated server for a run. */
  record ServerSpec(Endpoint endpoint, BiFunction<String, Simulation, VirtualServer> server) {}

  private final ModelSpec model;
  private final List<ServerSpec> servers;
  private final List<SimRequest> workload;
  private final List<FleetChange> changes;
  private final long durationNanos;
  private final long drainNanos;
  private final long scrapeIntervalNanos;
  private final int maxAttempts;
  private final long bucketNanos;

  private Experiment(Builder b) {
    this.model = b.model;
    this.servers = List.copyOf(b.servers);
    this.workload = List.copyOf(b.workload);
    this.changes = List.copyOf(b.changes);
    this.durationNanos = b.durationNanos;
    this.drainNanos = b.drainNanos;
    this.scrapeIntervalNanos = b.scrapeIntervalNanos;
    this.maxAttempts = b.maxAttempts;
    this.bucketNanos = b.bucketNanos;
  }

  static Builder builder() {
    return new Builder();
  }

  /** The requests every policy is replayed with. */
  List<SimRequest> workload() {
    return workload;
  }

  /** Replays the experiment for one policy; the same seed gives the same result. */
  RunStats run(Policy policy, long seed) {
    return new Run(policy, seed).execute();
  }

  /** The state of one replay. */
  private final class Run {
    final Simulation sim = new Simulation();
    final InMemoryRegistry registry = InMemoryRegistry.create(sim.ticker());
    final Map<String, VirtualServer> fleet = new LinkedHashMap<>();
    final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    final Map<String, Double> costs = new LinkedHashMap<>();
    final Router router;
    final RunStats stats;
    final boolean[] finished;
    final SplittableRandom scrapePhase;
    final boolean sendsBudgets;
    final ClientRetry retry;
    final TurnPacing pacing = new TurnPacing(workload, durationNanos);

    Run(Policy policy, long seed) {
      List<String> ids = new ArrayList<>();
      for (ServerSpec s : servers) {
        String id = s.endpoint().id();
        ids.add(id);
        fleet.put(id, s.server().apply(id, sim));
        endpoints.put(id, s.endpoint());
        double cost = s.endpoint().costPerRequest();
        costs.put(id, Double.isNaN(cost) ? model.costPerRequest() : cost);
      }
      registry.replace(List.of(model), endpoints.values());
      SplittableRandom random = new SplittableRandom(seed);
      router = Router.builder(registry)
          .strategy(policy.strategy().apply(fleet))
          .ticker(sim.ticker())
          .random(random.split())
          .deadlinePolicy(policy.deadlinePolicy())
          .build();
      sendsBudgets = policy.sendsBudgets();
      scrapePhase = random.split();
      stats = new RunStats(policy.name(), ids, durationNanos, bucketNanos);
      finished = new boolean[workload.size()];
      retry = new ClientRetry(maxAttempts, sim.ticker());
    }

    RunStats execute() {
      for (SimRequest r : workload) {
        if (pacing.opens(r)) {
          sim.at(r.arrivalNanos(), () -> send(r, 1, 0, Set.of()));
        }
      }
      for (FleetChange c : changes) {
        sim.at(c.atNanos(), () -> apply(c));
      }
      if (scrapeIntervalNanos > 0) {
        for (VirtualServer s : fleet.values()) {
          if (s.exposesMetrics()) {
            sim.at(scrapePhase.nextLong(scrapeIntervalNanos), () -> scrape(s));
          }
        }
      }
      long end = durationNanos + drainNanos;
      sim.runUntil(end);
      for (SimRequest r : workload) {
        if (pacing.wasSent(r) && !finished[r.id()]) {
          stats.unfinished++;
          stats.latency.add(end - pacing.sentNanos(r));
        }
      }
      stats.requests = pacing.sent();
      return stats;
    }

    private void scrape(VirtualServer s) {
      EndpointState state = registry.snapshot().state(s.id);
      if (state != null && s.alive()) {
        state.updateServerMetrics(s.waiting(), s.running(), s.kvUsage(), sim.now());
      }
      if (sim.now() + scrapeIntervalNanos <= durationNanos + drainNanos) {
        sim.after(scrapeIntervalNanos, () -> scrape(s));
      }
    }

    private void apply(FleetChange c) {
      VirtualServer s = Objects.requireNonNull(fleet.get(c.endpointId()), c.endpointId());
      switch (c.kind()) {
        case SLOW_DOWN -> s.slowDown(c.value());
        case FAIL_SHARE -> s.failShare(c.value());
        case CRASH -> s.alive(false);
        case RESTART -> s.alive(true);
        case DEREGISTER -> registry.removeEndpoint(c.endpointId());
        case REGISTER -> registry.putEndpoint(endpoints.get(c.endpointId()));
      }
    }

    private void send(SimRequest r, int attempt, int receivedFailures, Set<String> tried) {
      if (attempt == 1) {
        retry.requestStarted();
        pacing.sending(r, sim.now());
        if (r.budgetNanos() > 0) {
          stats.budgetRequested(r.budgetNanos());
        }
      }
      RouteRequest.Builder b = RouteRequest.builder(MODEL).excludedEndpoints(tried).payload(r);
      if (r.outputTokens() > 0) {
        b.promptTokens(r.promptTokens()).maxOutputTokens(r.outputTokens()).stream(true);
      }
      if (r.hasPrefix()) {
        b.prefixHash(prefixHash(r.prefixGroup())).prefixBlocks(prefixBlocks(r));
      }
      if (r.budgetNanos() > 0 && sendsBudgets) {
        b.latencyBudget(Duration.ofNanos(Math.max(1, r.budgetNanos() - (sim.now() - pacing.sentNanos(r)))));
      }
      RouteResult result = router.route(b.build());
      if (!(result instanceof Decision decision)) {
        stats.rejected++;
        finished[r.id()] = true;
        return;
      }
      stats.attempt(decision.endpoint().id(), sim.now());
      String id = decision.endpoint().id();
      fleet.get(id).submit(new Job(r, id, sim.now(), j -> done(j, decision, attempt, receivedFailures, tried)));
    }

    private void done(Job job, Decision decision, int attempt, int receivedFailures, Set<String> tried) {
      SimRequest r = job.request;
      long now = sim.now();
      int status = job.status();
      Outcome outcome = status == Job.NO_ANSWER ? Outcome.failure() : Outcome.ofStatus(status);
      if (job.firstTokenNanos >= 0) {
        outcome = outcome.withTtftNanos(job.firstTokenNanos - job.sentNanos);
      }
      if (status == 200 && r.outputTokens() > 0) {
        outcome = outcome.withTokens(r.promptTokens(), r.outputTokens());
      }
      decision.lease().complete(outcome);
      if (finished[r.id()]) {
        return;
      }
      String id = job.endpointId;
      if (status == 200) {
        finished[r.id()] = true;
        stats.succeeded++;
        long latency = now - pacing.sentNanos(r);
        stats.latency.add(latency);
        if (job.firstTokenNanos >= 0) {
          stats.ttft.add(job.firstTokenNanos - pacing.sentNanos(r));
        }
        stats.cost += costs.get(id);
        stats.outputTokens += r.outputTokens();
        if (r.hasPrefix()) {
          stats.prefixRequests++;
          stats.prefixHits += job.prefixHit ? 1 : 0;
        }
        stats.promptTokens += r.promptTokens();
        stats.cachedPromptTokens += job.cachedTokens;
        if (r.budgetNanos() > 0 && latency <= r.budgetNanos()) {
          stats.budgetMet(r.budgetNanos());
        }
        TurnPacing.FollowUp next = pacing.answered(r, now);
        if (next != null) {
          sim.at(next.atNanos(), () -> send(next.turn(), 1, 0, Set.of()));
        }
        return;
      }
      int failedAfterReceipt = receivedFailures + (ClientRetry.receivedThenFailed(job) ? 1 : 0);
      if (retry.sendAgain(job, attempt, failedAfterReceipt, remainingNanos(r))) {
        stats.retries++;
        Set<String> next = new HashSet<>(tried);
        next.add(id);
        send(r, attempt + 1, failedAfterReceipt, next);
      } else {
        finished[r.id()] = true;
        stats.failed++;
      }
    }

    /**
     * Time left before the request's deadline, as the shipped client counts it: the latency budget
     * it was given, from when the request was first sent; none when the policy does not send budgets.
     */
    private long remainingNanos(SimRequest r) {
      return sendsBudgets && r.budgetNanos() > 0 ? pacing.sentNanos(r) + r.budgetNanos() - sim.now() : Long.MAX_VALUE;
    }
  }

  /** The prefix hash a gateway would compute from a group's shared system prompt. */
  static long prefixHash(int group) {
    long h = (group + 1) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    return h ^ (h >>> 33);
  }

  /** Tokens per block of the block-hash chain a gateway computes: 64, about 256 characters. */
  static final int BLOCK_TOKENS = 64;

  /** The most blocks a chain has: 128, the first 8,192 tokens of a prompt. */
  static final int MAX_BLOCKS = 128;

  /**
   * The block-hash chain a gateway would compute from the request's prompt: one hash per full
   * block of {@link #BLOCK_TOKENS}, each over the block's content and the hash before it. A block
   * of the shared prefix has the same content for every request of its group, a block after it the
   * same for every turn of a conversation (each turn repeats the earlier ones), else its own.
   */
  static long[] prefixBlocks(SimRequest r) {
    int n = Math.min(r.promptTokens() / BLOCK_TOKENS, MAX_BLOCKS);
    long[] chain = new long[n];
    long h = prefixHash(r.prefixGroup());
    for (int b = 0; b < n; b++) {
      long content;
      if ((b + 1) * BLOCK_TOKENS <= r.prefixTokens()) {
        content = prefixHash(r.prefixGroup()) + b;
      } else if (r.inSession()) {
        content = prefixHash(~r.session()) + b;
      } else {
        content = prefixHash(Integer.MIN_VALUE + r.id()) + b;
      }
      h = mix64(h * 31 + content);
      chain[b] = h == 0 ? 1 : h;
    }
    return chain;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Builds an {@link Experiment}. */
  static final class Builder {
    private ModelSpec model = ModelSpec.builder(MODEL, "1").build();
    private final List<ServerSpec> servers = new ArrayList<>();
    private List<SimRequest> workload = List.of();
    private final List<FleetChange> changes = new ArrayList<>();
    private long durationNanos = Units.seconds(60);
    private long drainNanos = Units.seconds(30);
    private long scrapeIntervalNanos;
    private int maxAttempts = 1;
    private long bucketNanos = Units.seconds(1);

    Builder model(ModelSpec model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    Builder server(Endpoint endpoint, BiFunction<String, Simulation, VirtualServer> server) {
      servers.add(new ServerSpec(endpoint, server));
      return this;
    }

    Builder workload(List<SimRequest> workload) {
      this.workload = List.copyOf(workload);
      return this;
    }

    Builder change(FleetChange change) {
      changes.add(change);
      return this;
    }

    /** How long requests arrive. */
    Builder duration(double seconds) {
      this.durationNanos = Units.seconds(seconds);
      return this;
    }

    /** How long the run continues after the last arrival so queued requests can finish. */
    Builder drain(double seconds) {
      this.drainNanos = Units.seconds(seconds);
      return this;
    }

    /** How often the servers' metrics are scraped into the endpoint states; 0 for never. */
    Builder scrapeInterval(Duration interval) {
      this.scrapeIntervalNanos = interval.toNanos();
      return this;
    }

    /**
     * Attempts per request, the first included; a failed attempt is retried on another endpoint
     * when the shipped client would retry it ({@link ClientRetry}).
     */
    Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts: " + attempts + " (expected: >= 1)");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** The width of the time buckets of the per-endpoint share chart. */
    Builder bucket(double seconds) {
      this.bucketNanos = Units.seconds(seconds);
      return this;
    }

    Experiment build() {
      if (servers.isEmpty()) {
        throw new IllegalStateException("servers: [] (expected: at least one)");
      }
      return new Experiment(this);
    }
  }
}
