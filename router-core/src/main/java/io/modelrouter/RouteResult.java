package io.modelrouter;

/**
 * What {@link Router#route} answers: a {@link Decision} naming an endpoint, or a
 * {@link Rejection} saying why not. Use pattern matching or {@link #isDecision()}.
 */
public sealed interface RouteResult permits Decision, Rejection {

  /** Whether this is a {@link Decision}. */
  boolean isDecision();

  /**
   * This result as a decision.
   *
   * @throws RejectedException carrying the rejection when this is one
   */
  Decision decisionOrThrow();
}
