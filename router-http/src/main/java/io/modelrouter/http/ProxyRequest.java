package io.modelrouter.http;

import io.modelrouter.RouteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One inference request as the gateway received it (method, path with query, headers, body) and
 * what the router needs to know about it ({@link RouteRequest}). The {@link RoutingClient} routes
 * the {@code RouteRequest} and forwards the rest.
 *
 * <p>Immutable; the body array is not copied, so do not change it after building.
 */
public final class ProxyRequest {

  private static final byte[] EMPTY = new byte[0];

  private final String method;
  private final String path;
  /** Lower-case names and values, alternating, in the order added. */
  private final String[] namesAndValues;
  private @Nullable Map<String, List<String>> headers;
  private final byte[] body;
  private final @Nullable String contentType;
  private final RouteRequest route;

  private ProxyRequest(Builder b) {
    this.method = b.method;
    this.path = b.path;
    this.namesAndValues = b.namesAndValues.toArray(new String[0]);
    this.body = b.body;
    this.contentType = b.contentType != null ? b.contentType : header("content-type");
    this.route = b.route;
  }

  /** Starts a {@code POST} of {@code path} (such as {@code /v1/chat/completions}) routed as {@code route}. */
  public static Builder builder(String path, RouteRequest route) {
    return new Builder(path, route);
  }

  /** The HTTP method, {@code POST} unless the builder said otherwise. */
  public String method() {
    return method;
  }

  /** The path with its query, as the client sent it; the endpoint's base URL is put in front. */
  public String path() {
    return path;
  }

  /** The client's headers by lower-case name; hygiene rules are applied when forwarding. */
  public Map<String, List<String>> headers() {
    Map<String, List<String>> h = headers;
    if (h == null) {
      // Built on demand: forwarding reads the names and values directly.
      h = HeaderRules.multimap(each -> {
        for (int i = 0; i < namesAndValues.length; i += 2) {
          each.accept(namesAndValues[i], namesAndValues[i + 1]);
        }
      });
      headers = h;
    }
    return h;
  }

  /** The first value of a header, by case-insensitive name, or null. */
  public @Nullable String header(String name) {
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i].equalsIgnoreCase(name)) {
        return namesAndValues[i + 1];
      }
    }
    return null;
  }

  /** Lower-case names and values, alternating; not a copy, do not change it. */
  String[] namesAndValues() {
    return namesAndValues;
  }

  /** The body bytes, forwarded as they are; empty when there is none. */
  public byte[] body() {
    return body;
  }

  /** The body's media type, from {@link Builder#body(byte[], String)} or the content-type header. */
  public @Nullable String contentType() {
    return contentType;
  }

  /** What the router decides on. */
  public RouteRequest route() {
    return route;
  }

  @Override
  public String toString() {
    return "ProxyRequest{" + method + ' ' + path + ", " + body.length + " bytes, " + route + '}';
  }

  /** Builds a {@link ProxyRequest}; every setter checks its argument. */
  public static final class Builder {
    private String method = "POST";
    private String path;
    private final List<String> namesAndValues = new ArrayList<>(16);
    private byte[] body = EMPTY;
    private @Nullable String contentType;
    private RouteRequest route;

    private Builder(String path, RouteRequest route) {
      this.path = requirePath(path);
      this.route = Objects.requireNonNull(route, "route");
    }

    private static String requirePath(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/") || path.startsWith("//")) {
        throw new IllegalArgumentException("path: '" + path + "' (expected: an absolute path such as /v1/chat/completions)");
      }
      for (int i = 0; i < path.length(); i++) {
        char c = path.charAt(i);
        if (c <= ' ' || c >= 0x7f) {
          throw new IllegalArgumentException("path: '" + path + "' (expected: no spaces or control characters)");
        }
      }
      return path;
    }

    /** The HTTP method; {@code POST} by default. */
    public Builder method(String method) {
      Objects.requireNonNull(method, "method");
      boolean upperCase = !method.isEmpty();
      for (int i = 0; i < method.length() && upperCase; i++) {
        char c = method.charAt(i);
        upperCase = c >= 'A' && c <= 'Z';
      }
      if (!upperCase) {
        throw new IllegalArgumentException("method: '" + method + "' (expected: an upper-case HTTP method)");
      }
      this.method = method;
      return this;
    }

    /** The path with its query, starting with {@code /}. */
    public Builder path(String path) {
      this.path = requirePath(path);
      return this;
    }

    /**
     * Adds one header value; names are case-insensitive.
     *
     * @throws IllegalArgumentException when the name is not an HTTP token or the value holds a
     *     control character (CR, LF, NUL...; a tab is fine), which could start a header of its own
     *     on the way to the endpoint
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      HeaderRules.checkField("header", name, value);
      namesAndValues.add(name.toLowerCase(Locale.ROOT));
      namesAndValues.add(value);
      return this;
    }

    /** Adds every header of a map such as a servlet or Jetty request gives. */
    public Builder headers(Map<String, ? extends List<String>> all) {
      all.forEach((k, vs) -> vs.forEach(v -> header(k, v)));
      return this;
    }

    /** The body; its media type comes from the content-type header. */
    public Builder body(byte[] body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /** The body and its media type, such as {@code application/json}. */
    public Builder body(byte[] body, String contentType) {
      this.body = Objects.requireNonNull(body, "body");
      this.contentType = Objects.requireNonNull(contentType, "contentType");
      return this;
    }

    /** Replaces what the router decides on. */
    public Builder route(RouteRequest route) {
      this.route = Objects.requireNonNull(route, "route");
      return this;
    }

    /** The request. */
    public ProxyRequest build() {
      return new ProxyRequest(this);
    }
  }
}
