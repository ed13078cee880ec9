package io.modelrouter.http.gateway;

import io.modelrouter.http.ProxyResponse;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Stops an exchange's upstream call when its client goes away ({@link
 * AsyncGatewayResponse#onClientGone}): before the answer's headers, the routing client's future is
 * cancelled (its calls cancelled, their leases completed as cancelled); after them, the answer
 * itself ({@link ProxyResponse#cancel}). Either way the exchange then ends at once, giving back
 * the tenant's slot and the shedder's, instead of holding them until the request's deadline; the
 * request listeners hear {@value #CLIENT_CLOSED}. Thread-safe: the departure may be noticed on any
 * thread, before, during or after the call starts.
 */
final class ClientDeparture implements Runnable {

  /** The status the request listeners hear when the client left before its answer ended: nginx's 499. */
  static final int CLIENT_CLOSED = 499;

  private volatile @Nullable CompletableFuture<ProxyResponse> call;
  private volatile @Nullable ProxyResponse answer;
  private volatile boolean gone;

  /** The client went away. */
  @Override
  public void run() {
    gone = true;
    CompletableFuture<ProxyResponse> c = call;
    if (c != null) {
      c.cancel(false);
    }
    ProxyResponse a = answer;
    if (a != null) {
      a.cancel();
    }
  }

  /** Notes the call in flight; cancels it at once if the client went away already. */
  void calling(CompletableFuture<ProxyResponse> future) {
    call = future;
    if (gone) {
      future.cancel(false);
    }
  }

  /** Notes the answer being copied; cancels it at once if the client went away already. */
  void answered(ProxyResponse response) {
    answer = response;
    if (gone) {
      response.cancel();
    }
  }

  /** Whether the client went away. */
  boolean gone() {
    return gone;
  }
}
