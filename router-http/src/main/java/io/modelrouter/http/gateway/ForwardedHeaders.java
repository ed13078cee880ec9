package io.modelrouter.http.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The proxy fields the gateway sends upstream about its client, following RFC 7239 and the {@code
 * X-Forwarded-For} convention: the gateway appends the address it got the request from. What a
 * client says about itself ({@code Forwarded}, {@code X-Forwarded-*}, {@code X-Real-IP}) is kept
 * only when the connection comes from a trusted proxy (a load balancer in front of the gateway);
 * from anyone else it is dropped and the fields start afresh at the peer's address, so a client
 * cannot pass itself off as another address to the endpoints' logs and rate limits.
 *
 * <p>By default no proxy is trusted. Immutable and thread-safe.
 */
public final class ForwardedHeaders {

  /** The fields a client could forge: replaced unless the peer is trusted. */
  static final Set<String> PROXY_FIELDS = Set.of(
      "forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port");

  private static final ForwardedHeaders NONE = new ForwardedHeaders(List.of());

  /** Each trusted range as {network bytes, prefix length}. */
  private final List<Object[]> trusted;

  private ForwardedHeaders(List<Object[]> trusted) {
    this.trusted = trusted;
  }

  /** Trusts no proxy: every client-supplied proxy field is dropped (the default). */
  public static ForwardedHeaders trustingNone() {
    return NONE;
  }

  /**
   * Trusts the proxies at these addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code 127.0.0.1},
   * {@code fd00::/8}): their proxy fields are kept and appended to.
   *
   * @throws IllegalArgumentException when an entry is not an IP literal or CIDR range
   */
  public static ForwardedHeaders trusting(List<String> proxies) {
    List<Object[]> ranges = new ArrayList<>(proxies.size());
    for (String p : proxies) {
      ranges.add(parseRange(Objects.requireNonNull(p, "proxy")));
    }
    return new ForwardedHeaders(List.copyOf(ranges));
  }

  private static Object[] parseRange(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String host = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes = literal(host);
    if (bytes == null) {
      throw new IllegalArgumentException("trusted proxy: '" + text + "' (expected: an IP address or CIDR range such as 10.0.0.0/8)");
    }
    int bits = bytes.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > bytes.length * 8) {
        throw new IllegalArgumentException("trusted proxy: '" + text + "' (expected: a prefix length 0.." + bytes.length * 8 + ")");
      }
    }
    return new Object[] {bytes, bits};
  }

  /** The bytes of an IP literal (never a DNS look-up), or null. */
  private static byte @Nullable [] literal(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean ipv4 = !h.isEmpty() && h.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9') && h.chars().filter(c -> c == '.').count() == 3;
    boolean ipv6 = h.indexOf(':') >= 0 && h.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    if (!ipv4 && !ipv6) {
      return null;
    }
    try {
      return InetAddress.getByName(h).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Whether the connection's peer is a trusted proxy. */
  boolean trusts(@Nullable String peer) {
    if (peer == null || trusted.isEmpty()) {
      return false;
    }
    byte[] a = literal(peer);
    if (a == null) {
      return false;
    }
    for (Object[] range : trusted) {
      if (matches(a, (byte[]) range[0], (int) range[1])) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(byte[] address, byte[] network, int bits) {
    if (address.length != network.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  /**
   * Passes the client's header fields to forward to {@code out}, the proxy fields rewritten: kept
   * and appended to for a trusted peer, dropped and started afresh otherwise.
   *
   * @param peer the address the connection comes from; null when the server binding does not know
   *     it (the client's proxy fields are then dropped and none is added)
   */
  void forward(GatewayRequest request, @Nullable String peer, BiConsumer<String, String> out) {
    boolean trustedPeer = trusts(peer);
    List<String> xff = new ArrayList<>(1);
    List<String> forwarded = new ArrayList<>(1);
    String[] realIp = {null};
    request.forEachHeader((name, value) -> {
      String n = name.toLowerCase(Locale.ROOT);
      if (!PROXY_FIELDS.contains(n)) {
        out.accept(name, value);
      } else if (trustedPeer) {
        switch (n) {
          case "x-forwarded-for":
            xff.add(value);
            break;
          case "forwarded":
            forwarded.add(value);
            break;
          case "x-real-ip":
            if (realIp[0] == null) {
              realIp[0] = value;
            }
            break;
          default:
            out.accept(name, value);
        }
      }
    });
    if (peer == null) {
      return;
    }
    String bare = peer.startsWith("[") && peer.endsWith("]") ? peer.substring(1, peer.length() - 1) : peer;
    xff.add(bare);
    forwarded.add("for=" + forwardedNode(bare));
    out.accept("x-forwarded-for", String.join(", ", xff));
    out.accept("forwarded", String.join(", ", forwarded));
    out.accept("x-real-ip", realIp[0] != null ? realIp[0] : bare);
  }

  /** An RFC 7239 node: an IPv6 address quoted in brackets. */
  private static String forwardedNode(String address) {
    if (address.indexOf(':') < 0) {
      return address;
    }
    return "\"[" + address + "]\"";
  }
}
