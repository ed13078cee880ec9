package io.modelrouter.benchmarks.sim;

/**
 * One client request of a workload, drawn once per scenario so that every policy sees the very
 * same requests (common random numbers): arrival time, a standard-normal draw that fixes its
 * service time on any endpoint, a uniform draw that decides whether a failing endpoint fails it,
 * and for LLM requests the tokens and the shared prefix.
 *
 * @param id sequence number in the workload
 * @param arrivalNanos when the client sends it
 * @param z standard-normal draw; service time is {@code median * exp(sigma * z)}
 * @param u uniform draw in [0, 1); a request fails on an endpoint failing a share {@code > u}
 * @param promptTokens prompt length, shared prefix included (0 outside LLM mode)
 * @param outputTokens tokens the answer will have (0 outside LLM mode)
 * @param prefixGroup the shared system prompt it starts with, or -1
 * @param prefixTokens the length of that shared prefix
 * @param budgetNanos end-to-end latency budget, 0 for none
 * @param session the multi-turn conversation it is a turn of, or -1
 * @param historyTokens the earlier turns' prompt and answer tokens it repeats after the shared
 *     prefix (0 for a first turn or outside a conversation)
 */
record SimRequest(
    int id,
    long arrivalNanos,
    double z,
    double u,
    int promptTokens,
    int outputTokens,
    int prefixGroup,
    int prefixTokens,
    long budgetNanos,
    int session,
    int historyTokens) {

  /** A request outside any conversation. */
  SimRequest(int id, long arrivalNanos, double z, double u, int promptTokens, int outputTokens, int prefixGroup,
      int prefixTokens, long budgetNanos) {
    this(id, arrivalNanos, z, u, promptTokens, outputTokens, prefixGroup, prefixTokens, budgetNanos, -1, 0);
  }

  /** A request of a plain (non-LLM) workload. */
  static SimRequest plain(int id, long arrivalNanos, double z, double u, long budgetNanos) {
    return new SimRequest(id, arrivalNanos, z, u, 0, 0, -1, 0, budgetNanos);
  }

  boolean hasPrefix() {
    return prefixGroup >= 0;
  }

  /** Whether it is a turn of a conversation (always after a shared prefix). */
  boolean inSession() {
    return session >= 0 && prefixGroup >= 0;
  }

  /**
   * The conversation as the next turn will repeat it: everything after the shared prefix, this
   * turn's answer included.
   */
  int sessionTokensAfter() {
    return promptTokens - prefixTokens + outputTokens;
  }
}
