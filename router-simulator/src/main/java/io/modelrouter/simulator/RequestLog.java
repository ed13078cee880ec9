package io.modelrouter.simulator;

import com.sun.net.httpserver.Headers;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the inference requests carried, for tests to check what a router forwarded: the last
 * request's headers, and every W3C {@code traceparent} in arrival order (observability tests).
 */
final class RequestLog {

  private volatile Map<String, List<String>> lastHeaders = Map.of();
  private final Queue<String> traceparents = new ConcurrentLinkedQueue<>();

  void record(Headers headers) {
    Map<String, List<String>> seen = new TreeMap<>();
    headers.forEach((k, v) -> seen.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    lastHeaders = Collections.unmodifiableMap(seen);
    List<String> traceparent = seen.get("traceparent");
    if (traceparent != null && !traceparent.isEmpty()) {
      traceparents.add(traceparent.get(0));
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
