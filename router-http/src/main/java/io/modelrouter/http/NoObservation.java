package io.modelrouter.http;

/** The observer and observation of nothing. */
enum NoObservation implements ForwardingObserver, ForwardingObserver.Observation {
  OBSERVER;

  @Override
  public Observation start(ProxyRequest request, String requestId) {
    return this;
  }
}
