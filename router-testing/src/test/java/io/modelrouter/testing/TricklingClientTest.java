package io.modelrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TricklingClientTest {

  @Test
  void start_writesTheBytesOneByOneInOrder_andStopsAtTheEnd() throws Exception {
    byte[] bytes = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept();
        TricklingClient slow = TricklingClient.start(client, bytes, Duration.ofMillis(5))) {
      InputStream in = accepted.getInputStream();
      byte[] got = in.readNBytes(bytes.length);
      assertThat(got).isEqualTo(bytes);
      Await.until("every byte counted", () -> slow.sent() == bytes.length);
      assertThat(Await.holdsWithin(Duration.ofMillis(100), () -> slow.sent() > bytes.length)).isFalse();
    }
  }

  @Test
  void start_stopsWhenThePeerCloses() throws Exception {
    byte[] bytes = new byte[10_000];
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        TricklingClient slow = TricklingClient.start(client, bytes, Duration.ofMillis(5))) {
      server.accept().close();
      Await.untilAsserted("writes stop after the peer closed", () -> {
        int sent = slow.sent();
        assertThat(Await.holdsWithin(Duration.ofMillis(200), () -> slow.sent() != sent)).isFalse();
      });
      assertThat(slow.sent()).isLessThan(bytes.length);
    }
  }

  @Test
  void start_rejectsANonPositiveInterval() throws Exception {
    try (Socket unconnected = new Socket()) {
      assertThatThrownBy(() -> TricklingClient.start(unconnected, new byte[1], Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every");
    }
  }
}
