package io.modelrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.simulator.SimServer;
import io.modelrouter.testing.Await;
import io.modelrouter.testing.ServedConnection;
import io.modelrouter.testing.TricklingClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway started from a configuration file, showing that the connection and body limits of
 * {@code gateway:} take effect, on raw sockets (the limits are about what a client sends, and how
 * slowly).
 */
class GatewayConnectionSettingsEndToEndTest {

  private static final String KEY = "sk-connections";
  private static final String CHAT = "{\"model\":\"chat\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @TempDir Path dir;

  private ConfiguredGateway start(SimServer sim, String gateway) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, """
        gateway: %s
        tenants:
          - {name: t, keys: ["%s"], models: ["*"]}
        models:
          - {name: chat, version: "1"}
        endpoints:
          - {id: sim, url: "%s", serves: [chat]}
        """.formatted(gateway, ApiKeyAuthenticator.hash(KEY), sim.baseUrl()));
    return ConfiguredGateway.start(GatewayConfig.read(file));
  }

  @Test
  void headTimeoutMs_cutsOffAHeadTricklingInUnderTheIdleTimeout() throws Exception {
    byte[] head = ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(60) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    try (SimServer sim = SimServer.openai("chat").start();
        ConfiguredGateway gw = start(sim, "{port: 0, idleTimeoutMs: 30000, headTimeoutMs: 1000}");
        Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.app().port());
        TricklingClient slow = TricklingClient.start(s, head, Duration.ofMillis(100))) {
      s.setSoTimeout(5_000); // the whole head would take 8 s
      assertThat(closedByServer(s)).isTrue();
      assertThat(slow.sent()).isLessThan(head.length);
    }
  }

  @Test
  void maxConnectionsPerAddress_closesTheConnectionPastTheCap() throws Exception {
    try (SimServer sim = SimServer.openai("chat").start();
        ConfiguredGateway gw = start(sim, "{port: 0, maxConnections: 16, maxConnectionsPerAddress: 2}");
        Socket a = ServedConnection.open(gw.app().port());
        Socket b = ServedConnection.open(gw.app().port());
        Socket c = new Socket(InetAddress.getLoopbackAddress(), gw.app().port())) {
      c.setSoTimeout(5_000);
      assertThat(closedByServer(c)).isTrue();
      a.setSoTimeout(300);
      assertThat(closedByServer(a)).isFalse();
    }
  }

  @Test
  void minRequestBytesPerSecond_cutsOffASlowerUpload() throws Exception {
    try (SimServer sim = SimServer.openai("chat").start();
        ConfiguredGateway gw = start(sim, "{port: 0, idleTimeoutMs: 30000, minRequestBytesPerSecond: 4096}");
        Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.app().port())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      s.setSoTimeout(200);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      String answer = "";
      // 10 bytes every 200 ms: 50 B/s, far below the floor, and the 100 kB body would take half an hour
      while (System.nanoTime() < end) {
        try {
          out.write("          ".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } catch (SocketException closed) {
          break;
        }
        try {
          byte[] buf = new byte[4096];
          int n = s.getInputStream().read(buf);
          answer = n < 0 ? "closed" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
          break;
        } catch (SocketTimeoutException stillReading) {
          // keep trickling
        } catch (SocketException reset) {
          answer = "reset";
          break;
        }
      }
      assertThat(answer).matches("(?s)(HTTP/1.1 408.*|closed|reset)");
    }
  }

  @Test
  void maxBytesReading_refusesBodiesPastTheGatewaysBudget() throws Exception {
    int limit = 64 * 1024;
    try (SimServer sim = SimServer.openai("chat").start();
        ConfiguredGateway gw = start(sim, "{port: 0, maxBodyBytes: " + limit + ", maxBytesReading: " + limit + "}");
        Socket big = new Socket(InetAddress.getLoopbackAddress(), gw.app().port())) {
      OutputStream out = big.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: " + limit + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(new byte[limit - 1024]); // and holds the rest
      out.flush();
      Await.untilAsserted("a 503 while the big body holds the budget",
          () -> assertThat(post(gw.app().port())).startsWith("HTTP/1.1 503"));
      big.close();
      Await.untilAsserted("a 200 once the budget is given back",
          () -> assertThat(post(gw.app().port())).startsWith("HTTP/1.1 200"));
    }
  }

  private static String post(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      byte[] b = CHAT.getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + b.length + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(b);
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }


  /** Whether the server closes {@code s} before its read timeout. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // an error answer before the close is fine
      }
      return true;
    } catch (SocketException reset) {
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    }
  }
}
