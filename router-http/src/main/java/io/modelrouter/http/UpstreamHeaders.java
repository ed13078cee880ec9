package io.modelrouter.http;

import io.modelrouter.registry.Endpoint;
import java.util.Map;

/**
 * Headers the gateway adds for one endpoint, such as the endpoint's own API key: the client's
 * credentials are not forwarded unless {@link RoutingClient.Builder#forwardCredentials(boolean)}
 * says so. Called once per attempt; must be quick and thread-safe.
 */
@FunctionalInterface
public interface UpstreamHeaders {

  /** Headers to set on requests to {@code endpoint}; an empty map for none. */
  Map<String, String> headersFor(Endpoint endpoint);

  /** Adds nothing. */
  static UpstreamHeaders none() {
    return endpoint -> Map.of();
  }
}
