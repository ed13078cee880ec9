package io.modelrouter.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/** Header hygiene between client, gateway and endpoint (RFC 9110 section 7.6.1 hop-by-hop fields). */
final class HeaderRules {

  /** Hop-by-hop fields: they describe one connection, never the message. */
  static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
      "trailer", "trailers", "transfer-encoding", "upgrade");

  /** Request fields the HTTP client sets itself for the hop to the endpoint. */
  static final Set<String> SET_PER_HOP = Set.of("host", "content-length", "expect", "accept-encoding");

  /** The client's credentials for the gateway; not for the endpoints unless configured. */
  static final Set<String> CREDENTIALS = Set.of("authorization", "cookie", "x-api-key", "api-key");

  private HeaderRules() {}

  /**
   * The client's headers to forward: hop-by-hop, connection-named and (unless allowed) credential
   * fields dropped.
   *
   * @param client lower-case names and values, alternating
   */
  static Headers.Builder outgoing(String[] client, boolean forwardCredentials, String requestId) {
    Headers.Builder b = new Headers.Builder();
    Set<String> named = Set.of();
    for (int i = 0; i < client.length; i += 2) {
      if (client[i].equals("connection")) {
        named = connectionTokens(List.of(client[i + 1]), named);
      }
    }
    for (int i = 0; i < client.length; i += 2) {
      String name = client[i];
      if (HOP_BY_HOP.contains(name) || SET_PER_HOP.contains(name) || named.contains(name)
          || name.equals(RoutingClient.REQUEST_ID_HEADER)
          || (!forwardCredentials && CREDENTIALS.contains(name))) {
        continue;
      }
      b.addUnsafeNonAscii(name, client[i + 1]);
    }
    // Both were skipped above, so add (set would scan every header once more).
    b.add(RoutingClient.REQUEST_ID_HEADER, requestId);
    // Streams and usage pass through as sent: no compression on the hop to the endpoint.
    b.add("accept-encoding", "identity");
    return b;
  }

  /**
   * Passes the endpoint's response headers meant for the client to {@code action}, names in
   * lower case, hop-by-hop fields dropped.
   */
  static void incoming(Headers upstream, BiConsumer<String, String> action) {
    Set<String> named = connectionTokens(upstream.values("connection"), Set.of());
    for (int i = 0, n = upstream.size(); i < n; i++) {
      String name = upstream.name(i).toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !named.contains(name)) {
        action.accept(name, upstream.value(i));
      }
    }
  }

  /** The first value of a response header (lower-case name) for the client, or null when absent or hop-by-hop. */
  static @Nullable String incomingValue(Headers upstream, String name) {
    if (HOP_BY_HOP.contains(name) || connectionTokens(upstream.values("connection"), Set.of()).contains(name)) {
      return null;
    }
    return upstream.get(name);
  }

  /** An unmodifiable map by name, in first-seen order, of the name-value pairs {@code source} passes on. */
  static Map<String, List<String>> multimap(Consumer<BiConsumer<String, String>> source) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    source.accept((name, value) -> m.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value));
    m.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(m);
  }

  /** The field names listed in Connection header values, added to {@code known}. */
  private static Set<String> connectionTokens(List<String> values, Set<String> known) {
    if (values.isEmpty()) {
      return known;
    }
    java.util.HashSet<String> s = new java.util.HashSet<>(known);
    for (String v : values) {
      for (String t : v.split(",")) {
        String token = t.trim().toLowerCase(Locale.ROOT);
        if (!token.isEmpty()) {
          s.add(token);
        }
      }
    }
    return s;
  }

  /** The client's request id if it is sane (1 to 128 visible ASCII characters), else a new random one. */
  static String requestId(@Nullable String fromClient) {
    if (fromClient != null && !fromClient.isEmpty() && fromClient.length() <= 128) {
      boolean ok = true;
      for (int i = 0; i < fromClient.length() && ok; i++) {
        char c = fromClient.charAt(i);
        ok = c > 0x20 && c < 0x7f;
      }
      if (ok) {
        return fromClient;
      }
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] hex = new char[32];
    long a = r.nextLong();
    long b = r.nextLong();
    for (int i = 0; i < 16; i++) {
      hex[i] = Character.forDigit((int) ((a >>> (4 * i)) & 0xf), 16);
      hex[16 + i] = Character.forDigit((int) ((b >>> (4 * i)) & 0xf), 16);
    }
    return new String(hex);
  }
}
