package io.modelrouter.testing;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a {@link SimFleet} around tests and stops it after. Registered on a {@code static}
 * field, one fleet serves the whole class (started before all tests); on an instance field, each
 * test gets a fresh fleet, so faults one test sets never reach the next. Test methods receive the
 * fleet as a {@link SimFleet} parameter, or read {@link #fleet()}.
 *
 * <pre>{@code
 * @RegisterExtension
 * final SimFleetExtension sims = SimFleetExtension.of(SimFleet.builder().openai("chat", 2));
 *
 * @Test
 * void route_avoidsHungServer(SimFleet fleet) { ... }
 * }</pre>
 */
public final class SimFleetExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private final SimFleet.Builder declaration;
  private @Nullable SimFleet fleet;
  private boolean perClass;

  private SimFleetExtension(SimFleet.Builder declaration) {
    this.declaration = declaration;
  }

  /** An extension that starts the fleet {@code declaration} describes. */
  public static SimFleetExtension of(SimFleet.Builder declaration) {
    return new SimFleetExtension(Objects.requireNonNull(declaration, "declaration"));
  }

  /** The running fleet. */
  public SimFleet fleet() {
    SimFleet f = fleet;
    if (f == null) {
      throw new IllegalStateException("the simulated fleet runs only while a test does");
    }
    return f;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    fleet = SimFleet.startUnchecked(declaration);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      fleet = SimFleet.startUnchecked(declaration);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  private void stop() {
    SimFleet f = fleet;
    fleet = null;
    if (f != null) {
      f.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SimFleet.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return fleet();
  }
}
