package io.modelrouter.gateway;

import static io.modelrouter.gateway.Http.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in a child JVM with a small heap: many connections that each declare a 4 MiB body and
 * send 9 bytes of it do not run it out of memory, and other callers are still served.
 */
class DeclaredBodyMemoryTest {

  private static final Pattern LISTENING = Pattern.compile("^listening on http://127\\.0\\.0\\.1:(\\d+)$");
  private static final int ATTACKERS = 200;

  @TempDir Path dir;

  @Test
  void declaredBodiesThatNeverArrive_takeNoMemory_andOthersAreServed() throws Exception {
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    Process gateway = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "gateway", "--demo", "--port", "0"))
        .redirectError(stderr.toFile()).start();
    List<Socket> attackers = new ArrayList<>();
    try {
      int port = awaitListening(gateway, stdout);
      byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-demo\r\n"
          + "Content-Type: application/json\r\nContent-Length: 4194304\r\n\r\n{\"model\":")
          .getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < ATTACKERS; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        attackers.add(s);
        OutputStream out = s.getOutputStream();
        out.write(head);
        out.flush();
      }
      Http http = new Http("http://127.0.0.1:" + port);
      String chat = "{\"model\":\"demo-chat\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      for (int i = 0; i < 5; i++) {
        assertThat(http.post("/v1/chat/completions", chat, bearer("sk-demo")).statusCode()).isEqualTo(200);
      }
      assertThat(gateway.isAlive()).isTrue();
    } finally {
      for (Socket s : attackers) {
        s.close();
      }
      gateway.destroy();
      if (!gateway.waitFor(15, TimeUnit.SECONDS)) {
        gateway.destroyForcibly();
      }
    }
    assertThat(Files.readString(stderr) + Files.readString(stdout)).doesNotContain("OutOfMemoryError");
  }

  /** Copies stdout to a file until the listening line; returns the port (the rest is copied in the background). */
  private static int awaitListening(Process p, Path copy) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      Matcher m = LISTENING.matcher(line);
      if (m.matches()) {
        Thread drain = new Thread(() -> {
          try (BufferedReader r = out) {
            for (String l; (l = r.readLine()) != null; ) {
              Files.writeString(copy, l + "\n", StandardCharsets.UTF_8,
                  java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
          } catch (Exception e) {
            // the process ended
          }
        }, "gateway-stdout");
        drain.setDaemon(true);
        drain.start();
        Files.writeString(copy, seen.toString(), StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("no 'listening on' line; exit " + p.waitFor() + "\n" + seen);
  }
}
