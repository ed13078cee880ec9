package io.modelrouter.http.gateway;

import io.modelrouter.Protocol;
import io.modelrouter.RejectedException;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.RouteRequest;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.http.RoutingClient;
import io.modelrouter.http.internal.StreamUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an admitted request through the {@link RoutingClient} and copies the endpoint's answer to
 * the client: blocking ({@link RoutingClient#execute}, the answer streamed through the response's
 * output stream) or not ({@link RoutingClient#executeAsync}, the answer written as it arrives).
 * The forwarded request carries the client's headers (proxy fields per {@link ForwardedHeaders})
 * and the request id; a refusal or a failure of every endpoint is answered in the protocol's shape
 * without transport details. The tenant's quota and the shedder's slot are given back once, when
 * the exchange is over, with the tokens the answer's usage reported.
 */
final class Forwarding {

  private static final Logger log = LoggerFactory.getLogger(GatewayHandler.class);

  private final RoutingClient client;
  private final ForwardedHeaders forwardedHeaders;
  private final HeaderPolicy headerPolicy;
  private final boolean askStreamUsage;

  Forwarding(RoutingClient client, ForwardedHeaders forwardedHeaders, HeaderPolicy headerPolicy, boolean askStreamUsage) {
    this.client = client;
    this.forwardedHeaders = forwardedHeaders;
    this.headerPolicy = headerPolicy;
    this.askStreamUsage = askStreamUsage;
  }

  /**
   * Forwards and answers; {@code release} gets the tokens the answer's usage reported (0 when
   * unknown) or {@link TenantLimiter#NOT_SENT}, once, when the exchange is over. An OpenAI stream
   * whose client did not ask for its usage is asked for it ({@link StreamUsage}), and the usage
   * chunk taken out of what the client gets ({@link UsageChunkStrip}), so that its tokens count.
   */
  void forward(GatewayExchange x, Protocol protocol, RouteRequest route, byte[] body, LongConsumer release)
      throws IOException {
    x.routed = true;
    byte[] asked = askStreamUsage && route.stream() && protocol == Protocol.OPENAI ? StreamUsage.ask(body) : null;
    boolean strip = asked != null;
    byte[] sent = strip ? asked : body;
    if (x.async != null) {
      forwardAsync(x, x.async, protocol, route, sent, strip, release);
      return;
    }
    long tokens = TenantLimiter.NOT_SENT;
    try {
      tokens = forwardBlocking(x, protocol, route, sent, strip);
    } finally {
      release.accept(tokens);
    }
  }

  /**
   * Forwards a routed request and streams the answer back, blocking.
   *
   * @return the tokens its usage reported (0 when unknown), or {@link TenantLimiter#NOT_SENT}
   */
  private long forwardBlocking(GatewayExchange x, Protocol protocol, RouteRequest route, byte[] body, boolean strip)
      throws IOException {
    ProxyResponse answer;
    try {
      answer = client.execute(proxyRequest(x, route, body));
    } catch (RejectedException | ForwardingException e) {
      return notForwarded(x, protocol, e);
    }
    try (ProxyResponse r = answer) {
      x.endpointHeaders(r, headerPolicy);
      try (OutputStream out = x.response().start(r.status(), r.contentLength())) {
        if (strip && r.isEventStream()) {
          try (OutputStream stripped = UsageChunkStrip.stream(out)) {
            r.transferTo(stripped);
          }
        } else {
          r.transferTo(out);
        }
      } catch (IOException e) {
        x.done(r.status(), r);
        throw e;
      }
      x.done(r.status(), r);
      return usedTokens(r);
    }
  }

  /**
   * Forwards a routed request without blocking and writes the answer as it arrives. Should the
   * client go away meanwhile, the call is cancelled ({@link ClientDeparture}).
   */
  private void forwardAsync(GatewayExchange x, AsyncGatewayResponse out, Protocol protocol, RouteRequest route,
      byte[] body, boolean strip, LongConsumer release) {
    ClientDeparture departure = new ClientDeparture();
    out.onClientGone(departure);
    CompletableFuture<ProxyResponse> answer;
    try {
      answer = client.executeAsync(proxyRequest(x, route, body));
    } catch (RuntimeException e) {
      release.accept(TenantLimiter.NOT_SENT);
      throw e;
    }
    departure.calling(answer);
    answer.whenComplete((r, failure) -> {
      if (failure != null) {
        notAnsweredAsync(x, out, protocol, failure, departure, release);
        return;
      }
      try {
        departure.answered(r);
        x.endpointHeaders(r, headerPolicy);
        out.status(r.status(), r.contentLength());
        r.transferTo(strip && r.isEventStream() ? UsageChunkStrip.sink(out) : out, broken -> {
          release.accept(usedTokens(r)); // the slots are free by the time the listeners hear
          x.done(departure.gone() ? ClientDeparture.CLIENT_CLOSED : r.status(), r);
          if (broken != null) {
            out.abort(broken);
          }
        });
      } catch (RuntimeException e) {
        r.close();
        release.accept(0);
        x.fail(e);
      }
    });
  }

  /**
   * Ends an asynchronous exchange that got no answer: a refusal or a failure is answered; when the
   * client went away the exchange ends unanswered, a call it cancelled counted at its estimate (the
   * endpoint may have started on it).
   */
  private void notAnsweredAsync(GatewayExchange x, AsyncGatewayResponse out, Protocol protocol, Throwable failure,
      ClientDeparture departure, LongConsumer release) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (departure.gone()) {
      release.accept(cause instanceof RejectedException ? TenantLimiter.NOT_SENT : 0);
      x.done(ClientDeparture.CLIENT_CLOSED, null);
      out.abort(failure);
      return;
    }
    long tokens = TenantLimiter.NOT_SENT;
    try {
      if (!(cause instanceof RejectedException) && !(cause instanceof ForwardingException)) {
        throw new IllegalStateException("forwarding failed", cause);
      }
      tokens = notForwarded(x, protocol, (Exception) cause);
    } catch (IOException | RuntimeException e) {
      x.fail(e);
    } finally {
      release.accept(tokens);
    }
  }

  private ProxyRequest proxyRequest(GatewayExchange x, RouteRequest route, byte[] body) {
    ProxyRequest.Builder pb = ProxyRequest.builder(Objects.requireNonNull(x.target, "target"), route)
        .method(x.request.method());
    forwardedHeaders.forward(x.request, x.request.remoteAddress(), (name, value) -> {
      if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase(RoutingClient.REQUEST_ID_HEADER)) {
        try {
          pb.header(name, value);
        } catch (IllegalArgumentException malformed) {
          log.debug("not forwarding a malformed header: {}", malformed.getMessage()); // a server let it through
        }
      }
    });
    pb.header(RoutingClient.REQUEST_ID_HEADER, x.requestId);
    String contentType = x.request.header("content-type");
    pb.body(body, contentType == null ? "application/json" : contentType);
    return pb.build();
  }

  /**
   * Answers a request the router refused or no endpoint answered.
   *
   * @return the tokens to release: {@link TenantLimiter#NOT_SENT} for a refusal, 0 for a failure
   */
  private long notForwarded(GatewayExchange x, Protocol protocol, Exception e) throws IOException {
    if (e instanceof RejectedException) {
      x.reject(protocol, ((RejectedException) e).rejection(), null);
      return TenantLimiter.NOT_SENT;
    }
    ForwardingException f = (ForwardingException) e;
    RejectionReason reason = f.httpStatus() == 504 ? RejectionReason.DEADLINE_UNMEETABLE : RejectionReason.NO_HEALTHY_ENDPOINT;
    log.info("{} {}: no endpoint answered: {}", x.request.method(), x.request.path(), f.getMessage());
    x.error(protocol, Rejection.of(reason, ClientMessages.notAnswered(f)), f.httpStatus() == 499 ? 502 : f.httpStatus());
    return 0;
  }

  /** The tokens an answer copied (or cut) reported in its usage, 0 when unknown. */
  private static long usedTokens(ProxyResponse r) {
    return r.promptTokens() < 0 ? 0 : (long) r.promptTokens() + r.completionTokens();
  }
}
