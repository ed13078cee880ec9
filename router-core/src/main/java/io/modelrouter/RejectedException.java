package io.modelrouter;

/** Thrown by {@link RouteResult#decisionOrThrow()} for a {@link Rejection}; carries it. */
public final class RejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Rejection rejection;

  public RejectedException(Rejection rejection) {
    super(rejection.reason().code() + ": " + rejection.message(), null, false, false);
    this.rejection = rejection;
  }

  public Rejection rejection() {
    return rejection;
  }
}
