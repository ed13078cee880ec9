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
    long budgetNanos) {

  /** A request of a plain (non-LLM) workload. */
  static SimRequest plain(int id, long arrivalNanos, double z, double u, long budgetNanos) {
    return new SimRequest(id, arrivalNanos, z, u, 0, 0, -1, 0, budgetNanos);
  }

  boolean hasPrefix() {
    return prefixGroup >= 0;
  }
}
