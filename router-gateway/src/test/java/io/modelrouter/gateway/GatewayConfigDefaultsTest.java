package io.modelrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a configuration that says nothing gets: the safe choice. */
class GatewayConfigDefaultsTest {

  @TempDir Path dir;

  @Test
  void read_withoutExplain_turnsExplanationsOff() throws IOException {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, String.join("\n",
        "tenants: []",
        "models:",
        "  - name: demo-chat",
        "    version: \"1\"",
        "endpoints:",
        "  - id: chat-a",
        "    url: http://127.0.0.1:9001",
        "    serves: [demo-chat]",
        ""));
    assertThat(GatewayConfig.read(file).server().explain()).isFalse();
  }
}
