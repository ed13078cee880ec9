package io.modelrouter.simulator;

import com.sun.net.httpserver.Headers;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * What the inference requests carried, for tests to check what a router forwarded: the last
 * request's headers, and the W3C {@code traceparent} of the last {@value #TRACEPARENTS_KEPT} in
 * arrival order (observability tests); bounded, so a long traced load run does not grow the heap.
 */
final class RequestLog {

  private volatile Map<String, List<String>> lastHeaders = Map.of();
  static final int TRACEPARENTS_KEPT = 1024;

  private final BlockingQueue<String> traceparents = new ArrayBlockingQueue<>(TRACEPARENTS_KEPT);

  void record(Headers headers) {
    Map<String, List<String>> seen = new TreeMap<>();
    headers.forEach((k, v) -> seen.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    lastHeaders = Collections.unmodifiableMap(seen);
    List<String> traceparent = seen.get("traceparent");
    if (traceparent != null && !traceparent.isEmpty()) {
      while (!traceparents.offer(traceparent.get(0))) {
        traceparents.poll();
      }
    }
  }

  /** The last request's headers by lower-case name; empty before any. */
  Map<String, List<String>> lastHeaders() {
    return lastHeaders;
  }

  /** Oldest first. */
  List<String> traceparents() {
    return List.copyOf(traceparents);
  }
}
