package io.modelrouter.benchmarks.sim;

import io.modelrouter.Decision;
import io.modelrouter.Outcome;
import io.modelrouter.Priority;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.Router;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import io.modelrouter.select.DeadlinePolicy;
import io.modelrouter.select.SelectionStrategy;
import io.modelrouter.select.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Model routes in the simulator: three models behind one name, a mixed workload, and three ways to
 * send it. A small, fast, cheap model with an 8k context; a large, slow, dear one with 128k; a
 * vision model in between (32k). Requests mix prompt sizes (some past the small context), images,
 * latency budgets and priorities. The policies:
 *
 * <ul>
 *   <li><b>always large</b>: every request to the large model (the safe default of a team with one
 *       model per purpose), the router's default strategy among its endpoints;
 *   <li><b>ordered fallback, random placement</b>: small, then large, then vision, moving on only
 *       when a model answers with an error (what LiteLLM's fallbacks do by default), a random
 *       endpoint of each;
 *   <li><b>ours</b>: the route {@code chat} with the {@code cheapest} policy: eligibility per target
 *       (capabilities, context window, budget), the cheapest target predicted to meet the budget,
 *       the default strategy within it, a failed attempt sent again to the route (so to another
 *       endpoint or target) when the shipped client would retry it ({@link ClientRetry}).
 * </ul>
 *
 * A model that gets a request it cannot serve (a prompt past its context, an image without
 * vision) answers 400 at once, as vLLM does; the request is then lost to capability or context
 * unless the policy moves it elsewhere.
 */
final class ModelRouteScenario {

  static final String SMALL = "small";
  static final String LARGE = "large";
  static final String VISION = "vision";
  static final String ROUTE = "chat";
  static final String[] MODELS = {SMALL, LARGE, VISION};

  /** Per model: servers, engine profile, context window, cost per 1,000 tokens, quality. */
  record ModelSetup(String name, int servers, LlmProfile profile, int context, double costPer1k, double quality,
      boolean vision) {}

  static final List<ModelSetup> SETUP = List.of(
      new ModelSetup(SMALL, 4, new LlmProfile(64, 400_000, 8_000_000L, 100_000L, 40_000L), 8192, 0.0002, 0.6, false),
      new ModelSetup(LARGE, 4, new LlmProfile(32, 600_000, 30_000_000L, 400_000L, 150_000L), 131_072, 0.0020, 0.9, false),
      new ModelSetup(VISION, 2, new LlmProfile(32, 300_000, 15_000_000L, 200_000L, 80_000L), 32_768, 0.0008, 0.7, true));

  static final int MEAN_OUTPUT = 120;
  static final long TIGHT = Units.seconds(4);
  static final long LOOSE = Units.seconds(15);

  /** The three ways to send the workload. */
  enum Way {
    ALWAYS_LARGE("always large"),
    ORDERED_RANDOM("ordered fallback, random placement"),
    OURS("ours: route, cheapest meeting the budget");

    final String label;

    Way(String label) {
      this.label = label;
    }
  }

  /** A workload request: the draws every policy shares, whether it carries an image, its priority. */
  record Request(SimRequest base, boolean image, Priority priority) {}

  private ModelRouteScenario() {}

  /**
   * The fleet's nominal capacity in requests per second for the workload's mix: per server, one
   * over the engine time a mean request takes (its prompt's prefill, plus its share of full-batch
   * decode steps), summed over every server as if each took the same mix.
   */
  static double capacity() {
    double c = 0;
    for (ModelSetup m : SETUP) {
      LlmProfile p = m.profile();
      double decode = MEAN_OUTPUT * (p.stepBaseNanos() + (double) p.maxBatch() * p.decodePerSeqNanos()) / p.maxBatch();
      double prefill = MEAN_PROMPT * p.prefillPerTokenNanos();
      c += m.servers() * 1e9 / (decode + prefill);
    }
    return c;
  }

  /** The workload's mean prompt length: 65% x 550 + 25% x 2,500 + 10% x 14,500 tokens. */
  static final double MEAN_PROMPT = 0.65 * 550 + 0.25 * 2500 + 0.10 * 14500;

  /**
   * Poisson arrivals: 65% short prompts (100 to 1,000 tokens), 25% medium (1,000 to 4,000), 10% long
   * (9,000 to 20,000, past the small context); exponential output of mean {@value #MEAN_OUTPUT};
   * 10% with an image; 40% with a 4 s budget, 30% with 15 s, 30% none; 20% sheddable, 10% critical.
   */
  static List<Request> workload(double rate, double seconds, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Request> list = new ArrayList<>();
    long end = Units.seconds(seconds);
    long t = 0;
    for (int id = 0; ; id++) {
      t += Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * 1e9 / rate));
      if (t >= end) {
        return list;
      }
      double size = random.nextDouble();
      int prompt = size < 0.65 ? 100 + random.nextInt(900) : size < 0.90 ? 1000 + random.nextInt(3000) : 9000 + random.nextInt(11000);
      int output = (int) Math.min(4L * MEAN_OUTPUT, Math.max(16, Math.round(-Math.log(1 - random.nextDouble()) * MEAN_OUTPUT)));
      double b = random.nextDouble();
      long budget = b < 0.4 ? TIGHT : b < 0.7 ? LOOSE : 0;
      boolean image = random.nextDouble() < 0.10;
      double p = random.nextDouble();
      Priority priority = p < 0.2 ? Priority.SHEDDABLE : p < 0.3 ? Priority.CRITICAL : Priority.STANDARD;
      list.add(new Request(new SimRequest(id, t, 0, random.nextDouble(), prompt, output, -1, 0, budget), image, priority));
    }
  }

  /** What one way did: the shared statistics, requests lost to capability or context, and answers per model. */
  static final class Result {
    final RunStats stats;
    int lostCapability;
    int lostContext;
    final Map<String, Integer> servedBy = new LinkedHashMap<>();

    Result(RunStats stats) {
      this.stats = stats;
      for (String m : MODELS) {
        servedBy.put(m, 0);
      }
    }

    double share(String model) {
      return stats.succeeded == 0 ? 0 : (double) servedBy.get(model) / stats.succeeded;
    }
  }

  /** Replays the workload one way. */
  static Result run(Way way, List<Request> workload, double seconds, long seed) {
    return new Run(way, workload, seconds, seed).execute();
  }

  private static final class Run {
    final Simulation sim = new Simulation();
    final InMemoryRegistry registry = InMemoryRegistry.create(sim.ticker());
    final Map<String, LlmServer> servers = new LinkedHashMap<>();
    final Map<String, ModelSetup> modelOf = new LinkedHashMap<>();
    final Way way;
    final List<Request> workload;
    final long durationNanos;
    final Router router;
    final Result result;
    final boolean[] finished;
    final ClientRetry retry;
    static final int MAX_ATTEMPTS = 3;

    Run(Way way, List<Request> workload, double seconds, long seed) {
      this.way = way;
      this.workload = workload;
      this.durationNanos = Units.seconds(seconds);
      List<ModelSpec> specs = new ArrayList<>();
      List<Endpoint> endpoints = new ArrayList<>();
      for (ModelSetup m : SETUP) {
        specs.add(ModelSpec.builder(m.name(), "1").contextWindow(m.context()).quality(m.quality())
            .costPer1kTokens(m.costPer1k()).capabilities(m.vision() ? Set.of("vision") : Set.of()).build());
        for (int i = 0; i < m.servers(); i++) {
          String id = m.name() + '-' + i;
          endpoints.add(Endpoint.builder(id, "http://" + id + ".sim.invalid:8000").serves(m.name())
              .server("vllm").slots(m.profile().maxBatch()).build());
          servers.put(id, new LlmServer(id, sim, m.profile()));
          modelOf.put(id, m);
        }
      }
      RouteSpec route = RouteSpec.builder(ROUTE).policy("cheapest")
          .targets(List.of(RouteTarget.of(SMALL), RouteTarget.of(LARGE), RouteTarget.of(VISION))).build();
      registry.replace(new RegistryContent(specs, endpoints, List.of(route)));
      // The others get the router's default for vLLM servers (Strategies.defaultStrategy()).
      SelectionStrategy strategy = way == Way.ORDERED_RANDOM ? Baselines.RANDOM : Strategies.defaultStrategy();
      router = Router.builder(registry).strategy(strategy).ticker(sim.ticker())
          .random(new SplittableRandom(seed)).deadlinePolicy(DeadlinePolicy.BEST_EFFORT).build();
      result = new Result(new RunStats(way.label, new ArrayList<>(servers.keySet()), durationNanos, Units.seconds(1)));
      finished = new boolean[workload.size()];
      retry = new ClientRetry(MAX_ATTEMPTS, sim.ticker());
    }

    Result execute() {
      for (Request r : workload) {
        sim.at(r.base().arrivalNanos(), () -> send(r, 1, 0, 0, Set.of()));
      }
      for (LlmServer s : servers.values()) {
        sim.at(Units.millis(250), () -> scrape(s));
      }
      long end = durationNanos + Units.seconds(30);
      sim.runUntil(end);
      RunStats stats = result.stats;
      for (Request r : workload) {
        if (!finished[r.base().id()]) {
          stats.unfinished++;
          stats.latency.add(end - r.base().arrivalNanos());
        }
      }
      stats.requests = workload.size();
      return result;
    }

    private void scrape(LlmServer s) {
      EndpointState state = registry.snapshot().state(s.id);
      if (state != null) {
        state.updateServerMetrics(s.waiting(), s.running(), s.kvUsage(), sim.now());
      }
      if (sim.now() < durationNanos + Units.seconds(30)) {
        sim.after(Units.millis(500), () -> scrape(s));
      }
    }

    /** The name the request is sent to: the route, the large model, or the ordered list's {@code step}. */
    private String target(int step) {
      return switch (way) {
        case ALWAYS_LARGE -> LARGE;
        case ORDERED_RANDOM -> MODELS[step];
        case OURS -> ROUTE;
      };
    }

    private void send(Request r, int attempt, int step, int receivedFailures, Set<String> tried) {
      SimRequest base = r.base();
      if (attempt == 1) {
        retry.requestStarted();
        if (base.budgetNanos() > 0) {
          result.stats.budgetRequested(base.budgetNanos());
        }
      }
      RouteRequest.Builder b = RouteRequest.builder(target(step)).excludedEndpoints(tried)
          .promptTokens(base.promptTokens()).maxOutputTokens(base.outputTokens()).stream(true);
      if (way == Way.OURS) {
        // What the gateway's parser reads from the request: only our router uses it to choose the model.
        b.priority(r.priority()).capabilities(r.image() ? Set.of("vision") : Set.of());
      }
      if (base.budgetNanos() > 0 && way == Way.OURS) {
        b.latencyBudget(Duration.ofNanos(Math.max(1, base.budgetNanos() - (sim.now() - base.arrivalNanos()))));
      }
      RouteResult routed = router.route(b.build());
      if (!(routed instanceof Decision decision)) {
        result.stats.rejected++;
        finished[base.id()] = true;
        return;
      }
      String id = decision.endpoint().id();
      result.stats.attempt(id, sim.now());
      ModelSetup model = modelOf.get(id);
      Job job = new Job(base, id, sim.now(), j -> done(r, j, decision, attempt, step, receivedFailures, tried));
      if (r.image() && !model.vision() || base.promptTokens() + base.outputTokens() > model.context()) {
        sim.after(VirtualServer.FAST_FAILURE_NANOS, () -> job.finish(400, sim.now())); // the server refuses it
      } else {
        servers.get(id).submit(job);
      }
    }

    private void done(Request r, Job job, Decision decision, int attempt, int step, int receivedFailures,
        Set<String> tried) {
      SimRequest base = r.base();
      int status = job.status();
      Outcome outcome = status == Job.NO_ANSWER ? Outcome.failure() : Outcome.ofStatus(status);
      if (job.firstTokenNanos >= 0) {
        outcome = outcome.withTtftNanos(job.firstTokenNanos - job.sentNanos);
      }
      if (status == 200 && base.outputTokens() > 0) {
        outcome = outcome.withTokens(base.promptTokens(), base.outputTokens()); // vLLM's usage
      }
      decision.lease().complete(outcome);
      if (finished[base.id()]) {
        return;
      }
      RunStats stats = result.stats;
      ModelSetup model = modelOf.get(job.endpointId);
      if (status == 200) {
        finished[base.id()] = true;
        stats.succeeded++;
        long latency = sim.now() - base.arrivalNanos();
        stats.latency.add(latency);
        stats.cost += model.costPer1k() * (base.promptTokens() + base.outputTokens()) / 1000.0;
        result.servedBy.merge(model.name(), 1, Integer::sum);
        if (base.budgetNanos() > 0 && latency <= base.budgetNanos()) {
          stats.budgetMet(base.budgetNanos());
        }
        return;
      }
      // The ordered baseline moves to its next model on any error, as LiteLLM's fallbacks do; the
      // others send a failed attempt again by the shipped client's rule (ClientRetry).
      int failedAfterReceipt = receivedFailures + (ClientRetry.receivedThenFailed(job) ? 1 : 0);
      boolean again = way == Way.ORDERED_RANDOM
          ? attempt < MAX_ATTEMPTS && step + 1 < MODELS.length
          : retry.sendAgain(job, attempt, failedAfterReceipt, remainingNanos(base));
      if (again) {
        stats.retries++;
        Set<String> next = new HashSet<>(tried);
        next.add(job.endpointId);
        send(r, attempt + 1, way == Way.ORDERED_RANDOM ? step + 1 : step, failedAfterReceipt, next);
        return;
      }
      finished[base.id()] = true;
      stats.failed++;
      if (status == 400) {
        if (r.image() && !model.vision()) {
          result.lostCapability++;
        } else {
          result.lostContext++;
        }
      }
    }

    /**
     * Time left before the request's deadline, as the shipped client counts it: the latency budget
     * from the request's arrival, for ours, the one way told the budgets; none for the others.
     */
    private long remainingNanos(SimRequest base) {
      return way == Way.OURS && base.budgetNanos() > 0 ? base.arrivalNanos() + base.budgetNanos() - sim.now() : Long.MAX_VALUE;
    }
  }

  /** The scenario at 70% and 90% of the fleet's nominal capacity. */
  static ScenarioReport report(long seed, boolean quick, Scenarios.Progress progress) {
    String name = "Model routes: three models, one name";
    double seconds = quick ? 20 : 60;
    Table table = new Table("load", "policy", "answered", "budget met", "cost / 1k answered", "p50 ms", "p99 ms",
        "lost: capability", "lost: context", "refused", "small / large / vision");
    List<RunStats> runs = new ArrayList<>();
    Map<String, Result> byKey = new LinkedHashMap<>();
    for (double load : new double[] {0.70, 0.90}) {
      List<Request> workload = workload(load * capacity(), seconds, seed);
      for (Way way : Way.values()) {
        progress.starting(name, Units.percent(load) + " " + way.label);
        Result r = run(way, workload, seconds, seed);
        byKey.put(load + way.name(), r);
        runs.add(r.stats);
        RunStats s = r.stats;
        table.row(String.format(Locale.ROOT, "%.0f%%", load * 100), way.label,
            Units.percent((double) s.succeeded / s.requests), Units.percent(s.budgetAttainment()),
            String.format(Locale.ROOT, "$%.3f", s.costPer1000()), Units.formatMillis(s.latencyMs(50)),
            Units.formatMillis(s.latencyMs(99)), r.lostCapability, r.lostContext, s.rejected,
            String.format(Locale.ROOT, "%.0f / %.0f / %.0f%%", 100 * r.share(SMALL), 100 * r.share(LARGE),
                100 * r.share(VISION)));
      }
    }
    String setup = String.format(Locale.ROOT,
        "small: 4 servers, 64 sequences, 8 ms + 0.1 ms/seq a step, 25k prefill tokens/s, 8k context, $%.4f per 1k"
            + " tokens; large: 4 servers, 32 sequences, 30 ms + 0.4 ms/seq, 6.7k prefill tokens/s, 128k, $%.4f; vision:"
            + " 2 servers, 32 sequences, 15 ms + 0.2 ms/seq, 12.5k prefill tokens/s, 32k, images, $%.4f. Nominal capacity %.0f req/s (prefill plus full-batch decode of the mix, mean output %d tokens); Poisson arrivals at"
            + " 70%% and 90%% of it for %.0f s. Prompts: 65%% 100-1k tokens, 25%% 1k-4k, 10%% 9k-20k; 10%% with an"
            + " image; budgets 4 s (40%%), 15 s (30%%), none; 20%% sheddable, 10%% critical (only ours is told"
            + " capabilities, budgets and priorities; the baselines send the model name alone). Up to 3 attempts: the"
            + " ordered baseline moves to its next model on any error (LiteLLM's fallbacks); the others send a failed"
            + " attempt again by the shipped client's rule (refused 429/503 and lost connections, within its deadline"
            + " and retry budget; a 400 is the answer).",
        SETUP.get(0).costPer1k(), SETUP.get(1).costPer1k(), SETUP.get(2).costPer1k(), capacity(), MEAN_OUTPUT, seconds);
    String anchor = "No published number. The issue's targets: ours answers every request some model can serve,"
        + " meets at least the best baseline's budget attainment, at no more than half the cost of always large.";
    Result large90 = byKey.get(0.9 + Way.ALWAYS_LARGE.name());
    Result ours90 = byKey.get(0.9 + Way.OURS.name());
    Result ordered90 = byKey.get(0.9 + Way.ORDERED_RANDOM.name());
    String explanation = String.format(Locale.ROOT,
        "At 90%% load, always large answers %s (its four servers carry the whole fleet's load, and its %d image"
            + " requests are lost for want of vision) at $%.3f per 1,000; ordered fallback answers %s at $%.3f but"
            + " pays a failed attempt on small for every long prompt and two for every image, and places at random;"
            + " ours answers %s, meets %s of budgets (ordered: %s, large: %s) at $%.3f per 1,000, sending %s of the"
            + " answers to small. Ours loses nothing to capability or context: a request no target can serve does"
            + " not exist in this workload, and the others never reach a model that would refuse them.",
        Units.percent((double) large90.stats.succeeded / large90.stats.requests), large90.lostCapability,
        large90.stats.costPer1000(),
        Units.percent((double) ordered90.stats.succeeded / ordered90.stats.requests), ordered90.stats.costPer1000(),
        Units.percent((double) ours90.stats.succeeded / ours90.stats.requests),
        Units.percent(ours90.stats.budgetAttainment()), Units.percent(ordered90.stats.budgetAttainment()),
        Units.percent(large90.stats.budgetAttainment()), ours90.stats.costPer1000(), Units.percent(ours90.share(SMALL)));
    List<ScenarioReport.Chart> charts = List.of(new ScenarioReport.LatencyChart("Latency by percentile", runs, false));
    return new ScenarioReport("model-routes", name, setup, anchor, table, explanation, charts, runs);
  }
}
