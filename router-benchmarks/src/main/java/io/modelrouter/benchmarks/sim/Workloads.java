package io.modelrouter.benchmarks.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded request streams: Poisson arrivals with the draws each request carries. */
final class Workloads {

  private Workloads() {}

  /** Poisson arrivals at {@code ratePerSecond} for {@code seconds}, no budget. */
  static List<SimRequest> poisson(double ratePerSecond, double seconds, long seed) {
    return withBudgets(ratePerSecond, seconds, seed, new long[] {0}, new double[] {1});
  }

  /**
   * Poisson arrivals whose latency budgets are drawn from {@code budgetsNanos} with the given
   * weights (0 means no budget).
   */
  static List<SimRequest> withBudgets(
      double ratePerSecond, double seconds, long seed, long[] budgetsNanos, double[] weights) {
    return arrivals(ratePerSecond, seconds, seed, (id, t, random) -> {
      long budget = budgetsNanos[pick(random.nextDouble(), weights)];
      return SimRequest.plain(id, t, gaussian(random), random.nextDouble(), budget);
    });
  }

  /**
   * An LLM chat workload with shared system prompts: each request belongs to one of
   * {@code groups} prefix groups (uniformly), starts with that group's {@code prefixTokens}-token
   * system prompt followed by its own {@code questionTokens}, and answers with an exponentially
   * distributed number of tokens of mean {@code meanOutputTokens} (at least 16, at most 4x the
   * mean).
   */
  static List<SimRequest> sharedPrefix(
      double ratePerSecond, double seconds, long seed, int groups, int prefixTokens, int questionTokens,
      int meanOutputTokens) {
    return arrivals(ratePerSecond, seconds, seed, (id, t, random) -> {
      int group = random.nextInt(groups);
      int output = (int) Math.min(4L * meanOutputTokens, Math.max(16, Math.round(exponential(random, meanOutputTokens))));
      return new SimRequest(id, t, gaussian(random), random.nextDouble(),
          prefixTokens + questionTokens, output, group, prefixTokens, 0);
    });
  }

  /**
   * Multi-turn chat sessions: sessions start as Poisson arrivals at {@code sessionsPerSecond} for
   * {@code seconds}; each uses one of {@code groups} system prompts of {@code prefixTokens} tokens
   * (group 0, the hot prefix, for a share {@code hotShare} of the sessions, the others uniformly),
   * and has 1 to {@code maxTurns} turns (uniformly). Each turn repeats the whole conversation so
   * far after the system prompt, adds an exponentially distributed number of new tokens (mean
   * {@code meanUserTokens}, at least 16) and answers with an exponential number of tokens (mean
   * {@code meanOutputTokens}, 16 to 4x the mean); the next turn comes an exponential think time of
   * mean {@code meanThinkSeconds} after the previous turn's answer, which it repeats. A later turn's
   * {@link SimRequest#arrivalNanos()} is the previous turn's plus the think time: the earliest it can
   * come; {@link Experiment} sends it the think time after the answer ({@link TurnPacing}). Turns
   * arriving after {@code seconds} are dropped. Ids are the order of these arrival times.
   */
  static List<SimRequest> sessions(
      double sessionsPerSecond, double seconds, long seed, int groups, double hotShare, int prefixTokens,
      int maxTurns, int meanUserTokens, int meanOutputTokens, double meanThinkSeconds) {
    SplittableRandom random = new SplittableRandom(seed);
    List<SimRequest> turns = new ArrayList<>();
    long end = Units.seconds(seconds);
    double meanGapNanos = 1e9 / sessionsPerSecond;
    long start = 0;
    for (int session = 0; ; session++) {
      start += Math.max(1, Math.round(exponential(random, meanGapNanos)));
      if (start >= end) {
        break;
      }
      int group = random.nextDouble() < hotShare ? 0 : 1 + random.nextInt(groups - 1);
      int count = 1 + random.nextInt(maxTurns);
      long t = start;
      int history = 0;
      for (int turn = 0; turn < count && t < end; turn++) {
        int user = (int) Math.max(16, Math.round(exponential(random, meanUserTokens)));
        int output = (int) Math.min(4L * meanOutputTokens, Math.max(16, Math.round(exponential(random, meanOutputTokens))));
        turns.add(new SimRequest(0, t, gaussian(random), random.nextDouble(), prefixTokens + history + user, output,
            group, prefixTokens, 0, session, history));
        history += user + output;
        t += Math.max(1, Math.round(exponential(random, meanThinkSeconds * 1e9)));
      }
    }
    turns.sort(java.util.Comparator.comparingLong(SimRequest::arrivalNanos));
    List<SimRequest> list = new ArrayList<>(turns.size());
    for (SimRequest r : turns) {
      list.add(new SimRequest(list.size(), r.arrivalNanos(), r.z(), r.u(), r.promptTokens(), r.outputTokens(),
          r.prefixGroup(), r.prefixTokens(), 0, r.session(), r.historyTokens()));
    }
    return list;
  }

  /** Draws one request of the stream: its id, its arrival time, and the stream's random source for the rest. */
  private interface Draw {
    SimRequest next(int id, long arrivalNanos, SplittableRandom random);
  }

  /** Poisson arrivals at {@code ratePerSecond} for {@code seconds}, each request drawn by {@code draw} after its gap. */
  private static List<SimRequest> arrivals(double ratePerSecond, double seconds, long seed, Draw draw) {
    SplittableRandom random = new SplittableRandom(seed);
    List<SimRequest> list = new ArrayList<>();
    long end = Units.seconds(seconds);
    double meanGapNanos = 1e9 / ratePerSecond;
    long t = 0;
    while (true) {
      t += Math.max(1, Math.round(exponential(random, meanGapNanos)));
      if (t >= end) {
        return list;
      }
      list.add(draw.next(list.size(), t, random));
    }
  }

  private static double exponential(SplittableRandom random, double mean) {
    return -Math.log(1 - random.nextDouble()) * mean;
  }

  private static int pick(double u, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = u * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller, so the stream does not depend on the JDK's gaussian algorithm.
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
