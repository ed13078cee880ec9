package io.modelrouter.gateway;

import io.modelrouter.http.gateway.HeaderPolicy;
import java.util.List;

/**
 * {@code security.responseHeaders:}: which endpoint response fields reach clients beyond the
 * built-in allow-list ({@link HeaderPolicy#DEFAULT_ALLOWED}, {@code x-ratelimit-*}); the gateway's
 * own {@code x-modelrouter-*} names never do.
 *
 * <pre>{@code
 * responseHeaders:
 *   allow: []                    # more field names, such as x-served-by
 *   allowPrefixes: []            # more name prefixes, such as x-vendor-
 *   exposeEndpointAddress: false # true shows clients x-gateway-destination-endpoint-served (host:port)
 * }</pre>
 */
public record ResponseHeadersConfig(List<String> allow, List<String> allowPrefixes, Boolean exposeEndpointAddress) {

  /** The built-in allow-list only, no endpoint address. */
  public static final ResponseHeadersConfig DEFAULTS = new ResponseHeadersConfig(null, null, null);

  public ResponseHeadersConfig {
    allow = allow == null ? List.of() : List.copyOf(allow);
    allowPrefixes = allowPrefixes == null ? List.of() : List.copyOf(allowPrefixes);
    exposeEndpointAddress = exposeEndpointAddress != null && exposeEndpointAddress;
    policy(allow, allowPrefixes, exposeEndpointAddress);
  }

  HeaderPolicy policy() {
    return policy(allow, allowPrefixes, exposeEndpointAddress);
  }

  private static HeaderPolicy policy(List<String> allow, List<String> prefixes, boolean expose) {
    HeaderPolicy.Builder b = HeaderPolicy.builder().exposeEndpointAddress(expose);
    String key = "allow";
    try {
      allow.forEach(b::allow);
      key = "allowPrefixes";
      prefixes.forEach(b::allowPrefix);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigValueException(key, key + ": " + e.getMessage());
    }
    return b.build();
  }
}
