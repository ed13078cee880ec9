package io.modelrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

class SimFleetExtensionTest {

  /** Base URLs seen by the per-test fleet's tests: each test must get new servers. */
  static final Set<String> perTestUrls = new HashSet<>();

  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class PerTest {
    @RegisterExtension
    final SimFleetExtension sims = SimFleetExtension.of(SimFleet.builder().openai("chat", 1));

    @Test
    @Order(1)
    void first_getsAFleetAsAParameter(SimFleet fleet) {
      assertThat(fleet).isSameAs(sims.fleet());
      assertThat(fleet.server("chat-0").isRunning()).isTrue();
      fleet.server("chat-0").hang(true);
      assertThat(perTestUrls.add(fleet.baseUrl("chat-0"))).isTrue();
    }

    @Test
    @Order(2)
    void second_getsAFreshFleet(SimFleet fleet) {
      assertThat(perTestUrls.add(fleet.baseUrl("chat-0"))).as("a new server, not the first test's").isTrue();
      assertThat(fleet.outcomes()).isEmpty();
    }
  }

  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class PerClass {
    @RegisterExtension
    static final SimFleetExtension shared = SimFleetExtension.of(SimFleet.builder().openai("chat", 1));
    static String firstUrl = "";

    @Test
    @Order(1)
    void first(SimFleet fleet) {
      firstUrl = fleet.baseUrl("chat-0");
    }

    @Test
    @Order(2)
    void second_seesTheSameFleet(SimFleet fleet) {
      assertThat(fleet.baseUrl("chat-0")).isEqualTo(firstUrl);
    }
  }
}
