package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.etcd.EtcdClient;
import io.modelrouter.registry.etcd.EtcdRegistryStore;
import io.modelrouter.registry.etcd.EtcdServer;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code modelrouter register} beside a simulated model server, with a real etcd and a gateway
 * reading its registry from there: the endpoint appears and takes traffic, and goes when its
 * server dies (health check) or when the sidecar itself is killed (lease expiry).
 */
class RegisterCommandTest {

  private static final String KEY = "sk-register";
  private static final String PREFIX = "/register-test/";

  private static EtcdServer etcd;

  @TempDir Path dir;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.startOrSkip();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  private ConfiguredGateway gateway() throws Exception {
    try (EtcdClient client = EtcdClient.connect(etcd.url())) {
      EtcdRegistryStore.of(client, PREFIX).put(ModelSpec.builder("demo-chat", "1").build());
    }
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, """
        gateway: {port: 0}
        health: {intervalMs: 500}
        registry: {etcd: {endpoints: ["%s"], prefix: "%s", shareQuotas: false}}
        tenants: [{name: t, keys: ["%s"], models: ["*"]}]
        """.formatted(etcd.url(), PREFIX, ApiKeyAuthenticator.hash(KEY)));
    return ConfiguredGateway.start(GatewayConfig.read(file));
  }

  private static String servedBy(Http http) throws Exception {
    HttpResponse<String> r = http.post("/v1/chat/completions",
        "{\"model\":\"demo-chat\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", bearer(KEY));
    return r.statusCode() == 200 ? r.headers().firstValue("x-modelrouter-endpoint").orElse("-") : "status " + r.statusCode();
  }

  @Test
  void sidecarsEndpoint_appearsTakesTrafficAndGoesWhenItsServerOrItselfDies() throws Exception {
    try (SimServer sim = SimServer.openai("demo-chat").start();
        ConfiguredGateway gw = gateway();
        JavaProcesses processes = new JavaProcesses(dir)) {
      Http http = new Http(gw.app().baseUrl());
      processes.launch("register", "--etcd", etcd.url(), "--prefix", PREFIX, "--id", "sim-1", "--url", sim.baseUrl(),
          "--serves", "demo-chat", "--server", "vllm", "--interval-ms", "200", "--ttl-seconds", "2");

      Await.untilAsserted("sim-1 takes traffic", Duration.ofSeconds(15), () -> assertThat(servedBy(http)).isEqualTo("sim-1"));
      assertThat(sim.requestCount()).isPositive();

      // The server dies: its health check fails twice and the sidecar removes the endpoint.
      sim.kill();
      Await.until("sim-1 gone after its server died", () -> gw.registry().snapshot().endpoint("sim-1") == null);

      // It comes back: registered again. Then the sidecar is killed (SIGKILL): the lease expires.
      sim.restart();
      Await.untilAsserted("sim-1 back", () -> assertThat(servedBy(http)).isEqualTo("sim-1"));
      Process sidecar = processes.launched().get(0);
      sidecar.destroyForcibly().waitFor();
      Await.until("sim-1 gone when its lease expired", () -> gw.registry().snapshot().endpoint("sim-1") == null);
    }
  }

  @Test
  void register_badOptions_exitWithTheProblem() {
    StringWriter err = new StringWriter();

    int code = new CommandLine(new Main()).setErr(new PrintWriter(err, true)).execute(
        "register", "--etcd", "http://127.0.0.1:1", "--id", "x", "--url", "http://127.0.0.1:9", "--serves", "m",
        "--protocol", "grpc");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("register: ").contains("grpc").doesNotContain("\tat ");
  }
}
