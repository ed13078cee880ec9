package io.modelrouter.gateway;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.http.gateway.TenantQuota;
import io.modelrouter.registry.FileRegistry;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RegistryException;
import io.modelrouter.registry.RegistryFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The standalone gateway's configuration file (YAML, or JSON for a {@code .json} name): server
 * limits, tenants with their API-key hashes, allowed models and quotas, and the registry, either
 * inline ({@code models:}, {@code endpoints:} and {@code routes:} in the {@link RegistryFiles} format) or in a
 * separate registry file named by {@code registry:} (relative to this file, reloadable).
 *
 * <pre>{@code
 * gateway:
 *   host: 127.0.0.1
 *   port: 8080
 *   maxBodyBytes: 4194304
 *   maxHeaderBytes: 8192
 *   maxConnections: 1024
 *   idleTimeoutMs: 30000
 *   drainTimeoutMs: 10000
 *   maxInFlight: 512
 *   requestTimeoutMs: 60000
 *   explain: false               # true: every tenant may ask for the routing explanation
 *   maxThreads: 256
 * tenants:
 *   - name: team-a
 *     keys: ["sha256:2a97...e1"]      # SHA-256 of the API key, hex
 *     models: [demo-chat, demo-embed]  # or ["*"]
 *     quota: {requestsPerSecond: 50, tokensPerMinute: 200000, maxConcurrent: 16}
 * registry: registry.yaml             # or models: / endpoints: inline
 * }</pre>
 *
 * <p>Immutable. Errors name the file, line and column, like registry errors.
 */
public final class GatewayConfig {

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

  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private final String host;
  private final int port;
  private final long maxBodyBytes;
  private final int maxHeaderBytes;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final Duration drainTimeout;
  private final int maxInFlight;
  private final Duration requestTimeout;
  private final boolean explain;
  private final int maxThreads;
  private final List<Tenant> tenants;
  private final ApiKeyAuthenticator authenticator;
  private final ModelRegistry registry;

  private GatewayConfig(ConfigDoc doc, ModelRegistry registry, List<Tenant> tenants, ApiKeyAuthenticator authenticator) {
    GatewayDoc g = doc.gateway() == null ? new GatewayDoc(null, null, null, null, null, null, null, null, null, null, null) : doc.gateway();
    this.host = g.host() == null ? "127.0.0.1" : g.host();
    this.port = g.port() == null ? 8080 : g.port();
    this.maxBodyBytes = g.maxBodyBytes() == null ? DEFAULT_MAX_BODY_BYTES : g.maxBodyBytes();
    this.maxHeaderBytes = g.maxHeaderBytes() == null ? DEFAULT_MAX_HEADER_BYTES : g.maxHeaderBytes();
    this.maxConnections = g.maxConnections() == null ? DEFAULT_MAX_CONNECTIONS : g.maxConnections();
    this.idleTimeout = g.idleTimeoutMs() == null ? DEFAULT_IDLE_TIMEOUT : Duration.ofMillis(g.idleTimeoutMs());
    this.drainTimeout = g.drainTimeoutMs() == null ? DEFAULT_DRAIN_TIMEOUT : Duration.ofMillis(g.drainTimeoutMs());
    this.maxInFlight = g.maxInFlight() == null ? GatewayHandler.DEFAULT_MAX_IN_FLIGHT : g.maxInFlight();
    this.requestTimeout =
        g.requestTimeoutMs() == null ? GatewayHandler.DEFAULT_REQUEST_TIMEOUT : Duration.ofMillis(g.requestTimeoutMs());
    this.explain = Boolean.TRUE.equals(g.explain()); // off unless asked: an explanation shows the fleet
    this.maxThreads = g.maxThreads() == null ? DEFAULT_MAX_THREADS : g.maxThreads();
    this.tenants = List.copyOf(tenants);
    this.authenticator = authenticator;
    this.registry = registry;
  }

  /**
   * Reads a configuration file.
   *
   * @throws RegistryException naming the file, line and column of the first problem
   */
  public static GatewayConfig read(Path file) {
    Objects.requireNonNull(file, "file");
    String source = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RegistryException(source, -1, -1, "cannot read: " + e, e);
    }
    boolean json = RegistryFiles.Format.forFileName(source) == RegistryFiles.Format.JSON;
    ConfigDoc doc;
    try {
      doc = (json ? JSON : YAML).readValue(text, ConfigDoc.class);
    } catch (JacksonException e) {
      throw located(source, e);
    }
    if (doc == null) {
      throw new RegistryException(source, "empty configuration (expected: tenants and a registry)");
    }
    ModelRegistry registry;
    if (doc.registry() != null) {
      if (doc.models() != null || doc.endpoints() != null || doc.routes() != null) {
        throw new RegistryException(source, "registry: set together with models/endpoints (expected: one of the two)");
      }
      Path parent = file.toAbsolutePath().getParent();
      registry = FileRegistry.load(parent == null ? Path.of(doc.registry()) : parent.resolve(doc.registry()));
    } else {
      Map<String, Object> part = new LinkedHashMap<>();
      part.put("models", doc.models() == null ? List.of() : doc.models());
      part.put("endpoints", doc.endpoints() == null ? List.of() : doc.endpoints());
      part.put("routes", doc.routes() == null ? List.of() : doc.routes());
      RegistryContent content;
      try {
        content = RegistryFiles.parse(
            JSON.writeValueAsString(part), source + " (models/endpoints/routes)", RegistryFiles.Format.JSON);
      } catch (RegistryException e) {
        throw routeProblem(source, text, doc.routes(), e);
      }
      InMemoryRegistry memory = InMemoryRegistry.create();
      memory.replace(content);
      registry = memory;
    }
    Map<String, Tenant> byHash = new LinkedHashMap<>();
    List<Tenant> tenants = new java.util.ArrayList<>();
    for (TenantDoc t : doc.tenants() == null ? List.<TenantDoc>of() : doc.tenants()) {
      Tenant tenant;
      try {
        tenant = t.toTenant();
      } catch (IllegalArgumentException e) {
        throw new RegistryException(source, "tenants: " + e.getMessage());
      }
      tenants.add(tenant);
      for (String key : t.keys() == null ? List.<String>of() : t.keys()) {
        String normalized;
        try {
          normalized = ApiKeyAuthenticator.normalizeHash(key);
        } catch (IllegalArgumentException e) {
          throw new RegistryException(source, "tenants: tenant " + tenant.name() + ": " + e.getMessage());
        }
        if (byHash.put(normalized, tenant) != null) {
          throw new RegistryException(source, "tenants: key " + key + " is listed twice (expected: one tenant per key)");
        }
      }
    }
    return new GatewayConfig(doc, registry, tenants, ApiKeyAuthenticator.of(byHash));
  }

  /**
   * A consistency problem of an inline route (its name a model's, a target not listed, the route
   * twice) located on the line of the route's {@code name} in this file, rather than in the
   * re-serialised registry part; other problems as they are.
   */
  private static RegistryException routeProblem(String source, String text, @Nullable List<JsonNode> routes,
      RegistryException e) {
    Throwable cause = e.getCause();
    String problem = cause instanceof IllegalArgumentException ? cause.getMessage() : null;
    for (JsonNode route : routes == null ? List.<JsonNode>of() : routes) {
      String name = route.path("name").asString("");
      if (problem == null || name.isEmpty() || !problem.startsWith("route " + name + ' ')) {
        continue;
      }
      int[] at = RegistryFiles.routeAt(text, name);
      if (at != null) {
        return new RegistryException(source, at[0], at[1], "routes: " + problem, e);
      }
    }
    return e;
  }

  private static RegistryException located(String source, JacksonException e) {
    TokenStreamLocation loc = e.getLocation();
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message;
    if (e instanceof UnrecognizedPropertyException u) {
      message = "unknown key '" + u.getPropertyName() + "' (expected one of: "
          + new java.util.TreeSet<>(u.getKnownPropertyIds().stream().map(String::valueOf).toList()) + ")";
    } else {
      message = root instanceof IllegalArgumentException && root.getMessage() != null
          ? root.getMessage()
          : e.getOriginalMessage();
    }
    String first = message == null ? "invalid content" : message.lines().findFirst().orElse(message);
    return new RegistryException(
        source, loc == null ? -1 : loc.getLineNr(), loc == null ? -1 : loc.getColumnNr(),
        (path.length() == 0 ? "" : path + ": ") + first, e);
  }

  /** The address to listen on; {@code 127.0.0.1} by default. */
  public String host() {
    return host;
  }

  /** The port to listen on; 8080 by default, 0 picks a free one. */
  public int port() {
    return port;
  }

  /** The largest request body; larger ones get a 413. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The largest request header block; larger ones get a 431. */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** The most open connections; further ones wait in the accept queue. */
  public int maxConnections() {
    return maxConnections;
  }

  /** How long a connection may stay silent before it is closed. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** How long in-flight requests get to finish on shutdown. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /** The gateway's in-flight limit for overload shedding; 0 disables shedding. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** The deadline for requests that carry none. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Worker threads of the server: each request in flight holds one. */
  public int maxThreads() {
    return maxThreads;
  }

  /** Whether {@code x-modelrouter-explain: true} is honoured (for every tenant); false unless configured. */
  public boolean explain() {
    return explain;
  }

  /** The tenants, in file order. */
  public List<Tenant> tenants() {
    return tenants;
  }

  /** Checks API keys against the tenants' key hashes. */
  public ApiKeyAuthenticator authenticator() {
    return authenticator;
  }

  /** The registry: a {@link FileRegistry} when the file names one, else the inline models and endpoints. */
  public ModelRegistry registry() {
    return registry;
  }

  // ------------------------------------------------------------------ document shape

  record ConfigDoc(
      @Nullable GatewayDoc gateway,
      @Nullable List<TenantDoc> tenants,
      @Nullable String registry,
      @Nullable List<JsonNode> models,
      @Nullable List<JsonNode> endpoints,
      @Nullable List<JsonNode> routes) {}

  record GatewayDoc(
      @Nullable String host,
      @Nullable Integer port,
      @Nullable Long maxBodyBytes,
      @Nullable Integer maxHeaderBytes,
      @Nullable Integer maxConnections,
      @Nullable Long idleTimeoutMs,
      @Nullable Long drainTimeoutMs,
      @Nullable Integer maxInFlight,
      @Nullable Long requestTimeoutMs,
      @Nullable Boolean explain,
      @Nullable Integer maxThreads) {

    GatewayDoc {
      check(port, port == null || (port >= 0 && port <= 65535), "port", "0..65535");
      check(maxBodyBytes, maxBodyBytes == null || maxBodyBytes > 0, "maxBodyBytes", "> 0");
      check(maxHeaderBytes, maxHeaderBytes == null || maxHeaderBytes > 0, "maxHeaderBytes", "> 0");
      check(maxConnections, maxConnections == null || maxConnections > 0, "maxConnections", "> 0");
      check(idleTimeoutMs, idleTimeoutMs == null || idleTimeoutMs > 0, "idleTimeoutMs", "> 0");
      check(drainTimeoutMs, drainTimeoutMs == null || drainTimeoutMs >= 0, "drainTimeoutMs", ">= 0");
      check(maxInFlight, maxInFlight == null || maxInFlight >= 0, "maxInFlight", ">= 0 (0 = no shedding)");
      check(requestTimeoutMs, requestTimeoutMs == null || requestTimeoutMs > 0, "requestTimeoutMs", "> 0");
      check(maxThreads, maxThreads == null || maxThreads >= 8, "maxThreads", ">= 8");
    }

    private static void check(@Nullable Object value, boolean ok, String what, String expected) {
      if (!ok) {
        throw new IllegalArgumentException(what + ": " + value + " (expected: " + expected + ")");
      }
    }
  }

  record QuotaDoc(@Nullable Double requestsPerSecond, @Nullable Long tokensPerMinute, @Nullable Integer maxConcurrent) {
    QuotaDoc {
      toQuota(requestsPerSecond, tokensPerMinute, maxConcurrent);
    }

    static TenantQuota toQuota(@Nullable Double rps, @Nullable Long tpm, @Nullable Integer concurrent) {
      return new TenantQuota(rps == null ? 0 : rps, tpm == null ? 0 : tpm, concurrent == null ? 0 : concurrent);
    }
  }

  record TenantDoc(@Nullable String name, @Nullable List<String> keys, @Nullable List<String> models, @Nullable QuotaDoc quota) {
    TenantDoc {
      toTenant(name, models, quota);
      if (keys != null) {
        for (String k : keys) {
          ApiKeyAuthenticator.normalizeHash(k);
        }
      }
    }

    Tenant toTenant() {
      return toTenant(name, models, quota);
    }

    private static Tenant toTenant(@Nullable String name, @Nullable List<String> models, @Nullable QuotaDoc quota) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name is missing (expected: the tenant's name)");
      }
      return new Tenant(
          name,
          models == null ? Set.of() : Set.copyOf(models),
          quota == null ? TenantQuota.unlimited()
              : QuotaDoc.toQuota(quota.requestsPerSecond(), quota.tokensPerMinute(), quota.maxConcurrent()));
    }
  }
}
