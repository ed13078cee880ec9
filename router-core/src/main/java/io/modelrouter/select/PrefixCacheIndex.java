package io.modelrouter.select;

/**
 * Where a request's prompt prefix is cached: for each candidate, how many leading blocks of the
 * request's block-hash chain ({@link io.modelrouter.RouteRequest#prefixBlockCount()}) its model
 * server holds in its prefix cache. The prefix term of {@link Strategies#llmCombined()} and
 * {@link Scorers#prefixCache(PrefixCacheIndex)} reads it.
 *
 * <p>The built-in {@link #estimated()} index does not ask the servers: it remembers which blocks
 * this router sent where. A precise source, such as a consumer of vLLM's KV-cache events that keeps
 * each server's stored blocks under the router's block hashes, implements {@link #matchedBlocks}
 * from what the servers report and ignores {@link #chosen}, and answers {@link #longestHolder} and
 * {@link #firstBlockHolder} from a block-to-server map; nothing else changes.
 *
 * <p>Called on the selection path: thread-safe, no allocation, no lock.
 */
public interface PrefixCacheIndex {

  /**
   * Blocks per endpoint the {@link #estimated()} index remembers: 4,096, which is 262,144 tokens at
   * 64 tokens a block, about the KV cache of an 80 GB GPU serving an 8B model; 32 KiB per endpoint.
   */
  int DEFAULT_CAPACITY_BLOCKS = 4096;

  /**
   * How many leading blocks of the request's chain the candidate at {@code index} probably holds,
   * from {@code 0} to {@code request().prefixBlockCount()}.
   */
  int matchedBlocks(Candidates candidates, int index);

  /**
   * Tells the index that the request goes to the candidate at {@code index}, which will hold its
   * blocks once it has run it. Called once per pick, on the selection path. Nothing by default.
   */
  default void chosen(Candidates candidates, int index) {}

  /**
   * The candidate most likely to hold the longest leading run of the request's chain, or {@link
   * SelectionStrategy#NONE} when none is known; asked instead of every candidate's {@link
   * #matchedBlocks} when the pool is too large to score in full, so it must not scan the
   * candidates. {@code NONE} by default, which leaves a large pool's pick to its random sample.
   */
  default int longestHolder(Candidates candidates) {
    return SelectionStrategy.NONE;
  }

  /**
   * The candidate that most recently received the request's first block (its shared system prompt,
   * say), or {@link SelectionStrategy#NONE} when none is known; a second prefix holder for large
   * pools, which spreads a hot prefix once its longest holder is over the load bound. Must not
   * scan the candidates; {@code NONE} by default.
   */
  default int firstBlockHolder(Candidates candidates) {
    return SelectionStrategy.NONE;
  }

  /** A short name for explanations. */
  default String name() {
    return getClass().getSimpleName();
  }

  /** {@link #estimated(int)} with {@link #DEFAULT_CAPACITY_BLOCKS}. */
  static PrefixCacheIndex estimated() {
    return EstimatedPrefixCache.DEFAULT;
  }

  /**
   * The estimate from this router's own decisions: each endpoint remembers the block hashes of the
   * requests sent to it, up to {@code capacityBlocks} (least recently used out, see {@link
   * io.modelrouter.health.PrefixBlockCache}), and a candidate's match is the longest run of leading
   * blocks it remembers. Size {@code capacityBlocks} to the servers' prefix cache, in blocks: a
   * larger table believes in blocks the server has already evicted. The tables live in the
   * endpoints' {@link io.modelrouter.health.EndpointState}, so every strategy of a router shares
   * them and they survive registry updates; the first index to touch an endpoint sets its size.
   * An endpoint's table is emptied when it fails its health checks (a restarted server has an
   * empty cache). For large pools the index also keeps one global table of which endpoint last
   * received each block (131,072 blocks, 1 MiB per index), which answers {@link #longestHolder}
   * and {@link #firstBlockHolder} in {@code O(log blocks)}.
   */
  static PrefixCacheIndex estimated(int capacityBlocks) {
    if (capacityBlocks < 1 || capacityBlocks > 1 << 28) {
      throw new IllegalArgumentException("capacityBlocks: " + capacityBlocks + " (expected: 1 to 2^28)");
    }
    return new EstimatedPrefixCache(capacityBlocks);
  }
}
