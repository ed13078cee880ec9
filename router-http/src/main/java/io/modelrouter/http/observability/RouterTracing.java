package io.modelrouter.http.observability;

import io.modelrouter.Decision;
import io.modelrouter.Outcome;
import io.modelrouter.Rejection;
import io.modelrouter.Router;
import io.modelrouter.http.ForwardingException;
import io.modelrouter.http.ForwardingObserver;
import io.modelrouter.http.ProxyRequest;
import io.modelrouter.http.ProxyResponse;
import io.modelrouter.registry.Endpoint;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry spans for a {@link io.modelrouter.http.RoutingClient}: add it as an observer.
 *
 * <p>One span per request, {@code {gen_ai.operation.name} {gen_ai.request.model}} (kind CLIENT),
 * covering routing, retries and hedges, with the GenAI attributes ({@code gen_ai.operation.name},
 * {@code gen_ai.request.model}, {@code gen_ai.response.model}, {@code gen_ai.usage.input_tokens},
 * {@code gen_ai.usage.output_tokens}, {@code server.address} and {@code server.port} of the
 * endpoint that answered) and the routing ones ({@code modelrouter.strategy}, {@code
 * modelrouter.endpoint}, {@code modelrouter.attempts}, {@code modelrouter.rejection.reason}); and
 * under it one span per attempt (kind CLIENT, named after the HTTP method), with the endpoint,
 * {@code modelrouter.attempt}, {@code modelrouter.hedge}, {@code http.request.resend_count} and
 * {@code http.response.status_code}. The attempt's context goes to the model server in the
 * propagator's headers (W3C {@code traceparent} by default); a request that carries a context (a
 * client's {@code traceparent}) continues its trace, else the caller's current context is the parent.
 *
 * <p>Thread-safe.
 */
public final class RouterTracing implements ForwardingObserver {

  /** The instrumentation scope name. */
  public static final String SCOPE = "io.modelrouter";

  private static final TextMapGetter<ProxyRequest> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(ProxyRequest carrier) {
      return carrier.headers().keySet();
    }

    @Override
    public @Nullable String get(@Nullable ProxyRequest carrier, String key) {
      return carrier == null ? null : carrier.header(key);
    }
  };

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String strategy;

  private RouterTracing(OpenTelemetry otel, Router router) {
    this.tracer = otel.getTracer(SCOPE);
    this.propagator = otel.getPropagators().getTextMapPropagator();
    this.strategy = router.strategy().name();
  }

  /** Spans made with {@code otel}'s tracer and propagated with its propagators, for requests routed by {@code router}. */
  public static RouterTracing create(OpenTelemetry otel, Router router) {
    return new RouterTracing(Objects.requireNonNull(otel, "otel"), Objects.requireNonNull(router, "router"));
  }

  @Override
  public Observation start(ProxyRequest request, String requestId) {
    Context parent = propagator.extract(Context.current(), request, HEADERS);
    String operation = GenAi.operation(request.route().operation());
    Span span = tracer.spanBuilder(operation + ' ' + request.route().model())
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(GenAi.OPERATION_NAME, operation)
        .setAttribute(GenAi.REQUEST_MODEL, request.route().model())
        .setAttribute("modelrouter.strategy", strategy)
        .setAttribute("modelrouter.request_id", requestId)
        .startSpan();
    return new RequestSpan(request, span, parent.with(span));
  }

  /** One request's span and its attempts' spans. */
  private final class RequestSpan implements Observation {
    private final ProxyRequest request;
    private final Span span;
    private final Context context;
    /** A caller's cancellation may race the answer's end: the span ends once. */
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    RequestSpan(ProxyRequest request, Span span, Context context) {
      this.request = request;
      this.span = span;
      this.context = context;
    }

    @Override
    public AttemptObservation attempt(Decision decision, int number, boolean hedge, BiConsumer<String, String> headers) {
      Endpoint e = decision.endpoint();
      Span attempt = tracer.spanBuilder(request.method())
          .setParent(context)
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute("http.request.method", request.method())
          .setAttribute(GenAi.SERVER_ADDRESS, GenAi.host(e))
          .setAttribute(GenAi.SERVER_PORT, GenAi.port(e))
          .setAttribute("modelrouter.endpoint", e.id())
          .setAttribute(GenAi.RESPONSE_MODEL, decision.model().name())
          .setAttribute("modelrouter.attempt", number)
          .setAttribute("modelrouter.hedge", hedge)
          .startSpan();
      if (number > 1 && !hedge) {
        attempt.setAttribute("http.request.resend_count", number - 1);
      }
      String route = GenAi.route(decision);
      if (route != null) {
        span.setAttribute("modelrouter.route", route);
      }
      propagator.inject(context.with(attempt), headers, (sink, name, value) -> sink.accept(name, value));
      return outcome -> {
        if (outcome.httpStatus() > 0) {
          attempt.setAttribute("http.response.status_code", outcome.httpStatus());
        }
        attempt.setAttribute("modelrouter.outcome", GenAi.lower(outcome.kind().name()));
        String error = GenAi.errorType(outcome);
        if (error != null) {
          attempt.setAttribute(GenAi.ERROR_TYPE, error);
          if (outcome.kind() != Outcome.Kind.CANCELLED) {
            attempt.setStatus(StatusCode.ERROR);
          }
        }
        attempt.end();
      };
    }

    @Override
    public void rejected(Rejection rejection) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      span.setAttribute("modelrouter.rejection.reason", rejection.reason().code());
      span.setAttribute(GenAi.ERROR_TYPE, rejection.reason().code());
      span.setAttribute("modelrouter.attempts", 0);
      span.setStatus(StatusCode.ERROR, rejection.message());
      span.end();
    }

    @Override
    public void failed(ForwardingException failure) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      span.setAttribute(GenAi.ERROR_TYPE, GenAi.lower(failure.kind().name()));
      span.setAttribute("modelrouter.attempts", failure.attempts());
      String endpoint = failure.endpointId();
      if (endpoint != null) {
        span.setAttribute("modelrouter.endpoint", endpoint);
      }
      span.setStatus(StatusCode.ERROR, failure.getMessage());
      span.end();
    }

    @Override
    public void completed(ProxyResponse response, @Nullable Throwable failure) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      Endpoint e = response.endpoint();
      span.setAttribute(GenAi.RESPONSE_MODEL, response.decision().model().name());
      span.setAttribute(GenAi.SERVER_ADDRESS, GenAi.host(e));
      span.setAttribute(GenAi.SERVER_PORT, GenAi.port(e));
      span.setAttribute("modelrouter.endpoint", e.id());
      span.setAttribute("modelrouter.attempts", response.attempts());
      span.setAttribute("modelrouter.hedged", response.hedged());
      span.setAttribute("http.response.status_code", response.status());
      if (response.promptTokens() >= 0) {
        span.setAttribute(GenAi.INPUT_TOKENS, response.promptTokens());
        span.setAttribute(GenAi.OUTPUT_TOKENS, response.completionTokens());
      }
      String error = failure != null ? failure.getClass().getName() : GenAi.errorType(response.status());
      if (error != null) {
        span.setAttribute(GenAi.ERROR_TYPE, error);
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    }
  }

  @Override
  public String toString() {
    return "RouterTracing{" + strategy + '}';
  }
}
