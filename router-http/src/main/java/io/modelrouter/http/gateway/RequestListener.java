package io.modelrouter.http.gateway;

/**
 * Hears every request the gateway answered, once, after the answer was sent or failed: the hook
 * for access logs ({@link AccessLog}) and the gateway's metrics ({@code RouterMetrics}). Called on
 * the thread that ended the exchange; must be quick and must not throw.
 */
@FunctionalInterface
public interface RequestListener {

  void onRequest(CompletedRequest request);
}
