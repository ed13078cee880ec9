package io.modelrouter.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Header hygiene between client, gateway and endpoint (RFC 9110 section 7.6.1 hop-by-hop fields). */
final class HeaderRules {

  /** Hop-by-hop fields: they describe one connection, never the message. */
  static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
      "trailer", "trailers", "transfer-encoding", "upgrade");

  /** Request fields the HTTP client sets itself for the hop to the endpoint. */
  static final Set<String> SET_PER_HOP = Set.of("host", "content-length", "expect", "accept-encoding");

  /**
   * The client's credentials for the gateway, and the API-key fields of other vendors' APIs (Google,
   * Azure, AWS...) that a client may send by mistake: not for the endpoints unless configured.
   */
  static final Set<String> CREDENTIALS = Set.of("authorization", "cookie", "x-api-key", "api-key",
      "x-goog-api-key", "x-goog-iam-authorization-token", "ocp-apim-subscription-key", "x-functions-key",
      "x-amz-security-token", "x-auth-token", "x-access-token");

  private HeaderRules() {}

  /**
   * The client's headers to forward: hop-by-hop, connection-named and (unless allowed) credential
   * fields dropped; the request id and {@code accept-encoding: identity} added.
   *
   * @param client lower-case names and values, alternating
   * @return lower-case names and values, alternating
   */
  static String[] outgoing(String[] client, boolean forwardCredentials, String requestId) {
    Set<String> named = Set.of();
    for (int i = 0; i < client.length; i += 2) {
      if (client[i].equals("connection")) {
        named = connectionTokens(List.of(client[i + 1]), named);
      }
    }
    String[] out = new String[client.length + 4];
    int n = 0;
    for (int i = 0; i < client.length; i += 2) {
      String name = client[i];
      if (HOP_BY_HOP.contains(name) || SET_PER_HOP.contains(name) || named.contains(name)
          || name.equals(RoutingClient.REQUEST_ID_HEADER)
          || (!forwardCredentials && CREDENTIALS.contains(name))) {
        continue;
      }
      out[n++] = name;
      out[n++] = client[i + 1];
    }
    // Both were skipped above, so add (set would scan every header once more).
    out[n++] = RoutingClient.REQUEST_ID_HEADER;
    out[n++] = requestId;
    // Streams and usage pass through as sent: no compression on the hop to the endpoint.
    out[n++] = "accept-encoding";
    out[n++] = "identity";
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /**
   * The forwarded fields with an endpoint's own ones set over them.
   *
   * @throws IllegalArgumentException when a name is not an HTTP token or a value holds a line break
   */
  static String[] withEndpointHeaders(String[] forwarded, Map<String, String> extra) {
    List<String> out = new ArrayList<>(forwarded.length + 2 * extra.size());
    for (int i = 0; i < forwarded.length; i += 2) {
      if (!containsIgnoreCase(extra, forwarded[i])) {
        out.add(forwarded[i]);
        out.add(forwarded[i + 1]);
      }
    }
    extra.forEach((name, value) -> {
      checkField("upstream header", name, value);
      out.add(name.toLowerCase(Locale.ROOT));
      out.add(value);
    });
    return out.toArray(new String[0]);
  }

  private static boolean containsIgnoreCase(Map<String, String> m, String name) {
    for (String k : m.keySet()) {
      if (k.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks one header field before it is sent anywhere: the name an HTTP token (RFC 9110 section
   * 5.1), the value free of control characters other than horizontal tab (section 5.5), so that no
   * value can end its line and start another header, whatever the transport does with it.
   * Non-ASCII text (obs-text) passes.
   *
   * @throws IllegalArgumentException naming the field when either is malformed
   */
  static void checkField(String what, String name, String value) {
    if (!isToken(name)) {
      throw new IllegalArgumentException(what + " name: '" + printable(name) + "' (expected: an HTTP token)");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        throw new IllegalArgumentException(what + " " + name
            + ": the value holds a line break or control character (0x" + Integer.toHexString(c)
            + "; expected: no CR, LF, NUL or other control but tab)");
      }
    }
  }

  private static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The name with control characters escaped, for an error message. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** RFC 9110 tchar. */
  private static boolean isTokenChar(int c) {
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }

  /**
   * Passes the endpoint's response headers meant for the client to {@code action}, names in
   * lower case, hop-by-hop fields dropped.
   */
  static void incoming(Transport.Response upstream, BiConsumer<String, String> action) {
    Set<String> named = connectionTokens(upstream);
    upstream.forEachHeader((n, value) -> {
      String name = n.toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !named.contains(name)) {
        action.accept(name, value);
      }
    });
  }

  /** The first value of a response header (lower-case name) for the client, or null when absent or hop-by-hop. */
  static @Nullable String incomingValue(Transport.Response upstream, String name) {
    if (HOP_BY_HOP.contains(name) || connectionTokens(upstream).contains(name)) {
      return null;
    }
    return upstream.header(name);
  }

  /** The field names the response's Connection fields list. */
  private static Set<String> connectionTokens(Transport.Response upstream) {
    String connection = upstream.header("connection");
    if (connection == null) {
      return Set.of();
    }
    List<String> values = new ArrayList<>(1);
    upstream.forEachHeader((name, value) -> {
      if (name.equalsIgnoreCase("connection")) {
        values.add(value);
      }
    });
    return connectionTokens(values, Set.of());
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
    return io.modelrouter.http.internal.RequestIds.keepOrCreate(fromClient);
  }
}
