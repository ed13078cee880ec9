package io.modelrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code modelrouter config check FILE}: the example, a minimal file, and each kind of mistake. */
class ConfigCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int check(String file) {
    return new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("config", "check", file);
  }

  private String write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  @Test
  void check_theExample_isValidAndPrintsItBackReadable() throws Exception {
    int code = check("config/gateway.yaml");

    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("config/gateway.yaml: valid (2 tenants, registry inline: 2 models, 3 endpoints, 0 routes)");
    // The printed configuration is itself a valid configuration, equal to the example.
    String printed = write("printed.yaml", out.toString());
    GatewayConfig back = GatewayConfig.read(Path.of(printed));
    GatewayConfig example = GatewayConfig.read(Path.of("config/gateway.yaml"));
    assertThat(back.sameApartFromTenants(example)).isTrue();
    assertThat(back.tenants()).isEqualTo(example.tenants());
  }

  @Test
  void check_aNearlyEmptyFile_printsEveryDefault() throws Exception {
    int code = check(write("min.yaml", "tenants: []\n"));

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("strategy:\n    name: \"default\"")
        .contains("deadlinePolicy: \"REJECT\"")
        .contains("maxAttempts: 3")
        .contains("retryAfterReceived: true")
        .contains("attemptTimeout:\n    enabled: true\n    multiple: 3.0\n    percentile: 0.99\n    floorMs: 1000")
        .contains("hedging:\n    mode: \"off\"")
        .contains("baseEjectionTimeMs: 30000")
        .contains("maxEjectedShare: 0.5")
        .contains("staleAfterMs: 3000")
        .contains("intervalMs: 5000")
        .contains("reloadIntervalMs: 1000")
        .contains("maxConnectionsPerEndpoint: 1024\n  forwardCredentials: false")
        .contains("explainTenants: []\n  headTimeoutMs: 20000\n  maxConnectionsPerAddress: 768\n  minRequestBytesPerSecond: 1024"
            + "\n  maxBytesReading: 0")
        .contains("security:\n  trustedProxies: []\n  hintLimits:\n    highestPriority: \"standard\"\n    longestBudgetMs: 0"
            + "\n    tenants: {}\n  responseHeaders:\n    allow: []\n    allowPrefixes: []\n    exposeEndpointAddress: false"
            + "\n  defaultOutputTokens: 1024")
        .contains("admin:\n  host: \"127.0.0.1\"\n  port: 9464\n");
  }

  @Test
  void check_neverPrintsTheMetricsToken() throws Exception {
    String hash = io.modelrouter.http.gateway.ApiKeyAuthenticator.hash("metrics-token-0123456789");
    int code = check(write("m.yaml", "admin: {metricsToken: \"sha256:" + hash + "\"}\n"));

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("metricsToken: \"(hidden)\"").doesNotContain(hash);
  }

  @Test
  void check_fillsInTheParametersOfANamedStrategy() throws Exception {
    int code = check(write("s.yaml", "routing: {strategy: byServerKind, models: {m: leastLatency}}\n"));

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("strategy:\n    name: \"byServerKind\"\n    llm:\n      name: \"llmCombined\"\n    other:\n      name: \"leastLatency\"")
        .contains("m:\n      name: \"leastLatency\"\n      decayMs: 10000\n      initialRttMs: 30\n      fullScanLimit: 16");
  }

  @Test
  void check_aJsonFile_printsJson() throws Exception {
    int code = check(write("gw.json", "{\"routing\": {\"strategy\": \"p2cPeakEwma\"}}"));

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("{").contains("\"name\" : \"p2cPeakEwma\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown section        | rooting: {}                                                  | 1:1   | unknown key 'rooting'
      unknown strategy       | routing: {strategy: fastest}                                 | 1:11  | routing.strategy: name: fastest (expected: one of [default, byServerKind, llmCombined, leastLatency
      foreign parameter      | routing: {strategy: {name: roundRobin, loadFactor: 2}}       | 1:40  | strategy roundRobin takes no parameter 'loadFactor' (expected: none)
      bad parameter          | routing: {models: {chat: {name: boundedLoadHash, loadFactor: 0.5}}} | 1:50 | routing.models.chat: loadFactor: 0.5 (expected: a finite number >= 1)
      bad deadline policy    | routing: {deadlinePolicy: sometimes}                         | 1:27  | routing.deadlinePolicy: Cannot deserialize value of type
      critical shed          | routing: {loadShedding: {shed: [CRITICAL]}}                  | 1:26  | shed: [CRITICAL] (expected: no CRITICAL
      fixed hedge, no delay  | forwarding: {hedging: {mode: fixed}}                         | 1:14  | forwarding.hedging: delayMs: missing (expected: the delay before hedging, with mode fixed)
      unknown hedge mode     | forwarding: {hedging: {mode: sometimes}}                     | 1:24  | mode: sometimes (expected: one of [off, latencyMultiple, fixed])
      retry window           | forwarding: {retryBudget: {windowMs: 1500}}                  | 1:28  | windowMs: 1500 (expected: whole seconds from 1000 to 60000)
      attempt percentile     | forwarding: {attemptTimeout: {percentile: 1.0}}             | 1:31  | forwarding.attemptTimeout: percentile: 1.0 (expected: > 0 and < 1)
      zero attempts          | forwarding: {maxAttempts: 0}                                 | 1:14  | maxAttempts: 0 (expected: >= 1)
      health interval        | health: {intervalMs: -5}                                     | 1:10  | health: intervalMs: -5 (expected: > 0)
      jitter                 | scraping: {jitter: 1.5}                                      | 1:12  | scraping: jitter: 1.5 (expected: >= 0 and < 1)
      ejection order         | outliers: {baseEjectionTimeMs: 5000, maxEjectionTimeMs: 1000} | 1:38 | maxEjectionTimeMs: 1000 (expected: >= baseEjectionTimeMs, 5000)
      ejected share          | outliers: {maxEjectedShare: 0}                               | 1:12  | maxEjectedShare: 0.0 (expected: > 0 and <= 1)
      file and etcd          | registry: {file: r.yaml, etcd: {endpoints: [http://127.0.0.1:2379]}} | 1:26 | registry: etcd: set with file (expected: one of file or etcd)
      etcd without endpoints | registry: {etcd: {prefix: /x/}}                              | 1:12  | registry.etcd: endpoints: missing (expected: etcd client URLs
      etcd bad url           | registry: {etcd: {endpoints: [127.0.0.1:2379]}}              | 1:19  | endpoints: 127.0.0.1:2379 (expected: an http:// or https:// URL)
      tenant without name    | tenants: [{models: [a]}]                                     | 1:11  | tenants[0]: name: missing (expected: the tenant's name)
      block style, nested    | 'routing:\n  strategy:\n    name: roundRobin\n    loadFactor: 2' | 4:5 | routing.strategy: strategy roundRobin takes no parameter 'loadFactor'
      bad api key hash       | 'tenants:\n  - name: a\n    keys: [sk-plain]'          | 3:5   | tenants[0]: key hash: 'sk-plain' (expected: the SHA-256 of the key, 64 hex digits)
      negative quota         | 'tenants:\n  - name: a\n    quota: {requestsPerSecond: -1}' | 3:13 | tenants[0].quota: requestsPerSecond: -1.0 (expected: >= 0)
      duplicate key          | 'gateway: {port: 1}\ngateway: {port: 2}'                     | 2:8   | Duplicate Object property "gateway"
      head timeout           | gateway: {headTimeoutMs: -1}                                 | 1:11  | gateway: headTimeoutMs: -1 (expected: >= 0)
      per-address cap        | gateway: {maxConnectionsPerAddress: -1}                      | 1:11  | gateway: maxConnectionsPerAddress: -1 (expected: >= 0)
      upload floor           | gateway: {minRequestBytesPerSecond: -1}                      | 1:11  | gateway: minRequestBytesPerSecond: -1 (expected: >= 0)
      body budget            | gateway: {maxBodyBytes: 1000, maxBytesReading: 10}           | 1:31  | gateway: maxBytesReading: 10 (expected: 0 (automatic) or >= maxBodyBytes 1000)
      explain, no tenant     | gateway: {explainTenants: [nobody]}                          | 1:28  | gateway.explainTenants: tenant nobody is not listed under tenants (expected: one of [])
      trusted proxy          | security: {trustedProxies: [proxy.example.com]}              | 1:12  | security: trustedProxies: trusted proxy: 'proxy.example.com' (expected: an IP address or CIDR range
      hint priority          | security: {hintLimits: {highestPriority: urgent}}            | 1:25  | security.hintLimits: highestPriority: urgent (expected: critical, standard or sheddable)
      hint budget            | 'security:\n  hintLimits:\n    tenants:\n      a: {longestBudgetMs: -1}' | 4:11 | longestBudgetMs: -1 (expected: >= 0)
      hint, no tenant        | security: {hintLimits: {tenants: {nobody: {highestPriority: critical}}}} | 1:35 | security.hintLimits.tenants: tenant nobody is not listed under tenants
      own header allowed     | security: {responseHeaders: {allow: [x-modelrouter-endpoint]}} | 1:30 | security.responseHeaders: allow: header name: 'x-modelrouter-endpoint' (expected: a field that is not the gateway's own
      output tokens          | security: {defaultOutputTokens: -1}                          | 1:12  | security: defaultOutputTokens: -1 (expected: >= 0)
      admin port             | admin: {port: 70000}                                         | 1:9   | admin: port: 70000 (expected: -1 (none) or 0..65535)
      plain metrics token    | admin: {metricsToken: my-metrics-token-in-clear}             | 1:9   | admin: metricsToken: not a SHA-256 hash (expected: sha256: and 64 hex digits
      """)
  void check_aBrokenFile_namesFileLineColumnAndWhatWasExpected(String what, String yaml, String lineColumn, String message)
      throws Exception {
    String file = write("broken.yaml", yaml.replace("\\n", "\n") + "\n");

    int code = check(file);

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("error: " + file + ":" + lineColumn + ": ").contains(message).doesNotContain("\tat ");
  }

  @Test
  void check_aBrokenRegistryFile_namesTheRegistryFile() throws Exception {
    write("registry.yaml", "endpoints:\n  - id: x\n    url: http://127.0.0.1:1\n    weight: -3\n");
    String file = write("gateway.yaml", "registry: registry.yaml\n");

    assertThat(check(file)).isEqualTo(1);
    assertThat(err.toString()).contains("registry.yaml:").contains("weight of endpoint x: -3 (expected: >= 0)");
  }

  @Test
  void check_aMissingFile_saysSo() {
    assertThat(check(dir.resolve("nope.yaml").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("nope.yaml").contains("cannot read");
  }
}
