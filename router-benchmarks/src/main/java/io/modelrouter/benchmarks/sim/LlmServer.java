package io.modelrouter.benchmarks.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An LLM server with continuous batching, a limited KV cache and an automatic prefix cache, in
 * the manner of vLLM.
 *
 * <p>Requests wait in a FIFO queue. Each engine step first admits waiting requests while a batch
 * slot is free and the KV cache has room (first come, first served: the head of the queue blocks
 * the rest). A request whose shared prefix is cached only prefills the rest of its prompt; a miss
 * prefills everything and leaves its prefix in the cache. The step lasts
 * {@code base + prefill tokens * per-token cost + running * per-sequence cost}, times the
 * slowdown; at its end every running sequence has one more token, admitted ones have their first
 * token (time to first token), and finished ones free their KV.
 *
 * <p>KV accounting: each running sequence holds its own tokens (prompt after the shared prefix,
 * plus output, reserved on admission); a cached prefix is held once, however many sequences
 * share it, and is pinned while any running sequence uses it. Unpinned prefixes stay cached in
 * otherwise free memory and are evicted least recently used first when room is needed. The KV
 * use the server reports counts private tokens and pinned prefixes, as vLLM counts blocks in use.
 *
 * <p>Multi-turn conversations: a finished turn leaves its conversation (everything after the shared
 * prefix, its answer included) in the cache, unpinned, as vLLM keeps a finished sequence's blocks.
 * The next turn, which repeats it, then prefills only its new tokens if both its shared prefix and
 * the conversation are still cached (a partial match when only an older turn is); while it runs,
 * the conversation's tokens are its own.
 */
final class LlmServer extends VirtualServer {

  private final LlmProfile profile;
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final List<Job> running = new ArrayList<>();
  private List<Job> admitting = List.of();
  /**
   * Cached prefixes by group and conversations by {@link #sessionKey}, in least-recently-used
   * order, with their size in tokens.
   */
  private final LinkedHashMap<Long, Integer> prefixCache = new LinkedHashMap<>(64, 0.75f, true);
  /** The conversations of {@link #prefixCache} by session, to look them up without touching the LRU order. */
  private final Map<Integer, Integer> sessions = new HashMap<>();
  /** Running sequences per cached prefix group. */
  private final Map<Integer, Integer> pins = new HashMap<>();
  private long privateTokens;
  private long cachedTokens;
  private long pinnedTokens;
  private boolean stepping;
  private long stepEpoch;

  LlmServer(String id, Simulation sim, LlmProfile profile) {
    super(id, sim);
    this.profile = profile;
  }

  /** Whether the prefix of this group is in the cache now. */
  boolean holdsPrefix(int group) {
    return prefixCache.containsKey((long) group);
  }

  /** How many tokens of the conversation after its shared prefix are in the cache now. */
  int heldSessionTokens(int session) {
    return sessions.getOrDefault(session, 0);
  }

  /** Tokens the prefix cache holds now: shared prefixes and conversations, pinned or not. */
  long cachedTokens() {
    return cachedTokens;
  }

  private static long sessionKey(int session) {
    return 1L << 32 | session;
  }

  /** Tokens of the request's conversation history found in the cache (its shared prefix must be too). */
  private int sessionHit(SimRequest r) {
    if (!r.inSession() || r.historyTokens() == 0 || !prefixCache.containsKey((long) r.prefixGroup())) {
      return 0;
    }
    return Math.min(sessions.getOrDefault(r.session(), 0), r.historyTokens());
  }

  @Override
  void accept(Job job) {
    if ((long) job.request.promptTokens() + job.request.outputTokens() > profile.kvCapacityTokens()) {
      sim.after(CONNECT_FAILURE_NANOS, () -> job.finish(400, sim.now())); // longer than the whole cache
      return;
    }
    queue.add(job);
    if (!stepping) {
      step();
    }
  }

  /** Tokens a sequence holds for itself: everything but a shared prefix. */
  private static long privatePart(SimRequest r) {
    return (long) r.promptTokens() - (r.hasPrefix() ? r.prefixTokens() : 0) + r.outputTokens();
  }

  private void step() {
    List<Job> admitted = new ArrayList<>();
    long prefill = 0;
    while (!queue.isEmpty() && running.size() + admitted.size() < profile.maxBatch()) {
      Job j = queue.peek();
      SimRequest r = j.request;
      long group = r.prefixGroup();
      boolean hit = r.hasPrefix() && prefixCache.containsKey(group);
      int history = sessionHit(r);
      if (hit) {
        prefixCache.get(group); // most recently used, so that making room does not evict it
      }
      // The conversation's cached tokens become this sequence's own while it runs.
      Integer held = r.inSession() ? sessions.remove(r.session()) : null;
      if (held != null) {
        prefixCache.remove(sessionKey(r.session()));
        cachedTokens -= held;
      }
      long need = privatePart(r) + (r.hasPrefix() && !hit ? r.prefixTokens() : 0);
      if (!makeRoom(need)) {
        if (held != null) {
          cacheSession(r.session(), held);
        }
        break;
      }
      queue.poll();
      privateTokens += privatePart(r);
      if (r.hasPrefix()) {
        if (!hit) {
          prefixCache.put(group, r.prefixTokens());
          cachedTokens += r.prefixTokens();
        }
        pin(r);
      }
      j.prefixHit = hit;
      j.cachedTokens = (hit ? r.prefixTokens() : 0) + history;
      prefill += r.promptTokens() - j.cachedTokens;
      admitted.add(j);
    }
    if (admitted.isEmpty() && running.isEmpty()) {
      stepping = false;
      return;
    }
    stepping = true;
    admitting = admitted;
    double work = profile.stepBaseNanos()
        + (double) prefill * profile.prefillPerTokenNanos()
        + (double) running.size() * profile.decodePerSeqNanos();
    long epoch = stepEpoch;
    sim.after(Math.max(1, Math.round(work * slowdown())), () -> endStep(admitted, epoch));
  }

  /** Evicts unpinned prefixes, least recently used first, until {@code need} tokens fit. */
  private boolean makeRoom(long need) {
    long capacity = profile.kvCapacityTokens();
    if (privateTokens + pinnedTokens + need > capacity) {
      return false;
    }
    Iterator<Map.Entry<Long, Integer>> it = prefixCache.entrySet().iterator();
    while (privateTokens + cachedTokens + need > capacity && it.hasNext()) {
      Map.Entry<Long, Integer> e = it.next();
      long key = e.getKey();
      if (key > Integer.MAX_VALUE) {
        sessions.remove((int) key);
      }
      if (key > Integer.MAX_VALUE || !pins.containsKey((int) key)) {
        cachedTokens -= e.getValue();
        it.remove();
      }
    }
    return true;
  }

  private void cacheSession(int session, int tokens) {
    // Two turns of one conversation may run at once (a client that does not wait for the answer):
    // the conversation is then cached already, and the longer of the two holds the shorter.
    Integer old = sessions.get(session);
    int kept = old == null ? tokens : Math.max(old, tokens);
    prefixCache.put(sessionKey(session), kept);
    sessions.put(session, kept);
    cachedTokens += kept - (old == null ? 0 : old);
  }

  private void pin(SimRequest r) {
    if (pins.merge(r.prefixGroup(), 1, Integer::sum) == 1) {
      pinnedTokens += r.prefixTokens();
    }
  }

  private void release(Job j) {
    SimRequest r = j.request;
    privateTokens -= privatePart(r);
    if (r.inSession() && makeRoom(r.sessionTokensAfter())) {
      // vLLM keeps a finished sequence's blocks cached: the next turn starts with them.
      cacheSession(r.session(), r.sessionTokensAfter());
    }
    if (r.hasPrefix() && pins.merge(r.prefixGroup(), -1, Integer::sum) == 0) {
      pins.remove(r.prefixGroup());
      pinnedTokens -= r.prefixTokens();
    }
  }

  private void endStep(List<Job> admitted, long epoch) {
    if (epoch != stepEpoch) {
      return; // the server died during this step
    }
    long now = sim.now();
    for (Iterator<Job> it = running.iterator(); it.hasNext(); ) {
      Job j = it.next();
      if (++j.tokensDone >= j.request.outputTokens()) {
        it.remove();
        release(j);
        j.finish(200, now);
      }
    }
    for (Job j : admitted) {
      j.firstTokenNanos = now;
      j.tokensDone = 1;
      if (j.tokensDone >= j.request.outputTokens()) {
        release(j);
        j.finish(200, now);
      } else {
        running.add(j);
      }
    }
    admitting = List.of();
    step();
  }

  @Override
  void killAll() {
    List<Job> dead = new ArrayList<>(running);
    dead.addAll(admitting);
    dead.addAll(queue);
    running.clear();
    admitting = List.of();
    queue.clear();
    prefixCache.clear();
    sessions.clear();
    pins.clear();
    privateTokens = 0;
    cachedTokens = 0;
    pinnedTokens = 0;
    stepping = false;
    stepEpoch++;
    for (Job j : dead) {
      j.finish(Job.NO_ANSWER, sim.now());
    }
  }

  @Override
  int waiting() {
    return queue.size();
  }

  @Override
  int running() {
    return running.size() + admitting.size();
  }

  @Override
  double kvUsage() {
    return (double) (privateTokens + pinnedTokens) / profile.kvCapacityTokens();
  }

  @Override
  boolean exposesMetrics() {
    return true;
  }

  /**
   * Least remaining work with perfect knowledge: the prefill of everything queued ahead (with this
   * server's cache as it is now), the wait for a batch slot when the batch is full (the earliest a
   * running sequence ends, plus a share of the queue's decode), then this request's own prefill
   * and decode at the current batch size.
   */
  @Override
  long predictedFinishNanos(SimRequest request) {
    if (wouldFail(request)) {
      return Long.MAX_VALUE;
    }
    int batch = running();
    double stepNanos = (profile.stepBaseNanos() + (double) batch * profile.decodePerSeqNanos()) * slowdown();
    double prefillAhead = 0;
    double decodeAhead = 0;
    for (Job j : queue) {
      prefillAhead += uncached(j.request);
      decodeAhead += j.request.outputTokens();
    }
    double wait = prefillAhead * profile.prefillPerTokenNanos() * slowdown();
    if (batch + queue.size() >= profile.maxBatch()) {
      int fewest = Integer.MAX_VALUE;
      for (Job j : running) {
        fewest = Math.min(fewest, j.request.outputTokens() - j.tokensDone);
      }
      wait += (fewest == Integer.MAX_VALUE ? 0 : fewest) * stepNanos + decodeAhead / profile.maxBatch() * stepNanos;
    }
    double own = uncached(request) * profile.prefillPerTokenNanos() * slowdown() + request.outputTokens() * stepNanos;
    return sim.now() + Math.round(wait + own);
  }

  private long uncached(SimRequest r) {
    boolean hit = r.hasPrefix() && prefixCache.containsKey((long) r.prefixGroup());
    return r.promptTokens() - (hit ? r.prefixTokens() : 0) - sessionHit(r);
  }
}
