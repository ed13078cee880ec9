package io.modelrouter;

/**
 * Hears every result of {@link Router#route}: a {@link Decision} or a {@link Rejection}, the hook
 * for counting decisions and rejections (for example {@code RouterMeterBinder}). Called on the
 * routing thread once the result is made; must be quick, must not throw, and should not allocate,
 * since it runs on the selection path. A decision's lease outcome arrives later, through an
 * {@link OutcomeListener}.
 */
@FunctionalInterface
public interface RouteListener {

  /** {@code request} was routed to {@code result}. */
  void onRoute(RouteRequest request, RouteResult result);
}
