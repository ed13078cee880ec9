package io.modelrouter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of a simulator, driven with raw sockets on 127.0.0.1. */
class FaultProxyTest {

  private static final String CHAT = "{\"model\":\"m\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private SimServer sim;
  private FaultProxy proxy;

  @BeforeEach
  void setUp() throws IOException {
    sim = SimServer.openai("m").start();
    proxy = FaultProxy.to(sim.port()).start();
  }

  @AfterEach
  void tearDown() {
    proxy.close();
    sim.close();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(5000);
    return s;
  }

  /** Checks that nothing comes for half a second. */
  private static void assertSilent(Socket s) throws IOException {
    s.setSoTimeout(500);
    assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    s.setSoTimeout(5000);
  }

  private static void sendChat(Socket s) throws IOException {
    String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT;
    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** Reads until {@code text} has come, the end, or the read timeout (which throws). */
  private static String readUntil(Socket s, String text) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[4096];
    while (sb.indexOf(text) < 0) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
    }
    return sb.toString();
  }

  @Test
  void none_passesRequestsAndAnswersThrough() throws IOException {
    try (Socket s = connect()) {
      sendChat(s);
      assertThat(readUntil(s, "\"usage\"")).startsWith("HTTP/1.1 200").contains("\"usage\"");
      sendChat(s);
      assertThat(readUntil(s, "\"usage\"")).startsWith("HTTP/1.1 200");
    }
    assertThat(proxy.requestCount()).isEqualTo(2);
  }

  @Test
  void freeze_holdsEverythingUntilLifted() throws IOException {
    proxy.fault(Fault.freeze());
    try (Socket s = connect()) {
      sendChat(s);
      assertSilent(s);
      proxy.fault(Fault.none());
      assertThat(readUntil(s, "\"usage\"")).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void stopMidRequest_readsTheRequestAndNeverAnswers() throws Exception {
    proxy.fault(Fault.stopMidRequest());
    try (Socket s = connect()) {
      sendChat(s);
      assertSilent(s);
    }
    assertThat(proxy.requestCount()).isEqualTo(1);
    assertThat(sim.requestCount()).isZero();
  }

  @Test
  void stopMidStream_passesTheFirstBytesThenNothing() throws IOException {
    proxy.fault(Fault.stopMidStream(20));
    try (Socket s = connect()) {
      sendChat(s);
      byte[] head = s.getInputStream().readNBytes(20);
      assertThat(new String(head, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
      assertSilent(s);
    }
  }

  @Test
  void resetAfterBytes_resetsTheConnection() throws IOException {
    proxy.fault(Fault.resetAfterBytes(0));
    try (Socket s = connect()) {
      sendChat(s);
      int first;
      try {
        first = s.getInputStream().read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("neither answered nor reset", e);
      } catch (IOException reset) {
        first = -1;
      }
      assertThat(first).as("no byte of an answer").isEqualTo(-1);
    }
  }

  @Test
  void acceptNeverRead_acceptsButAnswersNothing() throws IOException {
    proxy.fault(Fault.acceptNeverRead());
    try (Socket s = connect()) {
      sendChat(s);
      assertSilent(s);
    }
    assertThat(proxy.requestCount()).isZero();
  }

  @Test
  void crashOnRequest_readsItThenStopsListeningUntilRestarted() throws IOException {
    proxy.fault(Fault.crashOnRequest());
    try (Socket s = connect()) {
      sendChat(s);
      assertThat(readUntil(s, "never")).as("no answer, the connection ends").isEmpty();
    } catch (IOException reset) {
      // a reset is how a crash looks too
    }
    assertThat(proxy.requestCount()).isEqualTo(1);
    assertThat(proxy.isRunning()).isFalse();
    assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);

    proxy.restart();
    try (Socket s = connect()) {
      sendChat(s);
      assertThat(readUntil(s, "\"usage\"")).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void resetReusedWhileReading_resetsTheSecondRequestOfAConnectionOnce() throws IOException {
    proxy.fault(Fault.resetReusedWhileReading());
    try (Socket s = connect()) {
      sendChat(s);
      assertThat(readUntil(s, "\"usage\"")).startsWith("HTTP/1.1 200");
      sendChat(s);
      assertThatThrownBy(() -> readUntil(s, "\"usage\"")).isInstanceOf(IOException.class);
    }
    assertThat(proxy.fault()).isEqualTo(Fault.none());
    assertThat(proxy.requestCount()).isEqualTo(1);
  }
}
