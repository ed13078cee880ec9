package io.modelrouter;

import io.modelrouter.registry.ModelSpec;
import org.jspecify.annotations.Nullable;

/**
 * Checks a request's input against the model version it resolved to, inside
 * {@link Router#route}: after the version is known, before any endpoint is considered, so that
 * nothing invalid ever reaches an endpoint. The payload to check travels in
 * {@link RouteRequest#payload()}.
 */
@FunctionalInterface
public interface InputValidator {

  /**
   * @return null when the input is acceptable for {@code model}; otherwise the rejection, usually
   *     {@link RejectionReason#INVALID_INPUT} with its {@link Violation}s
   */
  @Nullable Rejection validate(ModelSpec model, RouteRequest request);

  /** A validator that accepts everything. */
  static InputValidator acceptAll() {
    return AcceptAll.INSTANCE;
  }
}

final class AcceptAll implements InputValidator {
  static final AcceptAll INSTANCE = new AcceptAll();

  private AcceptAll() {}

  @Override
  public @Nullable Rejection validate(ModelSpec model, RouteRequest request) {
    return null;
  }
}
