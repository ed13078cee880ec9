package io.modelrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Router;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.GatewayHandler;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.InMemoryRegistry;
import io.modelrouter.registry.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Jetty gateway between a hostile client and a hostile upstream on 127.0.0.1 (issue 17), over raw sockets. */
class GatewayServerSecurityTest {

  static final String OIP = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1.0]}]}";
  static final String CHAT = "{\"model\":\"m\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  RecordingUpstream upstream;
  RoutingClient client;

  @BeforeEach
  void setUp() throws IOException {
    upstream = new RecordingUpstream();
    InMemoryRegistry registry = InMemoryRegistry.create();
    registry.replace(List.of(ModelSpec.builder("m", "1").build(), ModelSpec.builder("my model", "1").build(),
            ModelSpec.builder("mod\u00e8le", "1").build()),
        List.of(Endpoint.builder("e", upstream.baseUrl()).serves("m", "my model", "mod\u00e8le").build()));
    client = RoutingClient.builder(Router.builder(registry).build()).build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  GatewayHandler.Builder handler() {
    return GatewayHandler.builder(client)
        .authenticator(ApiKeyAuthenticator.of(Map.of(ApiKeyAuthenticator.hash("k"), Tenant.unlimited("t"))));
  }

  static String post(int port, String target, String extraHeaders, String body) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      out.write(("POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n"
          + "Connection: close\r\n" + extraHeaders + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void forwarding_sendsTheRawPathAndQuery_forModelNamesWithSpacesOrNonAscii() throws IOException {
    try (GatewayServer server = GatewayServer.builder(handler().build()).port(0).build().start()) {
      assertThat(post(server.port(), "/v2/models/my%20model/infer?trace=1&x=%2F", "", OIP)).startsWith("HTTP/1.1 200");
      assertThat(upstream.lastTarget).isEqualTo("/v2/models/my%20model/infer?trace=1&x=%2F");
      assertThat(post(server.port(), "/v2/models/mod%C3%A8le/infer", "", OIP)).startsWith("HTTP/1.1 200");
      assertThat(upstream.lastTarget).isEqualTo("/v2/models/mod%C3%A8le/infer");
      assertThat(post(server.port(), "/v1/chat/completions?api-version=2024", "", CHAT)).startsWith("HTTP/1.1 200");
      assertThat(upstream.lastTarget).isEqualTo("/v1/chat/completions?api-version=2024");
    }
  }
}
