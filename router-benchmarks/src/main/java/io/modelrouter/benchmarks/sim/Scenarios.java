package io.modelrouter.benchmarks.sim;

import io.modelrouter.benchmarks.sim.ScenarioReport.LatencyChart;
import io.modelrouter.benchmarks.sim.ScenarioReport.ShareChart;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.select.DeadlinePolicy;
import io.modelrouter.select.LatencyModel;
import io.modelrouter.select.Strategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The published experiments the simulator replays. Each method builds the fleet and workload,
 * runs every policy on the very same requests, and returns the table, the charts and an
 * explanation of how the result compares with the published one. {@code quick} runs a shorter
 * version (for tests); the seed fixes every random draw.
 */
final class Scenarios {

  /** Hears about each run as it starts, to show progress. */
  @FunctionalInterface
  interface Progress {
    Progress NONE = (scenario, run) -> {};

    void starting(String scenario, String run);
  }

  private Scenarios() {}

  static Endpoint endpoint(String id) {
    return endpoint(id, Double.NaN);
  }

  /** An endpoint of the simulated model; its host is under {@code .invalid}, never contacted. */
  static Endpoint endpoint(String id, double costPerRequest) {
    return endpoint(id, costPerRequest, 0);
  }

  /** An endpoint that declares how many requests its server works on at once (0: it does not). */
  static Endpoint endpoint(String id, double costPerRequest, int slots) {
    return Endpoint.builder(id, "http://" + id + ".sim.invalid:8000")
        .serves(Experiment.MODEL + ":1")
        .costPerRequest(costPerRequest)
        .slots(slots)
        .build();
  }

  private static List<RunStats> runAll(
      String scenario, String prefix, Experiment experiment, List<Policy> policies, long seed, Progress progress) {
    List<RunStats> runs = new ArrayList<>();
    for (Policy p : policies) {
      progress.starting(scenario, prefix + p.name());
      runs.add(experiment.run(p, seed));
    }
    return runs;
  }

  // ------------------------------------------------------------------ 1. Linkerd, Beyond Round Robin

  /** Median service time of the Linkerd backends. */
  static final double LINKERD_MEDIAN_MS = 167;

  /**
   * Spread of their service time (log-normal shape): 0.075 puts p99 at 199 ms and p99.9 at 210 ms
   * for a healthy backend, which is what their peak-EWMA run (p99 200 ms, p99.9 215 ms) implies when
   * the slow backend is avoided; the post does not give the distribution itself.
   */
  static final double LINKERD_SIGMA = 0.075;

  static ScenarioReport linkerd(long seed, boolean quick, Progress progress) {
    String name = "1. Beyond Round Robin";
    double scale = quick ? 0.5 : 1;
    double duration = 60 * scale;
    double slowFrom = 15 * scale;
    double slowTo = 45 * scale;
    String slow = "backend-0";
    Experiment.Builder b = Experiment.builder()
        .duration(duration)
        .drain(5)
        .bucket(duration / 60)
        .workload(Workloads.poisson(1000, duration, seed))
        .change(FleetChange.slowDown(slowFrom, slow, 2000 / LINKERD_MEDIAN_MS))
        .change(FleetChange.slowDown(slowTo, slow, 1));
    for (int i = 0; i < 11; i++) {
      b.server(endpoint("backend-" + i),
          (id, sim) -> new QueueingServer(id, sim, Units.millis(LINKERD_MEDIAN_MS), LINKERD_SIGMA, 0, 0));
    }
    Experiment experiment = b.build();
    List<Policy> policies = List.of(
        Policy.roundRobin(), Policy.leastRequest(), Policy.p2cLeastLoaded(), Policy.p2cPeakEwma(),
        Policy.routerDefault(), Policy.oracle());
    List<RunStats> runs = runAll(name, "", experiment, policies, seed, progress);

    String[][] anchors = {
        {"1,710", "1,860"}, {"", ""}, {"205", "1,720"}, {"200", "215"}, {"", ""}, {"", ""}};
    Table table = new Table("policy", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms",
        "slow share " + (int) slowFrom + "-" + (int) slowTo + "s", "Linkerd p99", "Linkerd p99.9");
    for (int i = 0; i < runs.size(); i++) {
      RunStats r = runs.get(i);
      table.row(r.policy, Units.formatMillis(r.latencyMs(50)), Units.formatMillis(r.latencyMs(90)),
          Units.formatMillis(r.latencyMs(99)), Units.formatMillis(r.latencyMs(99.9)),
          Units.formatMillis(r.latencyMs(100)),
          Units.percent(r.share(slow, Units.seconds(slowFrom), Units.seconds(slowTo))),
          anchors[i][0], anchors[i][1]);
    }
    RunStats ewma = runs.get(3);
    RunStats ours = runs.get(4);
    String setup = String.format(Locale.ROOT,
        "11 backends, each a pure delay (no concurrency limit, as the post's backends) with a log-normal service"
            + " time of median %.0f ms (shape %.3f); Poisson arrivals at 1,000 req/s for %.0f s; %s answers in"
            + " 2 s (median) from second %.0f to %.0f. No retries. %d requests, the same for every policy.",
        LINKERD_MEDIAN_MS, LINKERD_SIGMA, duration, slow, slowFrom, slowTo, experiment.workload().size());
    String anchor = "Linkerd, \"Beyond Round Robin: Load Balancing for Latency\" (2016), read from its chart:"
        + " p99 1,710 / 205 / 200 ms and p99.9 1,860 / 1,720 / 215 ms for round robin, least loaded and peak EWMA.";
    RunStats rr = runs.get(0);
    RunStats leastLoaded = runs.get(2);
    boolean publishedOrder = rr.latencyMs(99) > leastLoaded.latencyMs(99)
        && leastLoaded.latencyMs(99.9) > ewma.latencyMs(99.9);
    String explanation = String.format(Locale.ROOT,
        "The ordering %s the published one (round robin's p99 above least loaded's, least loaded's p99.9"
            + " above peak EWMA's). Round robin sends a full 1/11 of the traffic to the slow backend for half"
            + " the run, so p99 lands inside the slow backend's distribution (ours %s ms against their 1,710 ms:"
            + " in our model every slow answer takes 2 s times the same narrow spread, theirs evidently had a"
            + " wider one). Least-loaded strategies see the slow backend's requests pile up and avoid it: P2C"
            + " least loaded's p99 is %s ms and its p99.9 %s ms (their 205 and 1,720 ms), since a backend that"
            + " must stay about as loaded as the others keeps receiving a few requests per second. Peak EWMA"
            + " prices the backend at its observed 2 s, so it only gets a request when that price has decayed"
            + " below the others' cost: P2C peak EWMA reaches p99.9 %s ms and our default %s ms against their"
            + " 215 ms peak EWMA (target: below it, %s, by %s ms). Our default prices an endpoint at least at"
            + " the time it has been busy without answering, so the slow backend loses every comparison a few"
            + " hundred milliseconds into its stall, and it compares all 11 backends instead of two; the slow"
            + " backend still took %s of the traffic in the window, the probes it gets whenever it is idle and"
            + " its decayed price falls below a busy healthy backend's.",
        publishedOrder ? "is" : "is NOT", Units.formatMillis(rr.latencyMs(99)),
        Units.formatMillis(leastLoaded.latencyMs(99)), Units.formatMillis(leastLoaded.latencyMs(99.9)),
        Units.formatMillis(ewma.latencyMs(99.9)), Units.formatMillis(ours.latencyMs(99.9)),
        ours.latencyMs(99.9) < 215 ? "met" : "missed", Units.formatMillis(Math.abs(215 - ours.latencyMs(99.9))),
        Units.percent(ours.share(slow, Units.seconds(slowFrom), Units.seconds(slowTo))));
    List<ScenarioReport.Chart> charts = List.of(
        new LatencyChart("Latency by percentile", runs, false),
        new ShareChart("Share per backend over time: round robin", runs.get(0)),
        new ShareChart("Share per backend over time: ours (default)", ours));
    return new ScenarioReport("linkerd", name, setup, anchor, table, explanation, charts, runs);
  }

  // ------------------------------------------------------------------ 2. Heterogeneous fleet

  /** Three generations of hardware: median service time in ms and how many of each. */
  private static final double[][] HETEROGENEOUS = {{40, 2}, {80, 4}, {160, 4}};

  private static final int HETEROGENEOUS_SLOTS = 4;
  private static final double HETEROGENEOUS_SIGMA = 0.5;

  /** Requests per second the heterogeneous fleet can serve at most. */
  static double heterogeneousCapacity() {
    double capacity = 0;
    for (double[] kind : HETEROGENEOUS) {
      double meanSeconds = kind[0] / 1000 * Math.exp(HETEROGENEOUS_SIGMA * HETEROGENEOUS_SIGMA / 2);
      capacity += kind[1] * HETEROGENEOUS_SLOTS / meanSeconds;
    }
    return capacity;
  }

  static ScenarioReport heterogeneous(long seed, boolean quick, Progress progress, double... loads) {
    String name = "2. Heterogeneous fleet";
    double duration = quick ? 30 : 120;
    double capacity = heterogeneousCapacity();
    List<Policy> policies = List.of(
        Policy.roundRobin(), Policy.leastRequest(), Policy.p2cLeastLoaded(), Policy.p2cPeakEwma(),
        Policy.routerDefault(), Policy.oracle(), Policy.clairvoyantOracle());
    Table table = new Table("load / policy", "p50 ms", "p99 ms", "p99 / oracle", "p99 / round robin", "unanswered");
    List<RunStats> all = new ArrayList<>();
    List<ScenarioReport.Chart> charts = new ArrayList<>();
    StringBuilder verdicts = new StringBuilder();
    for (double load : loads) {
      Experiment.Builder b = Experiment.builder()
          .duration(duration)
          .drain(30)
          .bucket(duration / 60)
          .workload(Workloads.poisson(load * capacity, duration, seed));
      int n = 0;
      for (double[] kind : HETEROGENEOUS) {
        for (int k = 0; k < kind[1]; k++) {
          long median = Units.millis(kind[0]);
          b.server(endpoint(String.format(Locale.ROOT, "gen%d-%d", (int) kind[0], n++), Double.NaN, HETEROGENEOUS_SLOTS),
              (id, sim) -> new QueueingServer(id, sim, median, HETEROGENEOUS_SIGMA, HETEROGENEOUS_SLOTS, 0));
        }
      }
      String label = Math.round(load * 100) + "% · ";
      List<RunStats> runs = runAll(name, label, b.build(), policies, seed, progress);
      RunStats rr = runs.get(0);
      RunStats oracle = runs.get(5);
      for (RunStats r : runs) {
        table.row(label + r.policy, Units.formatMillis(r.latencyMs(50)), Units.formatMillis(r.latencyMs(99)),
            ratio(r.latencyMs(99), oracle.latencyMs(99)), ratio(r.latencyMs(99), rr.latencyMs(99)),
            Units.percent((double) r.unfinished / r.requests));
      }
      RunStats ours = runs.get(4);
      verdicts.append(String.format(Locale.ROOT, " At %d%%: ours p99 %s ms is %s the oracle's (target <= 1.2x, %s)"
              + " and %s round robin's (target <= 0.5x, %s).",
          Math.round(load * 100), Units.formatMillis(ours.latencyMs(99)),
          ratio(ours.latencyMs(99), oracle.latencyMs(99)),
          ours.latencyMs(99) <= 1.2 * oracle.latencyMs(99) ? "met" : "missed",
          ratio(ours.latencyMs(99), rr.latencyMs(99)),
          ours.latencyMs(99) <= 0.5 * rr.latencyMs(99) ? "met" : "missed"));
      all.addAll(runs);
      charts.add(new LatencyChart("Latency by percentile at " + Math.round(load * 100) + "% load", runs, false));
      if (load == loads[loads.length - 1]) {
        charts.add(new ShareChart("Share per endpoint over time at " + Math.round(load * 100) + "% load: ours (default)", ours));
      }
    }
    String setup = String.format(Locale.ROOT,
        "10 endpoints of three speeds (2 with median 40 ms, 4 with 80 ms, 4 with 160 ms; log-normal shape %.1f),"
            + " each processing %d requests at once with an unbounded FIFO queue and declaring it (the endpoint's"
            + " slots, which only our default reads): %.0f req/s of capacity in all."
            + " Poisson arrivals at 70%%, 85%% and 95%% of that for %.0f s, then %d s to drain; requests still"
            + " queued at the end count with their age.",
        HETEROGENEOUS_SIGMA, HETEROGENEOUS_SLOTS, capacity, duration, 30);
    String anchor = "Target from the issue: our default within 1.2x of the oracle's p99 and at most half of"
        + " round robin's. Round robin gives every endpoint a tenth of the load, which overloads the slow ones"
        + " as soon as the fleet runs above 50% (their tenth exceeds their capacity), the classic result.";
    String explanation = "The oracle is the issue's: it joins the endpoint where the request would finish"
        + " first, knowing every queued and running request's exact remaining work and each endpoint's speed,"
        + " and counting the request's own service time at the endpoint's mean; it is a reference, not a policy"
        + " (greedy per request, so not a strict bound on p99: a policy may come level with it)."
        + " The clairvoyant oracle also knows the request's own service time, so it sends long requests to fast"
        + " endpoints and short ones to slow endpoints, which no router can: it is shown for reference, the"
        + " targets are against the oracle. Round robin and P2C least loaded ignore speed, so slow endpoints"
        + " queue up; P2C peak EWMA often pairs two slow endpoints." + verdicts
        + " Our default scans all ten endpoints and, knowing each serves 4 requests at once, counts a request"
        + " in flight as queueing only once the slots are full, so it fills the fast endpoints as the oracle"
        + " does instead of spilling onto the slow ones. It learns speed only from answers: on 4 slots it"
        + " counts a quarter of the peak EWMA's excess over the plain EWMA (a peak EWMA alone sits near a"
        + " high percentile of the service time, the higher the more answers an endpoint gives, which made"
        + " the fastest endpoints look slowest); its remaining gap to the oracle is that estimate's noise and"
        + " the probes an idle slow endpoint gets when its price decays.";
    return new ScenarioReport("heterogeneous", name, setup, anchor, table, explanation, charts, all);
  }

  static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2fx", a / b);
  }

  // ------------------------------------------------------------------ 3. LLM prefix sharing

  static final int PREFIX_GROUPS = 128;
  static final int PREFIX_TOKENS = 6000;
  static final int QUESTION_TOKENS = 1200;
  static final int OUTPUT_TOKENS = 250;
  static final int LLM_ENDPOINTS = 16;
  static final double LLM_RATE = 90;
  static final Duration LLM_SCRAPE = Duration.ofMillis(250);

  /** Scenario 3's two arrival rates: below and above where random routing saturates the fleet. */
  static final double[] LLM_RATES = {60, LLM_RATE};

  /**
   * The policies the LLM scenarios compare: load-only ones, queue/KV aware, prefix affinity, the
   * default (the combined strategy, as the endpoints are declared vLLM servers), and the oracle.
   */
  static List<Policy> prefixPolicies() {
    return List.of(Policy.random(), Policy.leastRequest(), Policy.llmAware(), Policy.p2cPeakEwma(),
        Policy.prefixAffinity(), Policy.routerDefault().renamed("ours (default: llm-combined)"), Policy.oracle());
  }

  /** A vLLM endpoint of the simulated model with the given weight. */
  static Endpoint llmEndpoint(String id, int weight) {
    return Endpoint.builder(id, "http://" + id + ".sim.invalid:8000")
        .serves(Experiment.MODEL + ":1")
        .server("vllm")
        .weight(weight)
        .build();
  }

  /** What {@link #compareLlm} found at each load: every run, and whether ours met the targets. */
  record LlmComparison(List<RunStats> runs, Table table, String verdicts, List<ScenarioReport.Chart> charts) {}

  /**
   * Runs {@link #prefixPolicies()} on the experiment of each load and tabulates TTFT p50/p90/p99,
   * end-to-end p99, prefix hits, the share of prompt tokens found cached and throughput. The
   * verdict per load: ours has the best TTFT p90 and p99 of the real policies (all but the
   * oracle) and is within 2x of the oracle's.
   */
  static LlmComparison compareLlm(
      String name, String[] loadLabels, java.util.function.IntFunction<Experiment> experimentAt, long seed,
      Progress progress) {
    Table table = new Table("load / policy", "TTFT p50 ms", "TTFT p90 ms", "TTFT p99 ms", "e2e p99 ms",
        "prefix hits", "prompt cached", "output tok/s", "unanswered", "TTFT p90 / oracle");
    List<RunStats> all = new ArrayList<>();
    List<ScenarioReport.Chart> charts = new ArrayList<>();
    StringBuilder verdicts = new StringBuilder();
    List<Policy> policies = prefixPolicies();
    int oursAt = policies.size() - 2;
    for (int l = 0; l < loadLabels.length; l++) {
      String label = loadLabels[l] + " · ";
      List<RunStats> runs = runAll(name, label, experimentAt.apply(l), policies, seed, progress);
      RunStats oracle = runs.get(runs.size() - 1);
      for (RunStats r : runs) {
        table.row(label + r.policy, Units.formatMillis(r.ttftMs(50)), Units.formatMillis(r.ttftMs(90)),
            Units.formatMillis(r.ttftMs(99)), Units.formatMillis(r.latencyMs(99)), Units.percent(r.prefixHitRate()),
            Units.percent(r.cachedPromptShare()), String.format(Locale.ROOT, "%,.0f", r.tokenThroughput()),
            Units.percent((double) r.unfinished / r.requests), ratio(r.ttftMs(90), oracle.ttftMs(90)));
      }
      RunStats ours = runs.get(oursAt);
      boolean bestP90 = true;
      boolean bestP99 = true;
      for (int i = 0; i < oursAt; i++) {
        bestP90 &= ours.ttftMs(90) <= runs.get(i).ttftMs(90);
        bestP99 &= ours.ttftMs(99) <= runs.get(i).ttftMs(99);
      }
      verdicts.append(String.format(Locale.ROOT,
          " At %s: ours TTFT p90 %s ms (%s, %s the oracle's) and p99 %s ms (%s, %s the oracle's).",
          loadLabels[l], Units.formatMillis(ours.ttftMs(90)), bestP90 ? "best of the real policies" : "NOT the best",
          ratio(ours.ttftMs(90), oracle.ttftMs(90)), Units.formatMillis(ours.ttftMs(99)),
          bestP99 ? "best" : "NOT the best", ratio(ours.ttftMs(99), oracle.ttftMs(99))));
      all.addAll(runs);
      charts.add(new LatencyChart("Time to first token by percentile at " + loadLabels[l], runs, true));
      if (l == loadLabels.length - 1) {
        charts.add(new ShareChart("Share per endpoint over time at " + loadLabels[l] + ": ours", ours));
      }
    }
    return new LlmComparison(all, table, verdicts.toString(), charts);
  }

  static ScenarioReport prefixSharing(long seed, boolean quick, Progress progress) {
    String name = "3. LLM prefix sharing";
    double duration = quick ? 60 : 300;
    LlmProfile profile = LlmProfile.h100Llama8b();
    String[] labels = new String[LLM_RATES.length];
    for (int l = 0; l < labels.length; l++) {
      labels[l] = String.format(Locale.ROOT, "%.0f req/s", LLM_RATES[l]);
    }
    LlmComparison result = compareLlm(name, labels, l -> {
      Experiment.Builder b = Experiment.builder()
          .duration(duration)
          .drain(60)
          .bucket(duration / 60)
          .scrapeInterval(LLM_SCRAPE)
          .workload(Workloads.sharedPrefix(
              LLM_RATES[l], duration, seed, PREFIX_GROUPS, PREFIX_TOKENS, QUESTION_TOKENS, OUTPUT_TOKENS));
      for (int i = 0; i < LLM_ENDPOINTS; i++) {
        b.server(llmEndpoint(String.format(Locale.ROOT, "h100-%02d", i), Endpoint.DEFAULT_WEIGHT),
            (id, sim) -> new LlmServer(id, sim, profile));
      }
      return b.build();
    }, seed, progress);
    String setup = String.format(Locale.ROOT,
        "%d simulated H100s serving an 8B model (continuous batching of up to %d sequences, %,d tokens of KV"
            + " cache, 8 ms per step plus 0.1 ms per sequence, prefill 25k tokens/s, automatic prefix cache in"
            + " free KV memory), declared as vLLM servers. %d groups of users share %d-token system prompts; each"
            + " request adds %d tokens of its own and answers with about %d tokens. Poisson arrivals at %s req/s"
            + " for %.0f s. Waiting, running and KV use are scraped every %d ms. The gateway's block-hash chain"
            + " has one hash per %d tokens, up to %d blocks.",
        LLM_ENDPOINTS, profile.maxBatch(), profile.kvCapacityTokens(), PREFIX_GROUPS, PREFIX_TOKENS,
        QUESTION_TOKENS, OUTPUT_TOKENS, rates(LLM_RATES), duration, LLM_SCRAPE.toMillis(), Experiment.BLOCK_TOKENS,
        Experiment.MAX_BLOCKS);
    String anchor = "llm-d (2025): on 16 H100s, precise prefix-cache-aware routing gave a p90 TTFT of 0.54 s"
        + " where random routing gave about 93 s. Target from issue 20: ours best of the real policies on TTFT"
        + " p90 and p99 at both loads, and within 2x of the oracle.";
    String explanation = prefixExplanation(result.runs()) + result.verdicts();
    List<ScenarioReport.Chart> charts = new ArrayList<>(result.charts());
    return new ScenarioReport("prefix", name, setup, anchor, result.table(), explanation, charts, result.runs());
  }

  private static String rates(double[] rates) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rates.length; i++) {
      sb.append(i == 0 ? "" : i == rates.length - 1 ? " and " : ", ").append(String.format(Locale.ROOT, "%.0f", rates[i]));
    }
    return sb.toString();
  }

  private static String prefixExplanation(List<RunStats> runs) {
    int perLoad = prefixPolicies().size();
    List<RunStats> high = runs.subList(runs.size() - perLoad, runs.size());
    RunStats random = high.get(0);
    RunStats affinity = high.get(4);
    return String.format(Locale.ROOT,
        "At %.0f req/s prefix affinity with bounded load reaches a p90 TTFT of %s ms with %s prefix hits, random"
            + " %s ms with %s. A hit saves %d of %d prompt tokens of prefill (about %.0f ms of GPU time). Spread"
            + " at random, each server sees all %d prefixes, more than its free KV memory holds, so most requests"
            + " miss and the fleet needs about three times the prefill time; at this arrival rate that is more"
            + " than it has, so queues grow for the whole run and TTFT with them (load-aware policies only spread"
            + " the overload evenly: they cannot create cache hits). Affinity keeps each prefix on the few servers"
            + " that hold it. Ours scores the prefix match with the load: the estimated prefix index sends a"
            + " group's requests where its blocks went before, and the queue, in-flight, prefill-backlog and speed"
            + " terms and the load bound move them when that server is busier than a miss elsewhere would cost.",
        LLM_RATE, Units.formatMillis(affinity.ttftMs(90)), Units.percent(affinity.prefixHitRate()),
        Units.formatMillis(random.ttftMs(90)), Units.percent(random.prefixHitRate()),
        PREFIX_TOKENS, PREFIX_TOKENS + QUESTION_TOKENS,
        PREFIX_TOKENS * LlmProfile.h100Llama8b().prefillPerTokenNanos() / 1e6, PREFIX_GROUPS);
  }

  // ------------------------------------------------------------------ 6. Multi-turn sessions on mixed GPUs

  static final int SESSION_H100S = 4;
  static final int SESSION_A100S = 8;
  static final int SESSION_GROUPS = 24;
  static final double SESSION_HOT_SHARE = 0.4;
  static final int SESSION_PREFIX_TOKENS = 2000;
  static final int SESSION_MAX_TURNS = 8;
  static final int SESSION_USER_TOKENS = 300;
  static final int SESSION_OUTPUT_TOKENS = 200;
  static final double SESSION_THINK_SECONDS = 8;
  /** Sessions started per second at the two loads. */
  static final double[] SESSION_RATES = {8, 12};

  static ScenarioReport multiTurn(long seed, boolean quick, Progress progress) {
    String name = "7. Multi-turn sessions on mixed GPUs";
    double duration = quick ? 60 : 300;
    String[] labels = new String[SESSION_RATES.length];
    for (int l = 0; l < labels.length; l++) {
      labels[l] = String.format(Locale.ROOT, "%.0f sessions/s", SESSION_RATES[l]);
    }
    LlmComparison result = compareLlm(name, labels, l -> {
      Experiment.Builder b = Experiment.builder()
          .duration(duration)
          .drain(60)
          .bucket(duration / 60)
          .scrapeInterval(LLM_SCRAPE)
          .workload(Workloads.sessions(SESSION_RATES[l], duration, seed, SESSION_GROUPS, SESSION_HOT_SHARE,
              SESSION_PREFIX_TOKENS, SESSION_MAX_TURNS, SESSION_USER_TOKENS, SESSION_OUTPUT_TOKENS,
              SESSION_THINK_SECONDS));
      for (int i = 0; i < SESSION_H100S; i++) {
        b.server(llmEndpoint(String.format(Locale.ROOT, "h100-%02d", i), Endpoint.DEFAULT_WEIGHT),
            (id, sim) -> new LlmServer(id, sim, LlmProfile.h100Llama8b()));
      }
      for (int i = 0; i < SESSION_A100S; i++) {
        b.server(llmEndpoint(String.format(Locale.ROOT, "a100-%02d", i), Endpoint.DEFAULT_WEIGHT),
            (id, sim) -> new LlmServer(id, sim, LlmProfile.a100Llama8b()));
      }
      return b.build();
    }, seed, progress);
    LlmProfile a100 = LlmProfile.a100Llama8b();
    String setup = String.format(Locale.ROOT,
        "%d simulated H100s and %d A100s 40 GB serving the same 8B model, declared as vLLM servers with equal"
            + " weights (the router is not told which GPU is which). The A100: up to %d sequences, %,d tokens of"
            + " KV cache, 14 ms per step plus 0.18 ms per sequence, prefill 10k tokens/s. Chat sessions start as"
            + " Poisson arrivals at %s per second for %.0f s; each uses one of %d %d-token system prompts, one"
            + " of them (the hot prefix) for %.0f%% of the sessions; 1 to %d turns, each repeating the whole"
            + " conversation, adding about %d tokens and answering about %d, sent %.0f s of think time after the"
            + " previous turn's answer, so prompts grow turn by turn. A finished turn leaves its conversation in the server's prefix cache,"
            + " where the next turn finds it unless it was evicted. Metrics scraped every %d ms.",
        SESSION_H100S, SESSION_A100S, a100.maxBatch(), a100.kvCapacityTokens(), rates(SESSION_RATES), duration,
        SESSION_GROUPS, SESSION_PREFIX_TOKENS, SESSION_HOT_SHARE * 100, SESSION_MAX_TURNS, SESSION_USER_TOKENS,
        SESSION_OUTPUT_TOKENS, SESSION_THINK_SECONDS, LLM_SCRAPE.toMillis());
    String anchor = "No published anchor: designed for issue 20 (heterogeneous GPUs, multi-turn sessions whose"
        + " prompts grow, a hot prefix). Target: ours best of the real policies on TTFT p90 and p99 at both"
        + " loads, and within 2x of the oracle.";
    String explanation = "Prefix affinity hashes the shared system prompt, so every session of the hot prefix"
        + " lands on the same few servers until the load bound spills it, and it cannot see the conversation"
        + " behind it; load-only policies find a conversation's cache only by chance. Ours matches the longest"
        + " run of blocks each server was sent, so a turn goes back to the server that ran the previous one"
        + " (a partial match of a growing prompt) unless that server's queue and in-flight requests, counted at"
        + " its decode speed (time per output token, which tells the A100s from the H100s), say a fresh prefill"
        + " elsewhere is faster." + result.verdicts();
    return new ScenarioReport("sessions", name, setup, anchor, result.table(), explanation, result.charts(), result.runs());
  }

  // ------------------------------------------------------------------ 4. Latency budgets and cost

  static final double CHEAP_COST = 0.0002;
  static final double FAST_COST = 0.0010;

  /**
   * The policies scenario 4 compares: budget-blind latency-only and cost-only baselines, and ours
   * with budgets sent to the router: the default strategy behind the router's budget stage, and
   * the cost-aware strategy with either deadline policy.
   */
  static List<Policy> budgetPolicies() {
    return List.of(
        Policy.p2cPeakEwma().renamed("latency only"),
        Policy.cheapest(),
        Policy.routerDefault().renamed("ours: default + budgets").withBudgets(DeadlinePolicy.REJECT),
        Policy.of("ours: cost-aware, best effort", Strategies.costAware()).withBudgets(DeadlinePolicy.BEST_EFFORT),
        Policy.of("ours: cost-aware, reject unmeetable", Strategies.costAware()).withBudgets(DeadlinePolicy.REJECT),
        Policy.of("ours: cost-aware 0.9, best effort", Strategies.costAware(0.9, LatencyModel.ofDefaults()))
            .withBudgets(DeadlinePolicy.BEST_EFFORT));
  }

  static ScenarioReport budgetsAndCost(long seed, boolean quick, Progress progress) {
    String name = "4. Latency budgets and cost";
    double duration = quick ? 30 : 120;
    long tight = Units.millis(250);
    long loose = Units.millis(1500);
    Experiment.Builder b = Experiment.builder()
        .duration(duration)
        .drain(30)
        .bucket(duration / 60)
        .maxAttempts(2)
        .scrapeInterval(BUDGET_SCRAPE)
        .workload(Workloads.withBudgets(BUDGET_RATE, duration, seed, new long[] {tight, loose, 0}, new double[] {0.4, 0.3, 0.3}));
    for (int i = 0; i < 6; i++) {
      b.server(endpoint("cheap-" + i, CHEAP_COST),
          (id, sim) -> new QueueingServer(id, sim, Units.millis(300), 0.3, 4, 64));
    }
    for (int i = 0; i < 3; i++) {
      b.server(endpoint("fast-" + i, FAST_COST),
          (id, sim) -> new QueueingServer(id, sim, Units.millis(60), 0.3, 4, 64));
    }
    Experiment experiment = b.build();
    List<RunStats> runs = runAll(name, "", experiment, budgetPolicies(), seed, progress);
    Table table = new Table("policy", "budget met", "met 250 ms", "met 1.5 s", "p50 ms", "p99 ms",
        "cost / 1k answered", "share on fast", "unanswered");
    for (RunStats r : runs) {
      table.row(r.policy, Units.percent(r.budgetAttainment()), Units.percent(r.budgetAttainment(tight)),
          Units.percent(r.budgetAttainment(loose)), Units.formatMillis(r.latencyMs(50)),
          Units.formatMillis(r.latencyMs(99)), String.format(Locale.ROOT, "$%.3f", r.costPer1000()),
          Units.percent(fastShare(r)), Units.percent(r.errorRate()));
    }
    String setup = String.format(Locale.ROOT,
        "6 cheap endpoints (median 300 ms, $%.4f a request) and 3 fast ones (median 60 ms, $%.4f a request),"
            + " each 4 requests at once with a queue of 64 (then 503), 2 attempts a request (" + ClientRetry.RULE
            + "); waiting and running"
            + " scraped every %d ms. Poisson arrivals at %.0f req/s for %.0f s: 40%% with a 250 ms budget (only"
            + " the fast endpoints can meet it), 30%% with 1.5 s, 30%% without. The baselines do not tell the"
            + " router the budgets; ours do.",
        CHEAP_COST, FAST_COST, BUDGET_SCRAPE.toMillis(), BUDGET_RATE, duration);
    String anchor = "No published number; the issue asks for budget attainment and cost per 1,000 requests"
        + " against latency-only and cost-only policies.";
    RunStats latencyOnly = runs.get(0);
    RunStats costOnly = runs.get(1);
    RunStats withBudgets = runs.get(2);
    RunStats costAware = runs.get(3);
    String explanation = String.format(Locale.ROOT,
        "Latency-only routing meets budgets by sending %s of the traffic to the fast, expensive endpoints,"
            + " yet misses tight budgets whenever P2C happens to pair two cheap endpoints (%s of 250 ms budgets"
            + " met, $%.3f per 1,000). Cost-only routing piles everything onto the cheap tier: %s of budgets met,"
            + " %s unanswered, $%.3f per 1,000. With budgets sent to the router, its budget"
            + " stage keeps each request on endpoints predicted to meet it: behind the default strategy that"
            + " meets %s of budgets but pays $%.3f, because the default, a latency strategy, then prefers the fast tier for"
            + " everything; the cost-aware strategy meets %s at $%.3f by sending requests without a tight budget"
            + " to the cheap tier. Its weak spot is the 1.5 s class (%s met): requests without any budget"
            + " fill the cheap queues and the prediction (peak EWMA times the scraped queue, %d ms old at worst)"
            + " lags behind. The deadline policy only matters when no endpoint is predicted to fit.",
        Units.percent(fastShare(latencyOnly)), Units.percent(latencyOnly.budgetAttainment(tight)),
        latencyOnly.costPer1000(), Units.percent(costOnly.budgetAttainment()),
        Units.percent((double) costOnly.unfinished / costOnly.requests), costOnly.costPer1000(),
        Units.percent(withBudgets.budgetAttainment()), withBudgets.costPer1000(),
        Units.percent(costAware.budgetAttainment()), costAware.costPer1000(),
        Units.percent(costAware.budgetAttainment(loose)), BUDGET_SCRAPE.toMillis());
    List<ScenarioReport.Chart> charts = List.of(
        new LatencyChart("Latency by percentile", runs, false),
        new ShareChart("Share per endpoint over time: " + latencyOnly.policy, latencyOnly),
        new ShareChart("Share per endpoint over time: " + costAware.policy, costAware));
    return new ScenarioReport("budgets", name, setup, anchor, table, explanation, charts, runs);
  }

  static final Duration BUDGET_SCRAPE = Duration.ofMillis(500);

  /** 100 req/s: the 60% without a tight budget fit the cheap tier (about 77 req/s) with some room. */
  static final double BUDGET_RATE = 100;

  private static double fastShare(RunStats r) {
    double fast = 0;
    for (String id : r.endpointIds) {
      if (id.startsWith("fast-")) {
        fast += r.share(id, 0, r.durationNanos);
      }
    }
    return fast;
  }

  // ------------------------------------------------------------------ 5. Failure drill (beyond the four)

  /**
   * The Linkerd fleet again, without the slowdown: {@code backend-0} first fails half its requests
   * fast with a 500 (seconds 15 to 45), then, in a second run, crashes and refuses connections for
   * the same window. Two attempts a request, retried as the shipped client retries
   * ({@link ClientRetry}). No published anchor: it shows what
   * the feedback path alone (without outlier ejection, which lives in router-http) does with an
   * endpoint that fails fast.
   */
  static ScenarioReport failureDrill(long seed, boolean quick, Progress progress) {
    String name = "5. Failure drill";
    double scale = quick ? 0.5 : 1;
    double duration = 60 * scale;
    double from = 15 * scale;
    double to = 45 * scale;
    String bad = "backend-0";
    List<Policy> policies = List.of(Policy.roundRobin(), Policy.leastRequest(), Policy.p2cPeakEwma(),
        Policy.routerDefault());
    Table table = new Table("fault / policy", "attempts to " + bad, "retries", "unanswered", "p99 ms", "p99.9 ms");
    List<RunStats> all = new ArrayList<>();
    List<ScenarioReport.Chart> charts = new ArrayList<>();
    for (boolean crash : new boolean[] {false, true}) {
      Experiment.Builder b = Experiment.builder()
          .duration(duration)
          .drain(5)
          .bucket(duration / 60)
          .maxAttempts(2)
          .workload(Workloads.poisson(1000, duration, seed));
      if (crash) {
        b.change(FleetChange.of(from, bad, FleetChange.Kind.CRASH)).change(FleetChange.of(to, bad, FleetChange.Kind.RESTART));
      } else {
        b.change(FleetChange.failShare(from, bad, 0.5)).change(FleetChange.failShare(to, bad, 0));
      }
      for (int i = 0; i < 11; i++) {
        b.server(endpoint("backend-" + i),
            (id, sim) -> new QueueingServer(id, sim, Units.millis(LINKERD_MEDIAN_MS), LINKERD_SIGMA, 0, 0));
      }
      String label = crash ? "crash · " : "fails 50% · ";
      List<RunStats> runs = runAll(name, label, b.build(), policies, seed, progress);
      for (RunStats r : runs) {
        table.row(label + r.policy, Units.percent(r.share(bad, Units.seconds(from), Units.seconds(to))),
            String.format(Locale.ROOT, "%,d", r.retries), Units.percent(r.errorRate()),
            Units.formatMillis(r.latencyMs(99)), Units.formatMillis(r.latencyMs(99.9)));
      }
      if (crash) {
        charts.add(new ShareChart("Share per backend over time, backend-0 crashed: " + runs.get(1).policy, runs.get(1)));
        charts.add(new ShareChart("Share per backend over time, backend-0 crashed: " + runs.get(2).policy, runs.get(2)));
      }
      all.addAll(runs);
    }
    String setup = String.format(Locale.ROOT,
        "The fleet of scenario 1 (11 backends, median 167 ms, 1,000 req/s for %.0f s) without the slowdown."
            + " From second %.0f to %.0f %s first fails half its requests with a fast 500 (5 ms); in a second"
            + " run it crashes instead (connections refused after 1 ms) and restarts. 2 attempts a request: "
            + ClientRetry.RULE + ".",
        duration, from, to, bad);
    String anchor = "No published anchor; this drill goes beyond the issue's four scenarios. A fair share is"
        + " 1/11 = 9.1% of attempts.";
    long window0 = Units.seconds(from);
    long window1 = Units.seconds(to);
    StringBuilder failing = new StringBuilder();
    StringBuilder crashed = new StringBuilder();
    long failingRetries = 0;
    for (int i = 0; i < all.size(); i++) {
      RunStats r = all.get(i);
      boolean crash = i >= policies.size();
      StringBuilder line = crash ? crashed : failing;
      line.append(line.length() == 0 ? "" : "; ").append(r.policy).append(' ')
          .append(Units.percent(r.share(bad, window0, window1))).append(" of the attempts, ");
      if (crash) {
        line.append(String.format(Locale.ROOT, "%,d retries, ", r.retries));
      } else {
        failingRetries += r.retries;
      }
      line.append(Units.percent(r.errorRate())).append(" unanswered");
    }
    String explanation = String.format(Locale.ROOT,
        "The client retries as the shipped RoutingClient does. A fast 500 is the answer (the backend may have"
            + " run the request), so %s, and what a client loses"
            + " follows the share of attempts the strategy gives the failing backend: %s. A backend whose"
            + " requests finish at once has an empty in-flight count, and a fast failure does not lower its EWMA"
            + " (the router ignores lower samples from failures); our default multiplies an endpoint's price by"
            + " one more attempt for each consecutive failure, but each success resets the run. A crashed"
            + " backend refuses connections, which the client sends elsewhere freely within its retry budget"
            + " (at most %.0f retries a second at this rate): %s. A crash never ends the run of failures, so our"
            + " default gives up on the crashed backend; least outstanding sees only its empty in-flight count."
            + " Outlier ejection (router-http) takes such an endpoint out altogether; this simulation runs the"
            + " router without it.",
        failingRetries == 0 ? "no attempt of the failing runs was sent again"
            : String.format(Locale.ROOT, "%,d attempts of the failing runs were sent again", failingRetries), failing,
        ClientRetry.budgetPerSecond(1000), crashed);
    return new ScenarioReport("drill", name, setup, anchor, table, explanation, charts, all);
  }
}
