package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.check;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code admin:} section: the admin listener, which serves {@code /metrics} (it names every
 * tenant, endpoint and model), {@code /healthz} and {@code /readyz}; and the credential that
 * serves {@code /metrics} on the gateway's own listener too.
 *
 * <pre>{@code
 * admin:
 *   host: 127.0.0.1        # loopback only
 *   port: 9464             # a free one when gateway.port is 0; -1 opens no admin listener
 *   metricsToken: "sha256:..."   # SHA-256 of a bearer token (printf %s TOKEN | sha256sum); none by default
 * }</pre>
 *
 * <p>The metrics token is written as its hash, like API keys, and {@code config check} does not
 * print it.
 */
public record AdminConfig(String host, Integer port, @Nullable String metricsToken) {

  /** The admin listener's default port: {@value}, the port Prometheus exporters use. */
  public static final int DEFAULT_PORT = 9464;
  /** What {@code config check} prints instead of a metrics token. */
  static final String HIDDEN = "(hidden)";

  /** Every key at its default. */
  public static final AdminConfig DEFAULTS = new AdminConfig(null, null, null);

  public AdminConfig {
    host = host == null ? "127.0.0.1" : host;
    port = atLeast(port, DEFAULT_PORT, -1, "port");
    check(port <= 65535, "port", port, "-1 (none) or 0..65535");
    if (metricsToken != null) {
      try {
        metricsToken = "sha256:" + ApiKeyAuthenticator.normalizeHash(metricsToken);
      } catch (IllegalArgumentException e) {
        throw new ConfigValueException("metricsToken",
            "metricsToken: not a SHA-256 hash (expected: sha256: and 64 hex digits, printf %s TOKEN | sha256sum)");
      }
    }
  }

  /** This section as {@code config check} prints it: the token hidden. */
  Map<String, Object> printable() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", host);
    m.put("port", port);
    if (metricsToken != null) {
      m.put("metricsToken", HIDDEN);
    }
    return m;
  }

  /** The admin port to bind: the configured one, or a free one when the gateway's is 0 and this is the default. */
  int port(int gatewayPort) {
    return gatewayPort == 0 && port == DEFAULT_PORT ? 0 : port;
  }
}
