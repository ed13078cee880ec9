package io.modelrouter.http;

import io.modelrouter.Decision;
import io.modelrouter.Outcome;
import io.modelrouter.RejectedException;
import io.modelrouter.Rejection;
import io.modelrouter.RouteRequest;
import io.modelrouter.http.internal.ModelRewrite;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.RouteResult;
import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointState;
import io.modelrouter.http.internal.Redelivery;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One client request on its way through the {@link RoutingClient}: its attempts (first try,
 * retries, hedge), its deadline and its outcome. The blocking form runs on the caller's thread; the
 * asynchronous form is driven by the transport's callbacks and the hedge timer, under this object's
 * lock.
 */
final class Exchange {

  /** One call to one endpoint. Also its own transport listener, so that an attempt is one object. */
  final class Attempt implements Transport.Listener {
    final Decision decision;
    final RoutingClient.Target target;
    final boolean hedge;
    final Transport.Call call;
    final ForwardingObserver.AttemptObservation observed;
    volatile boolean cancelledByUs;
    /** The per-attempt timeout (issue 16). */
    final AttemptTimer timer = new AttemptTimer();

    Attempt(Decision decision, boolean hedge, RoutingClient.Target target, Transport.Call call,
        ForwardingObserver.AttemptObservation observed) {
      this.decision = decision;
      this.target = target;
      this.hedge = hedge;
      this.call = call;
      this.observed = observed;
    }

    /** Completes this attempt's lease and tells its observation. */
    void complete(Outcome outcome) {
      decision.lease().complete(outcome);
      observed.ended(outcome);
    }

    @Override
    public void onFailure(IOException e) {
      onAttemptFailure(this, e);
    }

    @Override
    public void onResponse(Transport.Response response) {
      onAttemptResponse(this, response);
    }
  }

  private final RoutingClient client;
  private final ProxyRequest request;
  private final Ticker ticker;
  private final long deadlineNanos;
  private final String requestId;
  /** Lower-case names and values, alternating, for every attempt. */
  private final String[] headers;
  private final byte @Nullable [] body;
  private final @Nullable String contentType;
  private RouteRequest route;
  private int attempts;
  /** Model routes: the route the request named, and the body naming the model last chosen (see ModelRewrite). */
  private @Nullable String routeName;
  private @Nullable String splicedFor;
  private byte @Nullable [] spliced;
  /** Which failures are sent again; endpoints that failed the request after receiving it (issue 16). */
  private final RetryPolicy policy;
  private int receivedFailures;
  private final ForwardingObserver.Observation observation;

  // asynchronous form only, guarded by this
  private @Nullable CompletableFuture<ProxyResponse> future;
  private final List<Attempt> live = new ArrayList<>(2);
  private boolean done;
  private @Nullable ScheduledFuture<?> hedgeTimer;

  Exchange(RoutingClient client, ProxyRequest request) {
    this.client = client;
    this.request = request;
    this.ticker = client.router.ticker();
    this.route = request.route();
    long budget = route.latencyBudgetNanos();
    this.deadlineNanos = budget > 0 ? ticker.nanoTime() + budget : 0;
    this.requestId = HeaderRules.requestId(request.header(RoutingClient.REQUEST_ID_HEADER));
    this.headers = HeaderRules.outgoing(request.namesAndValues(), client.forwardCredentials, requestId);
    String method = request.method();
    boolean bodiless = method.equals("GET") || method.equals("HEAD");
    this.body = bodiless ? null : request.body();
    this.contentType = bodiless ? null : request.contentType();
    this.policy = client.retryPolicy(route.model());
    this.observation = client.observer.start(request, requestId);
  }

  // ------------------------------------------------------------------ blocking

  ProxyResponse runBlocking() throws IOException {
    client.retryBudget.deposit();
    Decision d = firstDecision();
    while (true) {
      Attempt a = newAttempt(d, false);
      Transport.Response response;
      try {
        armAttemptTimeout(a);
        response = a.call.execute();
        if (!a.timer.answered()) {
          response.close();
          throw abandonedFailure();
        }
      } catch (IOException e) {
        a.timer.disarm();
        a.complete(outcomeOf(a, e));
        Decision next = retryable(a, e) ? retryDecision(a) : null;
        if (next == null) {
          throw failure(a, e);
        }
        d = next;
        continue;
      }
      if (Redelivery.refusedByStatus(response.status())) {
        Decision next = retryDecision(a);
        if (next != null) {
          a.complete(Outcome.ofStatus(response.status()));
          response.close();
          d = next;
          continue;
        }
      }
      return respond(a, response);
    }
  }

  // ------------------------------------------------------------------ asynchronous

  CompletableFuture<ProxyResponse> runAsync() {
    CompletableFuture<ProxyResponse> f = new CompletableFuture<>();
    this.future = f;
    f.whenComplete((r, t) -> {
      if (t instanceof CancellationException) {
        cancelAll();
        observation.failed(new ForwardingException(ForwardingException.Kind.CANCELLED, "cancelled by the caller", null,
            attempts, null));
      }
    });
    client.retryBudget.deposit();
    Decision d;
    try {
      d = firstDecision();
    } catch (RejectedException e) {
      f.completeExceptionally(e);
      return f;
    }
    synchronized (this) {
      if (!done) {
        launch(d, false);
      } else {
        d.lease().close();
      }
    }
    return f;
  }

  /** Sends an attempt; a failure to prepare it ends the exchange. Holds the lock. */
  private void launch(Decision d, boolean hedge) {
    Attempt a;
    try {
      a = newAttempt(d, hedge);
    } catch (RuntimeException e) {
      finishLocked();
      future.completeExceptionally(e);
      return;
    }
    live.add(a);
    a.call.start(a);
    armAttemptTimeout(a);
    if (!hedge && client.hedgePolicy.enabled() && attempts < client.maxAttempts && hedgeTimer == null) {
      EndpointState state = client.router.registry().snapshot().state(d.endpoint().id());
      if (state != null) {
        long delay = client.hedgePolicy.delayNanos(state);
        if (delay < remainingNanos()) {
          try {
            hedgeTimer = client.scheduler().schedule(this::hedge, delay, TimeUnit.NANOSECONDS);
          } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the client is closing: no hedge
          }
        }
      }
    }
  }

  private synchronized void hedge() {
    if (done || live.size() != 1 || attempts >= client.maxAttempts || remainingNanos() <= 0) {
      return;
    }
    Attempt primary = live.get(0);
    route = excluding(primary.decision);
    if (!client.retryBudget.tryWithdraw()) {
      return;
    }
    RouteResult r = routeQuietly();
    if (r instanceof Decision) {
      launch((Decision) r, true);
    }
  }

  /**
   * Routes a retry or a hedge. A strategy or filter that throws (user code) means no retry: the
   * exchange must still end, and on a transport's thread nobody would see the exception.
   */
  private @Nullable RouteResult routeQuietly() {
    try {
      return client.router.route(route);
    } catch (RuntimeException e) {
      Thread t = Thread.currentThread();
      t.getUncaughtExceptionHandler().uncaughtException(t, e);
      return null;
    }
  }

  private void onAttemptResponse(Attempt a, Transport.Response response) {
    if (!a.timer.answered()) {
      response.close(); // came just as the attempt was abandoned: the next one is on its way
      onAttemptFailure(a, abandonedFailure());
      return;
    }
    ProxyResponse winner;
    synchronized (this) {
      live.remove(a);
      if (done) {
        a.complete(Outcome.cancelled());
        response.close();
        return;
      }
      if (Redelivery.refusedByStatus(response.status())) {
        Decision next = retryDecision(a);
        if (next != null || !live.isEmpty()) {
          a.complete(Outcome.ofStatus(response.status()));
          response.close();
          if (next != null) {
            launch(next, false);
          }
          return;
        }
      }
      finishLocked();
      try {
        winner = respond(a, response);
      } catch (RuntimeException e) {
        response.close();
        a.complete(Outcome.failure());
        future.completeExceptionally(e);
        return;
      }
    }
    if (!future.complete(winner)) {
      winner.close();
    }
  }

  private void onAttemptFailure(Attempt a, IOException e) {
    ForwardingException failure;
    a.timer.disarm();
    synchronized (this) {
      live.remove(a);
      a.complete(outcomeOf(a, e));
      if (done) {
        return;
      }
      if (retryable(a, e)) {
        Decision next = retryDecision(a);
        if (next != null) {
          launch(next, false);
          return;
        }
      }
      if (!live.isEmpty()) {
        return; // the other attempt may still answer
      }
      finishLocked();
      failure = failure(a, e);
    }
    future.completeExceptionally(failure);
  }

  /** Marks the exchange decided and cancels the hedge timer and the other attempts. Holds the lock. */
  private void finishLocked() {
    done = true;
    if (hedgeTimer != null) {
      hedgeTimer.cancel(false);
    }
    // A copy: a transport may report a cancelled call's failure on this thread, which leaves live.
    for (Attempt other : live.toArray(new Attempt[0])) {
      other.cancelledByUs = true;
      other.call.cancel();
    }
  }

  private synchronized void cancelAll() {
    if (!done) {
      finishLocked();
    }
  }

  // ------------------------------------------------------------------ shared

  private Decision firstDecision() {
    RouteResult r = client.router.route(route);
    if (r instanceof Decision) {
      RouteSpec named = ((Decision) r).route();
      routeName = named == null ? null : named.name();
      return (Decision) r;
    }
    observation.rejected((Rejection) r);
    throw new RejectedException((Rejection) r);
  }

  /**
   * Prepares the call of an attempt. Should building it fail (a header the upstream-header hook
   * gave is not valid HTTP, say), the lease is released before the exception goes on.
   */
  private Attempt newAttempt(Decision d, boolean hedge) {
    try {
      return prepare(d, hedge);
    } catch (RuntimeException e) {
      d.lease().complete(Outcome.cancelled());
      throw e;
    }
  }

  private Attempt prepare(Decision d, boolean hedge) {
    attempts++;
    RoutingClient.Target target = client.target(d.endpoint());
    String[] h = headers;
    Map<String, String> extra = client.upstreamHeaders.headersFor(d.endpoint());
    if (!extra.isEmpty()) {
      h = HeaderRules.withEndpointHeaders(h, extra);
    }
    ForwardingObserver.AttemptObservation observed = ForwardingObserver.AttemptObservation.NONE;
    if (observation != ForwardingObserver.none()) {
      AttemptHeaders context = new AttemptHeaders();
      observed = observation.attempt(d, attempts, hedge, context);
      h = context.over(h);
    }
    long timeout = deadlineNanos == 0 ? 0 : Math.max(remainingNanos(), 1);
    String path = request.path();
    byte[] payload = body;
    if (routeName != null) {
      path = ModelRewrite.path(path, d);
      payload = bodyFor(d);
    }
    Transport.Request r = new Transport.Request(target.url(path), request.method(), h, payload, contentType, timeout);
    return new Attempt(d, hedge, target, client.transport.call(r), observed);
  }

  /** The body naming the model a route chose; spliced once per model the exchange tries. */
  private byte @Nullable [] bodyFor(Decision d) {
    if (body == null || request.path().startsWith("/v2/")) {
      return body;
    }
    String name = d.model().name();
    if (!name.equals(splicedFor)) {
      spliced = ModelRewrite.spliceModel(body, name);
      splicedFor = name;
    }
    return spliced;
  }

  /**
   * The request for a retry or hedge after {@code tried}: without its endpoint; for a route whose
   * fallback is off, pinned to the model version it chose.
   */
  private RouteRequest excluding(Decision tried) {
    RouteRequest.Builder b = route.toBuilder().exclude(tried.endpoint().id());
    RouteSpec r = tried.route();
    if (r != null && !r.fallback()) {
      b.model(tried.model().name()).version(io.modelrouter.VersionSelector.exact(tried.model().version()));
    }
    return b.build();
  }

  private long remainingNanos() {
    return deadlineNanos == 0 ? Long.MAX_VALUE : deadlineNanos - ticker.nanoTime();
  }

  // ---- issue 16: what is sent again (Redelivery), per-attempt timeout (AttemptTimer, AttemptLatencies)

  /**
   * Whether a failed attempt may go to another endpoint, by {@link Redelivery}'s rule: freely if
   * the endpoint provably did not receive the request (the transport says it was never sent), once
   * more if it did (written whole, or abandoned at its per-attempt timeout) and the policy allows.
   */
  private boolean retryable(Attempt a, IOException e) {
    boolean abandoned = a.timer.abandoned();
    if (a.cancelledByUs && !abandoned) {
      return false;
    }
    boolean received = abandoned || (a.call.sent() && !Redelivery.neverConnected(e));
    if (received) {
      receivedFailures++;
    }
    return Redelivery.mayRetryElsewhere(received, receivedFailures, policy.retryAfterReceived());
  }

  /**
   * Arms the attempt's timeout, from what its endpoint usually takes, when abandoning it would
   * lead somewhere: no hedging, a retry after receipt allowed, attempts and time left.
   */
  private void armAttemptTimeout(Attempt a) {
    if (!policy.attemptTimeoutEnabled() || a.hedge || client.hedgePolicy.enabled() || attempts >= client.maxAttempts
        || !Redelivery.mayRetryElsewhere(true, receivedFailures + 1, policy.retryAfterReceived())) {
      return;
    }
    long usual = client.attemptLatencies.quantileNanos(a.decision.endpoint().id(), a.decision.model().name(),
        route.stream(), policy.timeoutPercentile());
    if (usual < 0) {
      return;
    }
    long timeout = policy.attemptTimeoutNanos(usual, remainingNanos());
    if (timeout > 0) {
      a.timer.arm(client.attemptTimeouts, timeout, a.call);
    }
  }

  private static IOException abandonedFailure() {
    return new InterruptedIOException("no answer within the per-attempt timeout");
  }

  /** The next endpoint for a retry after {@code failed}, if attempts, time and budget allow; null otherwise. */
  private @Nullable Decision retryDecision(Attempt failed) {
    route = excluding(failed.decision);
    if (!Redelivery.mayAttemptAgain(attempts, client.maxAttempts, remainingNanos(), client.retryBudget::tryWithdraw)) {
      return null;
    }
    RouteResult r = routeQuietly();
    return r instanceof Decision ? (Decision) r : null;
  }

  private ProxyResponse respond(Attempt a, Transport.Response response) {
    long headersNanos = Math.max(ticker.nanoTime() - a.decision.lease().startNanos(), 0);
    if (response.status() < 300) {
      client.attemptLatencies.record(a.decision.endpoint().id(), a.decision.model().name(), route.stream(), headersNanos);
    }
    ProxyResponse r = new ProxyResponse(a.decision, a.call, response, ticker, attempts, a.hedge, headersNanos, requestId,
        a.target.served, routeName);
    a.observed.ended(Outcome.ofStatus(response.status()));
    if (observation != ForwardingObserver.none()) {
      r.observe(observation);
    }
    return r;
  }

  private static Outcome outcomeOf(Attempt a, IOException e) {
    if (a.timer.abandoned()) {
      return Outcome.timeout();
    }
    if (a.cancelledByUs) {
      return Outcome.cancelled();
    }
    return e instanceof InterruptedIOException ? Outcome.timeout() : Outcome.failure();
  }

  private ForwardingException failure(Attempt a, IOException e) {
    ForwardingException.Kind kind;
    if (a.cancelledByUs && !a.timer.abandoned()) {
      kind = ForwardingException.Kind.CANCELLED;
    } else if (e instanceof InterruptedIOException || a.timer.abandoned()) {
      kind = ForwardingException.Kind.TIMEOUT;
    } else if (!a.call.sent()) {
      kind = ForwardingException.Kind.CONNECT_FAILED;
    } else {
      kind = ForwardingException.Kind.CONNECTION_LOST;
    }
    String id = a.decision.endpoint().id();
    ForwardingException f = new ForwardingException(kind, "endpoint " + id + " (attempt " + attempts + "): " + e.getMessage(), id,
        attempts, e);
    observation.failed(f);
    return f;
  }
}
