package io.modelrouter.gateway;

import static io.modelrouter.gateway.ConfigChecks.atLeast;
import static io.modelrouter.gateway.ConfigChecks.check;
import static io.modelrouter.gateway.ConfigChecks.ms;
import static io.modelrouter.gateway.ConfigChecks.positive;

import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.server.GatewayServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code gateway:} section: the listener, its limits and the handler's admission settings.
 *
 * <pre>{@code
 * gateway:
 *   host: 127.0.0.1
 *   port: 8080                 # 0 picks a free one
 *   maxBodyBytes: 4194304      # larger bodies get a 413
 *   maxHeaderBytes: 8192       # larger header blocks get a 431
 *   maxConnections: 1024       # further connections wait in the accept queue
 *   maxThreads: 256            # worker threads: requests in flight at once
 *   idleTimeoutMs: 30000       # a connection silent this long is closed
 *   drainTimeoutMs: 10000      # on shutdown, in-flight requests get this long to finish
 *   maxInFlight: 512           # overload shedding; 0 disables it
 *   requestTimeoutMs: 300000   # deadline of requests that carry no latency budget
 *   explain: false             # true honours x-modelrouter-explain for every tenant (it shows the fleet)
 *   explainTenants: []         # or only these tenants' (by name)
 *   headTimeoutMs: 20000       # a request head must arrive whole this soon after its first byte; 0 = no limit
 *   maxConnectionsPerAddress: 768   # three quarters of maxConnections; 0 = no limit (raise it behind a load balancer)
 *   minRequestBytesPerSecond: 1024  # slower body uploads are cut off; 0 = no limit
 *   maxBytesReading: 0         # request-body bytes being read at once, gateway-wide; 0 = 256 MiB or a quarter of the heap
 * }</pre>
 */
public record ServerConfig(
    String host,
    Integer port,
    Long maxBodyBytes,
    Integer maxHeaderBytes,
    Integer maxConnections,
    Integer maxThreads,
    Long idleTimeoutMs,
    Long drainTimeoutMs,
    Integer maxInFlight,
    Long requestTimeoutMs,
    Boolean explain,
    List<String> explainTenants,
    Long headTimeoutMs,
    Integer maxConnectionsPerAddress,
    Long minRequestBytesPerSecond,
    Long maxBytesReading) {

  /** Default largest accepted request body: 4 MiB, room for long chat histories and mid-size tensors. */
  public static final long DEFAULT_MAX_BODY_BYTES = GatewayHandler.DEFAULT_MAX_BODY_BYTES;
  /** Default largest request header block: 8 KiB, what most proxies allow. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
  /** Default connection cap: 1,024, well within a default file-descriptor limit. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;
  /** Default idle timeout: 30 s without a byte in either direction closes a connection. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** Default worker threads: 256, one per request in flight; more only add contention on two cores. */
  public static final int DEFAULT_MAX_THREADS = 256;
  /** Default drain time on shutdown: 10 s for in-flight requests to finish. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  /** Default port: {@value}. */
  public static final int DEFAULT_PORT = 8080;

  /** Every key at its default. */
  public static final ServerConfig DEFAULTS = new ServerConfig(null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null);

  public ServerConfig {
    host = host == null ? "127.0.0.1" : host;
    port = atLeast(port, DEFAULT_PORT, 0, "port");
    check(port <= 65535, "port", port, "0..65535");
    maxBodyBytes = positive(maxBodyBytes, DEFAULT_MAX_BODY_BYTES, "maxBodyBytes");
    maxHeaderBytes = atLeast(maxHeaderBytes, DEFAULT_MAX_HEADER_BYTES, 1, "maxHeaderBytes");
    maxConnections = maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections;
    check(maxConnections > 0, "maxConnections", maxConnections, "> 0");
    maxThreads = atLeast(maxThreads, DEFAULT_MAX_THREADS, 8, "maxThreads");
    idleTimeoutMs = positive(idleTimeoutMs, DEFAULT_IDLE_TIMEOUT.toMillis(), "idleTimeoutMs");
    drainTimeoutMs = atLeast(drainTimeoutMs, DEFAULT_DRAIN_TIMEOUT.toMillis(), 0, "drainTimeoutMs");
    maxInFlight = maxInFlight == null ? GatewayHandler.DEFAULT_MAX_IN_FLIGHT : maxInFlight;
    check(maxInFlight >= 0, "maxInFlight", maxInFlight, ">= 0 (0 = no shedding)");
    requestTimeoutMs = positive(requestTimeoutMs, GatewayHandler.DEFAULT_REQUEST_TIMEOUT.toMillis(), "requestTimeoutMs");
    explain = explain != null && explain; // off unless asked: an explanation shows the fleet
    explainTenants = explainTenants == null ? List.of() : List.copyOf(explainTenants);
    headTimeoutMs = atLeast(headTimeoutMs, GatewayServer.DEFAULT_HEAD_TIMEOUT.toMillis(), 0, "headTimeoutMs");
    maxConnectionsPerAddress = atLeast(maxConnectionsPerAddress, maxConnections - maxConnections / 4, 0,
        "maxConnectionsPerAddress");
    minRequestBytesPerSecond = atLeast(minRequestBytesPerSecond, GatewayServer.DEFAULT_MIN_REQUEST_BYTES_PER_SECOND, 0,
        "minRequestBytesPerSecond");
    maxBytesReading = atLeast(maxBytesReading, 0, 0, "maxBytesReading");
    check(maxBytesReading == 0 || maxBytesReading >= maxBodyBytes, "maxBytesReading", maxBytesReading,
        "0 (automatic) or >= maxBodyBytes " + maxBodyBytes);
  }

  /** This section listening on another port. */
  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, maxBodyBytes, maxHeaderBytes, maxConnections, maxThreads, idleTimeoutMs,
        drainTimeoutMs, maxInFlight, requestTimeoutMs, explain, explainTenants, headTimeoutMs,
        maxConnectionsPerAddress, minRequestBytesPerSecond, maxBytesReading);
  }

  /** This section with explanations honoured ({@code true}) or not, for every tenant. */
  public ServerConfig withExplain(boolean honour) {
    return new ServerConfig(host, port, maxBodyBytes, maxHeaderBytes, maxConnections, maxThreads, idleTimeoutMs,
        drainTimeoutMs, maxInFlight, requestTimeoutMs, honour, explainTenants, headTimeoutMs,
        maxConnectionsPerAddress, minRequestBytesPerSecond, maxBytesReading);
  }

  /** This section with another in-flight limit. */
  public ServerConfig withMaxInFlight(int limit) {
    return new ServerConfig(host, port, maxBodyBytes, maxHeaderBytes, maxConnections, maxThreads, idleTimeoutMs,
        drainTimeoutMs, limit, requestTimeoutMs, explain, explainTenants, headTimeoutMs,
        maxConnectionsPerAddress, minRequestBytesPerSecond, maxBytesReading);
  }

  Duration idleTimeout() {
    return ms(idleTimeoutMs);
  }

  Duration drainTimeout() {
    return ms(drainTimeoutMs);
  }

  Duration requestTimeout() {
    return ms(requestTimeoutMs);
  }

  Duration headTimeout() {
    return ms(headTimeoutMs);
  }

  /** The tenants whose explanation requests are honoured: {@code *} for every one when {@code explain} is on. */
  Set<String> explaining() {
    return explain ? Set.of("*") : Set.copyOf(explainTenants);
  }
}
