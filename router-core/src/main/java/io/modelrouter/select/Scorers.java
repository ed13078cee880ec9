package io.modelrouter.select;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import java.util.Objects;

/**
 * Factories for the built-in {@link EndpointScorer}s. Each returns {@code 0} for an ideal
 * candidate and approaches {@code 1} as its signal worsens, using {@code x / (x + scale)} so that
 * a score needs no other candidate; {@code scale} is where the score reaches one half.
 */
public final class Scorers {

  /** In-flight requests at which {@link #inFlight()} scores one half: 4. */
  public static final int DEFAULT_IN_FLIGHT_SCALE = 4;

  /**
   * Waiting requests at which {@link #queueDepth()} scores one half: 4, about one decode batch
   * turnover of wait on a busy vLLM server.
   */
  public static final int DEFAULT_QUEUE_SCALE = 4;

  /** Predicted latency at which {@link #latency()} scores one half: 100 ms. */
  public static final long DEFAULT_LATENCY_SCALE_NANOS = 100_000_000L;

  /**
   * Uncached prompt blocks at which {@link #prefixCache} scores one half: 16, about 1,000 tokens,
   * whose prefill takes about 40 ms on an H100 serving an 8B model: a few short queued requests'
   * worth, so a long cached prefix outweighs a short queue and a short one does not.
   */
  public static final int DEFAULT_PREFIX_SCALE_BLOCKS = 16;

  /**
   * Running sequences at which {@link #runningSequences()} scores one half: 32, half of vLLM's
   * default batch on most GPUs ({@code max_num_seqs} 64 to 256).
   */
  public static final int DEFAULT_RUNNING_SCALE = 32;

  /**
   * Prefill backlog, in blocks, at which {@link Strategies#llmCombined()}'s backlog term scores one
   * half: 128, about 8,000 tokens at 64 a block (one long cold prompt, half a second of prefill on an
   * H100 serving an 8B model).
   */
  static final int DEFAULT_BACKLOG_SCALE_BLOCKS = 128;

  private Scorers() {}

  /** Requests this router has in flight to the candidate: {@code k / (k + 4)}. */
  public static EndpointScorer inFlight() {
    return named("in-flight", (c, i) -> inFlightTerm(c.state(i).inFlight()));
  }

  /**
   * Requests waiting on the model server (scraped {@code vllm:num_requests_waiting} and its
   * kin): {@code q / (q + 4)}; stale or missing metrics score {@code 1}, unknown is not idle.
   */
  public static EndpointScorer queueDepth() {
    return queueDepth(LatencyModel.ofDefaults());
  }

  /** {@link #queueDepth()} with the metrics freshness of {@code model}. */
  public static EndpointScorer queueDepth(LatencyModel model) {
    Objects.requireNonNull(model, "model");
    return named("queue", (c, i) -> {
      EndpointState s = c.state(i);
      return model.metricsFresh(s, c.nanoTime()) ? queueTerm(s.queueDepth()) : 1;
    });
  }

  /**
   * KV-cache use on the model server (scraped {@code vllm:gpu_cache_usage_perc} and its kin),
   * {@code 0} to {@code 1}; stale or missing metrics score {@code 1}.
   */
  public static EndpointScorer kvCacheUsage() {
    return kvCacheUsage(LatencyModel.ofDefaults());
  }

  /** {@link #kvCacheUsage()} with the metrics freshness of {@code model}. */
  public static EndpointScorer kvCacheUsage(LatencyModel model) {
    Objects.requireNonNull(model, "model");
    return named("kv-cache", (c, i) -> {
      EndpointState s = c.state(i);
      return model.metricsFresh(s, c.nanoTime()) ? kvCacheTerm(s.kvCacheUsage()) : 1;
    });
  }

  /** Predicted latency ({@link LatencyModel#predictLatencyNanos}) over 100 ms: {@code t / (t + 100 ms)}. */
  public static EndpointScorer latency() {
    return latency(LatencyModel.ofDefaults());
  }

  /** {@link #latency()} with the given latency model. */
  public static EndpointScorer latency(LatencyModel model) {
    Objects.requireNonNull(model, "model");
    return named("latency", (c, i) -> {
      double t = model.predictLatencyNanos(c.endpoint(i), c.state(i), c.nanoTime());
      return t / (t + DEFAULT_LATENCY_SCALE_NANOS);
    });
  }

  /**
   * The request's cost on the candidate ({@link LatencyModel#requestCost}) over a reference cost,
   * {@code cost / (cost + referenceCost)}: pass the cost of a typical request in your unit of money.
   */
  public static EndpointScorer cost(double referenceCost) {
    if (!(referenceCost > 0) || Double.isInfinite(referenceCost)) {
      throw new IllegalArgumentException("referenceCost: " + referenceCost + " (expected: a finite number > 0)");
    }
    return named("cost", (c, i) -> {
      double cost = LatencyModel.requestCost(c.request(), c.model(), c.endpoint(i));
      return cost / (cost + referenceCost);
    });
  }

  /**
   * LoRA adapter affinity: {@code 0} when the candidate holds the request's adapter (configured,
   * or loaded as scraped from {@code vllm:lora_requests_info}), {@code 0.5} when it has a free
   * adapter slot, {@code 1} otherwise; {@code 0} for requests without an adapter.
   */
  public static EndpointScorer adapterAffinity() {
    return named("adapter", (c, i) -> {
      String adapter = c.request().adapter();
      if (adapter == null) {
        return 0;
      }
      return adapterTier(c.endpoint(i), c.state(i), adapter) * 0.5;
    });
  }

  /**
   * The part of the prompt the candidate would have to prefill, by its prefix cache ({@code index}):
   * with {@code m} of the request's {@code n} blocks not held there, {@code m / (m + 16)}
   * ({@link #DEFAULT_PREFIX_SCALE_BLOCKS}), so the longer the uncached part the worse, and a
   * request without a block chain scores {@code 0} everywhere. Partial matches count: a multi-turn
   * conversation scores best where its previous turn went.
   */
  public static EndpointScorer prefixCache(PrefixCacheIndex index) {
    Objects.requireNonNull(index, "index");
    return named("prefix", (c, i) -> prefixTerm(c.request().prefixBlockCount() - index.matchedBlocks(c, i)));
  }

  /**
   * Sequences running on the model server (scraped {@code vllm:num_requests_running} and its kin):
   * {@code r / (r + 32)} ({@link #DEFAULT_RUNNING_SCALE}); stale or missing metrics score {@code 1}.
   */
  public static EndpointScorer runningSequences() {
    return runningSequences(LatencyModel.ofDefaults());
  }

  /** {@link #runningSequences()} with the metrics freshness of {@code model}. */
  public static EndpointScorer runningSequences(LatencyModel model) {
    Objects.requireNonNull(model, "model");
    return named("running", (c, i) -> {
      EndpointState s = c.state(i);
      return model.metricsFresh(s, c.nanoTime()) ? runningTerm(s.running()) : 1;
    });
  }

  static double inFlightTerm(double inFlight) {
    return inFlight / (inFlight + DEFAULT_IN_FLIGHT_SCALE);
  }

  /** {@code q / (q + 4)}, 1 when unknown (negative). */
  static double queueTerm(double queueDepth) {
    return queueDepth < 0 ? 1 : queueDepth / (queueDepth + DEFAULT_QUEUE_SCALE);
  }

  /** {@code r / (r + 32)}, 1 when unknown (negative). */
  static double runningTerm(int running) {
    return running < 0 ? 1 : running / (running + (double) DEFAULT_RUNNING_SCALE);
  }

  /** The KV-cache use capped at 1, 1 when unknown (NaN). */
  static double kvCacheTerm(double kv) {
    return kv >= 0 ? Math.min(kv, 1) : 1;
  }

  /** {@code b / (b + 128)} for a backlog of {@code b} blocks to prefill. */
  static double backlogTerm(double backlogBlocks) {
    return backlogBlocks / (backlogBlocks + DEFAULT_BACKLOG_SCALE_BLOCKS);
  }

  /** {@code m / (m + 16)} for {@code m} blocks to prefill. */
  static double prefixTerm(double missingBlocks) {
    return missingBlocks / (missingBlocks + DEFAULT_PREFIX_SCALE_BLOCKS);
  }

  /** 0 when the endpoint holds the adapter, 1 when it has a free slot, 2 otherwise. */
  static int adapterTier(Endpoint endpoint, EndpointState state, String adapter) {
    if (endpoint.adapters().contains(adapter) || state.loadedAdapters().contains(adapter)) {
      return 0;
    }
    int max = endpoint.maxAdapters();
    return max > 0 && state.loadedAdapters().size() < max ? 1 : 2;
  }

  private static EndpointScorer named(String name, EndpointScorer scorer) {
    return new EndpointScorer() {
      @Override
      public double score(Candidates candidates, int index) {
        return scorer.score(candidates, index);
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
