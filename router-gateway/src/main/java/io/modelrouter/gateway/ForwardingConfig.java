package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;

import io.modelrouter.http.RetryPolicy;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.server.JettyTransport;

/**
 * The {@code forwarding:} section: how a routed request reaches its endpoint — attempts, what is
 * retried, the per-attempt timeout, the retry budget that caps retries, hedging, and the
 * connections to endpoints. The request's deadline
 * is the {@code gateway.requestTimeoutMs} (or the request's own budget), across all attempts.
 *
 * <pre>{@code
 * forwarding:
 *   maxAttempts: 3                    # attempts per request, the first included; 1 for no retries
 *   retryAfterReceived: true          # a request an endpoint received, then failed, is tried once more elsewhere
 *   attemptTimeout: {enabled: true, multiple: 3, percentile: 0.99, floorMs: 1000}   # see AttemptTimeoutConfig
 *   retryBudget: {ratio: 0.2, minPerSecond: 10, windowMs: 10000}
 *   hedging: {mode: off}              # or latencyMultiple / fixed; see HedgingConfig
 *   connectTimeoutMs: 2000            # opening a connection to an endpoint
 *   endpointIdleTimeoutMs: 60000      # an unused pooled connection is closed after this long
 *   maxConnectionsPerEndpoint: 1024   # connections open to one endpoint at most
 *   forwardCredentials: false         # true sends clients' Authorization, Cookie and API-key headers to endpoints
 *   askStreamUsage: true              # asks OpenAI streams for their usage (stream_options.include_usage) to count their tokens
 * }</pre>
 */
public record ForwardingConfig(
    Integer maxAttempts,
    Boolean retryAfterReceived,
    AttemptTimeoutConfig attemptTimeout,
    RetryBudgetConfig retryBudget,
    HedgingConfig hedging,
    Long connectTimeoutMs,
    Long endpointIdleTimeoutMs,
    Integer maxConnectionsPerEndpoint,
    Boolean forwardCredentials,
    Boolean askStreamUsage) {

  /** How long an unused connection to an endpoint stays open by default: 60 s, the transport's. */
  public static final long DEFAULT_ENDPOINT_IDLE_TIMEOUT_MS = RoutingClient.DEFAULT_READ_TIMEOUT.toMillis();

  /** Every key at its default. */
  public static final ForwardingConfig DEFAULTS = new ForwardingConfig(null, null, null, null, null, null, null, null, null, null);

  public ForwardingConfig {
    maxAttempts = atLeast(maxAttempts, RoutingClient.DEFAULT_MAX_ATTEMPTS, 1, "maxAttempts");
    retryAfterReceived = retryAfterReceived == null || retryAfterReceived;
    attemptTimeout = attemptTimeout == null ? AttemptTimeoutConfig.DEFAULTS : attemptTimeout;
    retryBudget = retryBudget == null ? RetryBudgetConfig.DEFAULTS : retryBudget;
    hedging = hedging == null ? HedgingConfig.OFF : hedging;
    connectTimeoutMs = positive(connectTimeoutMs, RoutingClient.DEFAULT_CONNECT_TIMEOUT.toMillis(), "connectTimeoutMs");
    endpointIdleTimeoutMs = positive(endpointIdleTimeoutMs, DEFAULT_ENDPOINT_IDLE_TIMEOUT_MS, "endpointIdleTimeoutMs");
    maxConnectionsPerEndpoint =
        atLeast(maxConnectionsPerEndpoint, JettyTransport.DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT, 1, "maxConnectionsPerEndpoint");
    forwardCredentials = forwardCredentials != null && forwardCredentials; // off: a gateway key is not the endpoint's
    // On: a stream's tokens count against its tenant's quota; off for servers that refuse stream_options.
    askStreamUsage = askStreamUsage == null || askStreamUsage;
  }

  /** This section with another hedging policy. */
  public ForwardingConfig withHedging(HedgingConfig h) {
    return new ForwardingConfig(maxAttempts, retryAfterReceived, attemptTimeout, retryBudget, h, connectTimeoutMs,
        endpointIdleTimeoutMs, maxConnectionsPerEndpoint, forwardCredentials, askStreamUsage);
  }

  JettyTransport.Builder applyTo(JettyTransport.Builder b) {
    return b.connectTimeout(ms(connectTimeoutMs))
        .idleTimeout(ms(endpointIdleTimeoutMs))
        .maxConnectionsPerEndpoint(maxConnectionsPerEndpoint);
  }

  RoutingClient.Builder applyTo(RoutingClient.Builder b) {
    RetryPolicy policy = attemptTimeout.applyTo(RetryPolicy.builder().retryAfterReceived(retryAfterReceived)).build();
    return b.maxAttempts(maxAttempts).retryPolicy(policy).retryBudget(retryBudget.build()).hedging(hedging.build())
        .forwardCredentials(forwardCredentials);
  }
}
