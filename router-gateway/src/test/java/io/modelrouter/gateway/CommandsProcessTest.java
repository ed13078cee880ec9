package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's subcommands as real processes (the test class path stands in for the jar). */
class CommandsProcessTest {

  @TempDir Path dir;

  private JavaProcesses processes;

  @BeforeEach
  void setUp() {
    processes = new JavaProcesses(dir);
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    processes.close();
  }

  private Process launch(String... args) throws Exception {
    return processes.launch(args);
  }

  @Test
  void simServerAndGateway_printTheListeningLineAndServeUntilStopped() throws Exception {
    Process sim = launch("sim-server", "--port", "0", "--model", "demo-chat", "--latency-ms", "1");
    int simPort = JavaProcesses.awaitListening(sim);
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, Files.readString(Path.of("config/gateway.yaml"))
        .replace("http://127.0.0.1:9101", "http://127.0.0.1:" + simPort)
        .replace("http://127.0.0.1:9102", "http://127.0.0.1:" + simPort));
    Process gateway = launch("gateway", "--config", config.toString(), "--port", "0");
    Http http = new Http("http://127.0.0.1:" + JavaProcesses.awaitListening(gateway));
    String body = "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    assertThat(http.post("/v1/chat/completions", body, bearer("sk-team-a")).statusCode()).isEqualTo(200);

    Process sim2 = launch("sim-server", "--port", "0", "--model", "demo-classifier", "--protocol", "oip");
    Http oip = new Http("http://127.0.0.1:" + JavaProcesses.awaitListening(sim2));
    assertThat(oip.get("/v2/health/ready").statusCode()).isEqualTo(200);

    gateway.destroy();
    assertThat(gateway.waitFor(15, TimeUnit.SECONDS)).as("gateway stops on SIGTERM").isTrue();
  }

  @Test
  void gatewayDemo_servesTheDemoFleetWithTheDemoKey() throws Exception {
    Process gateway = launch("gateway", "--demo", "--port", "0");
    Http http = new Http("http://127.0.0.1:" + JavaProcesses.awaitListening(gateway));
    // demo-chat, demo-chat-mini, demo-classifier, demo-embed and the route demo-assistant
    assertThat(Http.json(http.get("/v1/models", bearer("sk-demo"))).get("data").size()).isEqualTo(5);
    assertThat(http.get("/v1/models").statusCode()).isEqualTo(401);
  }

  @Test
  void badConfig_exitsWithTheProblemAndNoStackTrace() throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "tenants:\n  - name: a\n    keys: [sk-plain]\n");
    Process gateway = launch("gateway", "--config", config.toString());
    assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(gateway.exitValue()).isEqualTo(2);
    String err = Files.readString(processes.stderr(0));
    assertThat(err).contains("bad.yaml").contains("expected: the SHA-256 of the key").doesNotContain("\tat ");
  }
}
