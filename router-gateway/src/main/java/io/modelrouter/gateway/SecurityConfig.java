package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;

import io.modelrouter.http.gateway.ForwardedHeaders;
import io.modelrouter.http.gateway.GatewayHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code security:} section: what the gateway believes of its callers and lets through to
 * them (see the README's Security section for the defaults' reasons).
 *
 * <pre>{@code
 * security:
 *   trustedProxies: []          # addresses or CIDR ranges (10.0.0.0/8) whose Forwarded / X-Forwarded-For are kept
 *   hintLimits: {highestPriority: standard, longestBudgetMs: 0, tenants: {}}   # see HintLimitsConfig
 *   responseHeaders: {allow: [], allowPrefixes: [], exposeEndpointAddress: false}   # see ResponseHeadersConfig
 *   defaultOutputTokens: 1024   # output tokens a request without max_tokens counts against a token quota
 * }</pre>
 */
public record SecurityConfig(
    List<String> trustedProxies,
    HintLimitsConfig hintLimits,
    ResponseHeadersConfig responseHeaders,
    Integer defaultOutputTokens) {

  /** Every key at its default: no proxy trusted, standard hints, the built-in header allow-list. */
  public static final SecurityConfig DEFAULTS = new SecurityConfig(null, null, null, null);

  public SecurityConfig {
    trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    forwarded(trustedProxies);
    hintLimits = hintLimits == null ? HintLimitsConfig.DEFAULTS : hintLimits;
    responseHeaders = responseHeaders == null ? ResponseHeadersConfig.DEFAULTS : responseHeaders;
    defaultOutputTokens = atLeast(defaultOutputTokens, GatewayHandler.DEFAULT_OUTPUT_TOKENS, 0, "defaultOutputTokens");
  }

  private static ForwardedHeaders forwarded(List<String> proxies) {
    if (proxies.isEmpty()) {
      return ForwardedHeaders.trustingNone();
    }
    try {
      return ForwardedHeaders.trusting(proxies);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigValueException("trustedProxies", "trustedProxies: " + e.getMessage());
    }
  }

  /** Sets this section's options on a handler being built; {@code requestTimeout} is the gateway's. */
  GatewayHandler.Builder applyTo(GatewayHandler.Builder b, Duration requestTimeout) {
    b.forwardedHeaders(forwarded(trustedProxies))
        .headerPolicy(responseHeaders.policy())
        .defaultOutputTokens(defaultOutputTokens)
        .defaultHintLimits(hintLimits.limits(requestTimeout));
    for (Map.Entry<String, HintLimitsConfig> e : hintLimits.tenants().entrySet()) {
      b.hintLimits(e.getKey(), e.getValue().limits(requestTimeout));
    }
    return b;
  }
}
