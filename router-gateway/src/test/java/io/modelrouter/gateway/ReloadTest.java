package io.modelrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.testing.Await;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants, keys and quotas reloaded from the configuration file while the gateway serves: on a
 * change of the file and on SIGHUP, over connections that stay open; a broken file keeps the last
 * good tenants and says why. The registry file the configuration names reloads the same way.
 */
class ReloadTest {

  @TempDir Path dir;

  private static String config(long reloadMs, String... tenantAndKey) {
    StringBuilder tenants = new StringBuilder();
    for (int i = 0; i < tenantAndKey.length; i += 2) {
      tenants.append("  - {name: ").append(tenantAndKey[i]).append(", keys: [\"")
          .append(ApiKeyAuthenticator.hash(tenantAndKey[i + 1])).append("\"], models: [\"*\"]}\n");
    }
    return "gateway: {port: 0}\nregistry: {reloadIntervalMs: " + reloadMs + "}\nmodels: [{name: m, version: \"1\"}]\n"
        + "tenants:\n" + tenants;
  }

  @Test
  void fileChange_swapsTenantsOverOpenConnections_andABrokenFileKeepsTheLastGoodOnes() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, config(50, "a", "sk-a"));
    try (ConfiguredGateway gw = ConfiguredGateway.start(GatewayConfig.read(file));
        KeepAlive conn = new KeepAlive(gw.app().port())) {
      assertThat(conn.models("sk-a")).isEqualTo(200);
      assertThat(conn.models("sk-b")).isEqualTo(401);

      Files.writeString(file, config(50, "a", "sk-a", "b", "sk-b"));
      Await.untilAsserted("key b accepted", () -> assertThat(conn.models("sk-b")).isEqualTo(200));

      Files.writeString(file, config(50, "a", "sk-a", "b", "sk-b") + "  - {name: c, keys: [sk-plain]}\n");
      Await.until("bad reload reported", () -> gw.lastReloadError() != null);
      assertThat(gw.lastReloadError()).contains("gateway.yaml:").contains("key hash: 'sk-plain'");
      assertThat(conn.models("sk-a")).isEqualTo(200);
      assertThat(conn.models("sk-b")).isEqualTo(200);

      Files.writeString(file, config(50, "b", "sk-b"));
      Await.untilAsserted("key a revoked", () -> assertThat(conn.models("sk-a")).isEqualTo(401));
      assertThat(gw.lastReloadError()).isNull();
      assertThat(conn.models("sk-b")).isEqualTo(200);
      assertThat(conn.requests()).as("every request on one connection").isGreaterThanOrEqualTo(8);
    }
  }

  @Test
  void sighup_reloadsTheTenantsOfARunningGatewayProcess() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, config(3_600_000, "a", "sk-a"));
    try (JavaProcesses processes = new JavaProcesses(dir)) {
      Process gateway = processes.launch("gateway", "--config", file.toString());
      Http http = new Http("http://127.0.0.1:" + JavaProcesses.awaitListening(gateway));
      assertThat(http.get("/v1/models", Http.bearer("sk-b")).statusCode()).isEqualTo(401);

      Files.writeString(file, config(3_600_000, "a", "sk-a", "b", "sk-b"));
      new ProcessBuilder("kill", "-HUP", Long.toString(gateway.pid())).start().waitFor();

      Await.untilAsserted("key b accepted after SIGHUP",
          () -> assertThat(http.get("/v1/models", Http.bearer("sk-b")).statusCode()).isEqualTo(200));
      assertThat(gateway.isAlive()).isTrue();
    }
  }

  @Test
  void registryFileChange_isRoutedAfterReload_andABrokenEditKeepsTheLastGoodRegistry() throws Exception {
    Path registry = dir.resolve("registry.yaml");
    String one = "models: [{name: m, version: \"1\"}]\nendpoints:\n  - {id: e1, url: \"http://127.0.0.1:9001\", serves: [m]}\n";
    Files.writeString(registry, one);
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, config(50, "a", "sk-a").replace("registry: {reloadIntervalMs: 50}\nmodels: [{name: m, version: \"1\"}]\n",
        "registry: {file: registry.yaml, reloadIntervalMs: 50}\n"));
    try (ConfiguredGateway gw = ConfiguredGateway.start(GatewayConfig.read(file))) {
      assertThat(gw.registry().snapshot().endpoint("e1")).isNotNull();

      Files.writeString(registry, one + "  - {id: e2, url: \"http://127.0.0.1:9002\", serves: [m]}\n");
      Await.until("e2 loaded", () -> gw.registry().snapshot().endpoint("e2") != null);

      Files.writeString(registry, one + "  - {id: e3, url: \"http://127.0.0.1:9003\", serves: [m], weight: -1}\n");
      Await.until("bad registry reported", () -> gw.lastRegistryReloadError() != null);
      assertThat(gw.lastRegistryReloadError()).contains("registry.yaml:").contains("weight of endpoint e3: -1");
      assertThat(gw.registry().snapshot().endpoint("e2")).as("the last good registry still serves").isNotNull();
      assertThat(gw.registry().snapshot().endpoint("e3")).isNull();
    }
  }

  /** One HTTP/1.1 connection kept open across requests. */
  private static final class KeepAlive implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int requests;

    KeepAlive(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    /** {@code GET /v1/models} with the key; the status. Fails if the server closed the connection. */
    int models(String key) throws IOException {
      out.write(("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = line();
      int length = 0;
      boolean chunked = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(h.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          throw new AssertionError("the gateway closed the connection");
        }
      }
      if (chunked) {
        for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
          in.readNBytes(size);
          line();
        }
        line();
      } else {
        in.readNBytes(length);
      }
      requests++;
      return Integer.parseInt(status.split(" ")[1]);
    }

    int requests() {
      return requests;
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c != '\r') {
          b.write(c);
        }
      }
      return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
