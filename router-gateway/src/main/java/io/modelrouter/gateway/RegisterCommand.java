package io.modelrouter.gateway;

import io.modelrouter.Protocol;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.RegistryException;
import io.modelrouter.registry.RegistryFiles;
import io.modelrouter.registry.etcd.EndpointRegistration;
import io.modelrouter.registry.etcd.EtcdClient;
import io.modelrouter.registry.etcd.EtcdRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code modelrouter register}: runs beside a model server (a pod's sidecar, a VM's service) and
 * keeps its endpoint in the etcd registry while the server's own health check passes (see {@link
 * Sidecar}); every gateway replica on that etcd routes to it within a watch round trip. Stopping
 * the command removes the endpoint at once; killing it removes the endpoint when its lease
 * expires. How a pod or a VM joins the fleet without a registry edit.
 */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description = "Registers a model server's endpoint in etcd on a TTL lease while its health check passes; removes it on exit.")
final class RegisterCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--etcd", required = true, split = ",", paramLabel = "URL",
      description = "etcd client URL(s), such as http://127.0.0.1:2379 (comma-separated or repeated).")
  List<String> etcd;

  @Option(names = "--prefix", paramLabel = "P", defaultValue = EtcdRegistry.DEFAULT_PREFIX,
      description = "Key prefix of the registry (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--id", required = true, description = "The endpoint's id, unique in the registry.")
  String id;

  @Option(names = "--url", required = true, description = "The server's base URL, as gateways reach it, such as http://10.0.0.7:8000.")
  String url;

  @Option(names = "--serves", required = true, split = ",", paramLabel = "MODEL[:VERSION]",
      description = "The models it serves (comma-separated or repeated).")
  List<String> serves;

  @Option(names = "--protocol", defaultValue = "openai", description = "openai or oip (default: ${DEFAULT-VALUE}).")
  String protocol;

  @Option(names = "--server", description = "The server kind, for health checks and metric scraping: vllm, triton, tgi, sglang, generic.")
  String server;

  @Option(names = "--weight", defaultValue = "100", description = "Weight for the weighted strategies (default: ${DEFAULT-VALUE}).")
  int weight;

  @Option(names = "--health-path", description = "The server's health route (default: /health for openai, /v2/health/ready for oip).")
  String healthPath;

  @Option(names = "--interval-ms", defaultValue = "1000", description = "Time between health checks (default: ${DEFAULT-VALUE}).")
  long intervalMs;

  @Option(names = "--timeout-ms", defaultValue = "1000", description = "Deadline of one health check (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  @Option(names = "--unhealthy-threshold", defaultValue = "2",
      description = "Failed checks in a row before the endpoint is removed (default: ${DEFAULT-VALUE}).")
  int unhealthyThreshold;

  @Option(names = "--healthy-threshold", defaultValue = "1",
      description = "Passed checks in a row before it is registered (default: ${DEFAULT-VALUE}).")
  int healthyThreshold;

  @Option(names = "--ttl-seconds", defaultValue = "" + EndpointRegistration.DEFAULT_TTL_SECONDS,
      description = "Lease TTL: how long the endpoint outlives this command if it is killed (default: ${DEFAULT-VALUE}).")
  long ttlSeconds;

  @Override
  public Integer call() throws Exception {
    Endpoint endpoint;
    Sidecar.Probe probe;
    try {
      endpoint = endpoint();
      String path = healthPath != null ? healthPath : endpoint.protocol() == Protocol.OIP ? "/v2/health/ready" : "/health";
      probe = new Sidecar.Probe(URI.create(url.replaceAll("/+$", "") + path), Duration.ofMillis(intervalMs),
          Duration.ofMillis(timeoutMs), healthyThreshold, unhealthyThreshold);
      if (ttlSeconds < 1) {
        throw new IllegalArgumentException("--ttl-seconds: " + ttlSeconds + " (expected: >= 1)");
      }
    } catch (RegistryException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("register: " + e.getMessage());
      return 2;
    }
    EtcdClient client = EtcdClient.builder(etcd).build();
    Sidecar sidecar = new Sidecar(client, endpoint, prefix, Duration.ofSeconds(ttlSeconds), probe, System.out).start();
    System.out.printf("watching %s for %s; registering under %s on %s%n", probe.url(), endpoint.id(), prefix, String.join(",", etcd));
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sidecar.close();
      client.close();
      stopped.countDown();
    }, "register-shutdown"));
    stopped.await();
    return 0;
  }

  /** The endpoint, checked by the registry format's own parser. */
  private Endpoint endpoint() {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("id", id);
    e.put("url", url);
    e.put("protocol", protocol);
    if (server != null) {
      e.put("server", server);
    }
    e.put("serves", serves);
    e.put("weight", weight);
    return RegistryFiles.parseEndpoint(JsonMapper.builder().build().writeValueAsString(e), "register options");
  }
}
