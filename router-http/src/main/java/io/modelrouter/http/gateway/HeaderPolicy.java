package io.modelrouter.http.gateway;

import io.modelrouter.http.RoutingClient;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which of an endpoint's response headers the gateway passes to its client. An endpoint is not
 * trusted to speak for the gateway: only the fields on an allow-list pass, never one named like the
 * gateway's own ({@code x-modelrouter-*}) and never one that would set state in the client's
 * browser or for the gateway's whole origin ({@code Set-Cookie}, {@code Strict-Transport-Security},
 * {@code Access-Control-*}...) unless explicitly allowed. {@value RoutingClient#ENDPOINT_SERVED_HEADER},
 * which names the endpoint's address, is not shown to clients unless {@link
 * Builder#exposeEndpointAddress(boolean) asked for}.
 *
 * <p>Immutable and thread-safe.
 */
public final class HeaderPolicy {

  /**
   * The endpoint response fields passed by default: what describes the body and what OpenAI-style
   * clients read (request id, rate limits, processing time).
   */
  public static final Set<String> DEFAULT_ALLOWED = Set.of(
      "content-type", "content-encoding", "content-language", "cache-control", "etag", "last-modified", "vary",
      "retry-after", RoutingClient.REQUEST_ID_HEADER, "openai-model", "openai-version", "openai-processing-ms",
      "openai-organization");

  /** Name prefixes passed by default: rate-limit fields of OpenAI-style servers ({@code x-ratelimit-remaining-tokens}...). */
  public static final List<String> DEFAULT_ALLOWED_PREFIXES = List.of("x-ratelimit-");

  /** The prefix of the gateway's own fields: an endpoint's fields under it never pass. */
  public static final String OWN_PREFIX = "x-modelrouter-";

  private static final HeaderPolicy DEFAULT = builder().build();

  private final Set<String> allowed;
  private final List<String> allowedPrefixes;
  private final boolean exposeEndpointAddress;

  private HeaderPolicy(Builder b) {
    this.allowed = Set.copyOf(b.allowed);
    this.allowedPrefixes = List.copyOf(b.allowedPrefixes);
    this.exposeEndpointAddress = b.exposeEndpointAddress;
  }

  /** The default policy: {@link #DEFAULT_ALLOWED} and {@link #DEFAULT_ALLOWED_PREFIXES}, no endpoint address. */
  public static HeaderPolicy defaults() {
    return DEFAULT;
  }

  /** Starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the endpoint address header reaches clients. */
  public boolean exposeEndpointAddress() {
    return exposeEndpointAddress;
  }

  /**
   * Whether a field of a forwarded answer (lower-case name, as {@link
   * io.modelrouter.http.ProxyResponse#forEachHeader} gives it) goes to the client. The fields the
   * routing client sets over the endpoint's ({@value RoutingClient#ENDPOINT_ID_HEADER}, {@value
   * RoutingClient#MODEL_SERVED_HEADER}, {@value RoutingClient#ROUTE_HEADER}, the request id) pass.
   */
  boolean passesToClient(String name) {
    if (name.equals(RoutingClient.ENDPOINT_ID_HEADER) || name.equals(RoutingClient.MODEL_SERVED_HEADER)
        || name.equals(RoutingClient.ROUTE_HEADER)) {
      return true; // set by the routing client; an endpoint's own fields of these names were dropped
    }
    if (name.equals(RoutingClient.ENDPOINT_SERVED_HEADER)) {
      return exposeEndpointAddress;
    }
    if (name.startsWith(OWN_PREFIX)) {
      return false;
    }
    if (allowed.contains(name)) {
      return true;
    }
    for (String p : allowedPrefixes) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Builds a {@link HeaderPolicy}; every setter checks its argument. */
  public static final class Builder {
    private final Set<String> allowed = new LinkedHashSet<>(DEFAULT_ALLOWED);
    private final Set<String> allowedPrefixes = new LinkedHashSet<>(DEFAULT_ALLOWED_PREFIXES);
    private boolean exposeEndpointAddress;

    private Builder() {}

    /**
     * Lets one more endpoint response field through, such as {@code x-served-by}; names under
     * {@value #OWN_PREFIX} are refused.
     */
    public Builder allow(String name) {
      allowed.add(checkName(name));
      return this;
    }

    /** Lets every endpoint response field whose name starts with {@code prefix} through. */
    public Builder allowPrefix(String prefix) {
      allowedPrefixes.add(checkName(prefix));
      return this;
    }

    /**
     * Whether clients see {@value RoutingClient#ENDPOINT_SERVED_HEADER} (the endpoint's host and
     * port); false by default, since it tells every client the fleet's addresses.
     */
    public Builder exposeEndpointAddress(boolean expose) {
      this.exposeEndpointAddress = expose;
      return this;
    }

    private static String checkName(String name) {
      Objects.requireNonNull(name, "name");
      String n = name.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty() || n.startsWith(OWN_PREFIX) || OWN_PREFIX.startsWith(n)) {
        throw new IllegalArgumentException("header name: '" + name + "' (expected: a field that is not the gateway's own "
            + OWN_PREFIX + "*)");
      }
      return n;
    }

    public HeaderPolicy build() {
      return new HeaderPolicy(this);
    }
  }
}
