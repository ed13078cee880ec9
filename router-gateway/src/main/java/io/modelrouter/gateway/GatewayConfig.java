package io.modelrouter.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.registry.RegistryContent;
import io.modelrouter.registry.RegistryException;
import io.modelrouter.registry.RegistryFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The standalone gateway's configuration file (YAML, or JSON for a {@code .json} name), one
 * section per concern, each its own type with every key's default:
 *
 * <ul>
 *   <li>{@code gateway:} the listener and its limits ({@link ServerConfig});
 *   <li>{@code routing:} strategy, per-model overrides, deadline policy, load shedding ({@link RoutingConfig});
 *   <li>{@code forwarding:} attempts, retry budget, hedging, connections ({@link ForwardingConfig});
 *   <li>{@code health:}, {@code outliers:}, {@code scraping:} ({@link HealthConfig}, {@link OutlierConfig},
 *       {@link ScrapingConfig});
 *   <li>{@code security:} trusted proxies, routing-hint limits, response headers ({@link SecurityConfig});
 *   <li>{@code admin:} the admin listener ({@code /metrics}) and the metrics credential ({@link AdminConfig});
 *   <li>{@code registry:} a registry file or etcd ({@link RegistryConfig}), or the registry inline
 *       ({@code models:}, {@code endpoints:} and {@code routes:} in the {@link RegistryFiles} format);
 *   <li>{@code tenants:} API-key hashes, allowed models and quotas ({@link TenantConfig}), reloaded
 *       when the file changes.
 * </ul>
 *
 * <p>A new section is a record of its own with a {@code DEFAULTS} constant, a component of {@link
 * ConfigDoc}, and an accessor here. Immutable. Errors name the file, line and column, like
 * registry errors. {@code modelrouter config check FILE} prints the effective configuration.
 */
public final class GatewayConfig {

  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL))
          .build();
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL))
          .build();

  /** The file's shape: one component per top-level key. */
  record ConfigDoc(
      @Nullable ServerConfig gateway,
      @Nullable RoutingConfig routing,
      @Nullable ForwardingConfig forwarding,
      @Nullable HealthConfig health,
      @Nullable OutlierConfig outliers,
      @Nullable ScrapingConfig scraping,
      @Nullable SecurityConfig security,
      @Nullable AdminConfig admin,
      @Nullable RegistryConfig registry,
      @Nullable List<TenantConfig> tenants,
      @Nullable List<JsonNode> models,
      @Nullable List<JsonNode> endpoints,
      @Nullable List<JsonNode> routes) {}

  private final @Nullable Path file;
  private final ServerConfig server;
  private final RoutingConfig routing;
  private final ForwardingConfig forwarding;
  private final HealthConfig health;
  private final OutlierConfig outliers;
  private final ScrapingConfig scraping;
  private final SecurityConfig security;
  private final AdminConfig admin;
  private final RegistryConfig registry;
  private final @Nullable Path registryFile;
  private final RegistryContent inlineRegistry;
  private final List<TenantConfig> tenantEntries;
  private final Tenants tenants;

  private GatewayConfig(
      @Nullable Path file, ServerConfig server, RoutingConfig routing, ForwardingConfig forwarding, HealthConfig health,
      OutlierConfig outliers, ScrapingConfig scraping, SecurityConfig security, AdminConfig admin, RegistryConfig registry,
      @Nullable Path registryFile, RegistryContent inlineRegistry, List<TenantConfig> tenantEntries, Tenants tenants) {
    this.file = file;
    this.server = server;
    this.routing = routing;
    this.forwarding = forwarding;
    this.health = health;
    this.outliers = outliers;
    this.scraping = scraping;
    this.security = security;
    this.admin = admin;
    this.registry = registry;
    this.registryFile = registryFile;
    this.inlineRegistry = inlineRegistry;
    this.tenantEntries = List.copyOf(tenantEntries);
    this.tenants = tenants;
  }

  /** Every section at its defaults, no tenants, an empty inline registry. */
  public static GatewayConfig defaults() {
    return new GatewayConfig(null, ServerConfig.DEFAULTS, RoutingConfig.DEFAULTS, ForwardingConfig.DEFAULTS,
        HealthConfig.DEFAULTS, OutlierConfig.DEFAULTS, ScrapingConfig.DEFAULTS, SecurityConfig.DEFAULTS, AdminConfig.DEFAULTS,
        RegistryConfig.INLINE, null,
        new RegistryContent(List.of(), List.of()), List.of(), Tenants.of(List.of()));
  }

  /**
   * Reads a configuration file; a registry file it names is read and checked too.
   *
   * @throws RegistryException naming the file, line and column of the first problem
   */
  public static GatewayConfig read(Path file) {
    return read(file, true);
  }

  /**
   * Reads a configuration file, checking the registry file it names when {@code checkRegistryFile}
   * (a tenants reload does not: the registry file reloads on its own).
   */
  static GatewayConfig read(Path file, boolean checkRegistryFile) {
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
      throw located(source, text, json ? JSON : YAML, e);
    }
    if (doc == null) {
      throw new RegistryException(source, "empty configuration (expected: tenants and a registry)");
    }
    RegistryConfig registry = doc.registry() == null ? RegistryConfig.INLINE : doc.registry();
    boolean inlinePresent = doc.models() != null || doc.endpoints() != null || doc.routes() != null;
    if (!registry.inline() && inlinePresent) {
      throw new RegistryException(source, "registry: set together with models/endpoints (expected: one of the two)");
    }
    Path registryFile = null;
    RegistryContent inline = new RegistryContent(List.of(), List.of());
    if (registry.file() != null) {
      Path parent = file.toAbsolutePath().getParent();
      registryFile = parent == null ? Path.of(registry.file()) : parent.resolve(registry.file());
      if (checkRegistryFile) {
        RegistryFiles.read(registryFile); // so that a bad registry file fails config check and start-up
      }
    } else if (registry.inline()) {
      Map<String, Object> part = new LinkedHashMap<>();
      part.put("models", doc.models() == null ? List.of() : doc.models());
      part.put("endpoints", doc.endpoints() == null ? List.of() : doc.endpoints());
      if (doc.routes() != null) {
        part.put("routes", doc.routes());
      }
      try {
        inline = RegistryFiles.parse(JSON.writeValueAsString(part), source + " (models/endpoints/routes)", RegistryFiles.Format.JSON);
      } catch (RegistryException e) {
        throw routeProblem(source, text, doc.routes(), e);
      }
    }
    List<TenantConfig> entries = doc.tenants() == null ? List.of() : doc.tenants();
    Tenants tenants;
    try {
      tenants = Tenants.of(entries);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(source, "tenants: " + e.getMessage());
    }
    ServerConfig server = doc.gateway() == null ? ServerConfig.DEFAULTS : doc.gateway();
    SecurityConfig security = doc.security() == null ? SecurityConfig.DEFAULTS : doc.security();
    TenantNames.check(source, text, json ? JSON : YAML, entries, server, security);
    return new GatewayConfig(file, server,
        doc.routing() == null ? RoutingConfig.DEFAULTS : doc.routing(),
        doc.forwarding() == null ? ForwardingConfig.DEFAULTS : doc.forwarding(),
        doc.health() == null ? HealthConfig.DEFAULTS : doc.health(),
        doc.outliers() == null ? OutlierConfig.DEFAULTS : doc.outliers(),
        doc.scraping() == null ? ScrapingConfig.DEFAULTS : doc.scraping(),
        security, doc.admin() == null ? AdminConfig.DEFAULTS : doc.admin(),
        registry, registryFile, inline, entries, tenants);
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

  private static RegistryException located(String source, String text, ObjectMapper mapper, JacksonException e) {
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
          + new TreeSet<>(u.getKnownPropertyIds().stream().map(String::valueOf).toList()) + ")";
    } else {
      message = root instanceof IllegalArgumentException && root.getMessage() != null
          ? root.getMessage()
          : e.getOriginalMessage();
    }
    String first = message == null ? "invalid content" : message.lines().findFirst().orElse(message);
    // The parser is past the section when its check runs: point at the refused key instead, or
    // at the section when the key is missing.
    String at = path.toString();
    if (root instanceof ConfigValueException v) {
      String key = at.isEmpty() ? v.key() : at + "." + v.key();
      TokenStreamLocation exact = KeyLocator.find(mapper, text, key);
      if (exact == null && !at.isEmpty()) {
        exact = KeyLocator.find(mapper, text, at);
      }
      loc = exact == null ? loc : exact;
    } else if (e instanceof UnrecognizedPropertyException && !at.isEmpty()) {
      TokenStreamLocation exact = KeyLocator.find(mapper, text, at);
      loc = exact == null ? loc : exact;
    }
    return new RegistryException(
        source, loc == null ? -1 : loc.getLineNr(), loc == null ? -1 : loc.getColumnNr(),
        (path.length() == 0 ? "" : path + ": ") + first, e);
  }

  /**
   * The effective configuration, every default filled in, in the file's syntax: what {@code config
   * check} prints. An inline registry is written in its canonical form.
   */
  public String effective(RegistryFiles.Format format) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("gateway", server);
    doc.put("routing", routing);
    doc.put("forwarding", forwarding);
    doc.put("health", health);
    doc.put("outliers", outliers);
    doc.put("scraping", scraping);
    doc.put("security", security);
    doc.put("admin", admin.printable());
    doc.put("registry", registry);
    doc.put("tenants", tenantEntries);
    if (registry.inline()) {
      JsonNode content = JSON.readTree(RegistryFiles.write(inlineRegistry, RegistryFiles.Format.JSON));
      content.properties().forEach(e -> doc.put(e.getKey(), e.getValue()));
    }
    return (format == RegistryFiles.Format.JSON ? JSON.writerWithDefaultPrettyPrinter() : YAML.writer())
        .writeValueAsString(doc);
  }

  /**
   * Whether every section but the tenants equals {@code other}'s (what a reload can apply is the
   * tenants), the port aside, which the command line may override.
   */
  boolean sameApartFromTenants(GatewayConfig other) {
    return server.withPort(0).equals(other.server.withPort(0)) && routing.equals(other.routing) && forwarding.equals(other.forwarding)
        && health.equals(other.health) && outliers.equals(other.outliers) && scraping.equals(other.scraping)
        && security.equals(other.security) && admin.equals(other.admin) && registry.equals(other.registry)
        && inlineRegistry.equals(other.inlineRegistry);
  }

  // ------------------------------------------------------------------ withers (tests, the demo)

  public GatewayConfig withServer(ServerConfig s) {
    return new GatewayConfig(file, s, routing, forwarding, health, outliers, scraping, security, admin, registry,
        registryFile, inlineRegistry, tenantEntries, tenants);
  }

  public GatewayConfig withRouting(RoutingConfig r) {
    return new GatewayConfig(file, server, r, forwarding, health, outliers, scraping, security, admin, registry,
        registryFile, inlineRegistry, tenantEntries, tenants);
  }

  public GatewayConfig withForwarding(ForwardingConfig f) {
    return new GatewayConfig(file, server, routing, f, health, outliers, scraping, security, admin, registry,
        registryFile, inlineRegistry, tenantEntries, tenants);
  }

  public GatewayConfig withHealth(HealthConfig h) {
    return new GatewayConfig(file, server, routing, forwarding, h, outliers, scraping, security, admin, registry,
        registryFile, inlineRegistry, tenantEntries, tenants);
  }

  public GatewayConfig withOutliers(OutlierConfig o) {
    return new GatewayConfig(file, server, routing, forwarding, health, o, scraping, security, admin, registry,
        registryFile, inlineRegistry, tenantEntries, tenants);
  }

  // ------------------------------------------------------------------ sections

  /** The file read, or null for a configuration built in code. */
  public @Nullable Path file() {
    return file;
  }

  /** {@code gateway:}: the listener and its limits. */
  public ServerConfig server() {
    return server;
  }

  /** {@code routing:}. */
  public RoutingConfig routing() {
    return routing;
  }

  /** {@code forwarding:}. */
  public ForwardingConfig forwarding() {
    return forwarding;
  }

  /** {@code health:}. */
  public HealthConfig health() {
    return health;
  }

  /** {@code outliers:}. */
  public OutlierConfig outliers() {
    return outliers;
  }

  /** {@code scraping:}. */
  public ScrapingConfig scraping() {
    return scraping;
  }

  /** {@code security:}. */
  public SecurityConfig security() {
    return security;
  }

  /** {@code admin:}: the admin listener and the metrics credential. */
  public AdminConfig admin() {
    return admin;
  }

  /** {@code registry:}: file, etcd, or inline. */
  public RegistryConfig registry() {
    return registry;
  }

  /** The registry file, resolved against this file's folder, or null. */
  public @Nullable Path registryFile() {
    return registryFile;
  }

  /** The inline registry ({@code models:}, {@code endpoints:}, {@code routes:}); empty when there is none. */
  public RegistryContent inlineRegistry() {
    return inlineRegistry;
  }

  /** The tenants, in file order. */
  public List<Tenant> tenants() {
    return tenants.list();
  }

  /** Checks API keys against the tenants' key hashes. */
  public ApiKeyAuthenticator authenticator() {
    return tenants.authenticator();
  }
}
