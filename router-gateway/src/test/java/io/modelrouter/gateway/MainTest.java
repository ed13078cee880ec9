package io.modelrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void run_withHelp_exitsZero() {
    assertThat(Main.run("--help")).isZero();
  }

  @Test
  void run_withUnknownSubcommand_exitsNonZero() {
    assertThat(Main.run("no-such-command")).isNotZero();
  }
}
