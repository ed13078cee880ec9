package io.modelrouter.http.observability;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

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
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
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
 * {@code modelrouter.attempt}, {@code http.request.resend_count} and {@code
 * http.response.status_code}. The attempt's context goes to the model server in the
 * propagator's headers (W3C {@code traceparent} by default); a request that carries a context (a
 * client's {@code traceparent}) continues its trace, else the caller's current context is the parent.
 *
 * <p>Attributes that would hold their usual value on nearly every span are set only when they do
 * not (each costs the SDK a map entry and the exporter its name and value on the wire, for every
 * span): {@code modelrouter.hedged} on the request's span and {@code modelrouter.hedge} on an
 * attempt's only when true, an attempt's {@code modelrouter.outcome} only when not {@code success}.
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

  // Attribute keys made once: a key made from a name costs an object and a hash on every use.
  private static final AttributeKey<String> OPERATION_NAME = stringKey(GenAi.OPERATION_NAME);
  private static final AttributeKey<String> REQUEST_MODEL = stringKey(GenAi.REQUEST_MODEL);
  private static final AttributeKey<String> RESPONSE_MODEL = stringKey(GenAi.RESPONSE_MODEL);
  private static final AttributeKey<Long> INPUT_TOKENS = longKey(GenAi.INPUT_TOKENS);
  private static final AttributeKey<Long> OUTPUT_TOKENS = longKey(GenAi.OUTPUT_TOKENS);
  private static final AttributeKey<String> SERVER_ADDRESS = stringKey(GenAi.SERVER_ADDRESS);
  private static final AttributeKey<Long> SERVER_PORT = longKey(GenAi.SERVER_PORT);
  private static final AttributeKey<String> ERROR_TYPE = stringKey(GenAi.ERROR_TYPE);
  private static final AttributeKey<String> METHOD = stringKey("http.request.method");
  private static final AttributeKey<Long> STATUS_CODE = longKey("http.response.status_code");
  private static final AttributeKey<Long> RESEND_COUNT = longKey("http.request.resend_count");
  private static final AttributeKey<String> STRATEGY = stringKey("modelrouter.strategy");
  private static final AttributeKey<String> REQUEST_ID = stringKey("modelrouter.request_id");
  private static final AttributeKey<String> ROUTE = stringKey("modelrouter.route");
  private static final AttributeKey<String> ENDPOINT = stringKey("modelrouter.endpoint");
  private static final AttributeKey<Long> ATTEMPT = longKey("modelrouter.attempt");
  private static final AttributeKey<Long> ATTEMPTS = longKey("modelrouter.attempts");
  private static final AttributeKey<Boolean> HEDGE = booleanKey("modelrouter.hedge");
  private static final AttributeKey<Boolean> HEDGED = booleanKey("modelrouter.hedged");
  private static final AttributeKey<String> OUTCOME = stringKey("modelrouter.outcome");
  private static final AttributeKey<String> REJECTION_REASON = stringKey("modelrouter.rejection.reason");

  private static final TextMapSetter<BiConsumer<String, String>> SETTER = (sink, name, value) -> {
    if (sink != null) {
      sink.accept(name, value);
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
        .setAttribute(OPERATION_NAME, operation)
        .setAttribute(REQUEST_MODEL, request.route().model())
        .setAttribute(STRATEGY, strategy)
        .setAttribute(REQUEST_ID, requestId)
        .startSpan();
    return new RequestSpan(request, span, parent.with(span));
  }

  /** One request's span and its attempts' spans. */
  private final class RequestSpan implements Observation {
    private final ProxyRequest request;
    private final Span span;
    private final Context context;
    /** A caller's cancellation may race the answer's end: the span ends once (0 open, 1 ended). */
    private volatile int ended;

    RequestSpan(ProxyRequest request, Span span, Context context) {
      this.request = request;
      this.span = span;
      this.context = context;
    }

    @Override
    public AttemptObservation attempt(Decision decision, int number, boolean hedge, BiConsumer<String, String> headers) {
      Endpoint e = decision.endpoint();
      SpanBuilder b = tracer.spanBuilder(request.method())
          .setParent(context)
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute(METHOD, request.method())
          .setAttribute(SERVER_ADDRESS, GenAi.host(e))
          .setAttribute(SERVER_PORT, (long) GenAi.port(e))
          .setAttribute(ENDPOINT, e.id())
          .setAttribute(RESPONSE_MODEL, decision.model().name())
          .setAttribute(ATTEMPT, (long) number);
      if (hedge) {
        b.setAttribute(HEDGE, true);
      } else if (number > 1) {
        b.setAttribute(RESEND_COUNT, (long) (number - 1));
      }
      Span attempt = b.startSpan();
      if (number == 1) {
        String route = GenAi.routeLabel(decision);
        if (!route.isEmpty()) {
          span.setAttribute(ROUTE, route);
        }
      }
      propagator.inject(context.with(attempt), headers, SETTER);
      return outcome -> {
        if (outcome.httpStatus() > 0) {
          attempt.setAttribute(STATUS_CODE, outcome.httpStatus());
        }
        if (outcome.kind() != Outcome.Kind.SUCCESS) {
          attempt.setAttribute(OUTCOME, GenAi.name(outcome.kind()));
        }
        String error = GenAi.errorType(outcome);
        if (error != null) {
          attempt.setAttribute(ERROR_TYPE, error);
          if (outcome.kind() != Outcome.Kind.CANCELLED) {
            attempt.setStatus(StatusCode.ERROR);
          }
        }
        attempt.end();
      };
    }

    @Override
    public void rejected(Rejection rejection) {
      if (!end()) {
        return;
      }
      span.setAttribute(REJECTION_REASON, rejection.reason().code());
      span.setAttribute(ERROR_TYPE, rejection.reason().code());
      span.setAttribute(ATTEMPTS, 0L);
      span.setStatus(StatusCode.ERROR, rejection.message());
      span.end();
    }

    @Override
    public void failed(ForwardingException failure) {
      if (!end()) {
        return;
      }
      span.setAttribute(ERROR_TYPE, GenAi.name(failure.kind()));
      span.setAttribute(ATTEMPTS, failure.attempts());
      String endpoint = failure.endpointId();
      if (endpoint != null) {
        span.setAttribute(ENDPOINT, endpoint);
      }
      span.setStatus(StatusCode.ERROR, failure.getMessage());
      span.end();
    }

    @Override
    public void completed(ProxyResponse response, @Nullable Throwable failure) {
      if (!end()) {
        return;
      }
      Endpoint e = response.endpoint();
      span.setAttribute(RESPONSE_MODEL, response.decision().model().name());
      span.setAttribute(SERVER_ADDRESS, GenAi.host(e));
      span.setAttribute(SERVER_PORT, GenAi.port(e));
      span.setAttribute(ENDPOINT, e.id());
      span.setAttribute(ATTEMPTS, response.attempts());
      if (response.hedged()) {
        span.setAttribute(HEDGED, true);
      }
      span.setAttribute(STATUS_CODE, response.status());
      if (response.promptTokens() >= 0) {
        span.setAttribute(INPUT_TOKENS, response.promptTokens());
        span.setAttribute(OUTPUT_TOKENS, response.completionTokens());
      }
      String error = failure != null ? failure.getClass().getName() : GenAi.errorType(response.status());
      if (error != null) {
        span.setAttribute(ERROR_TYPE, error);
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    }

    /** True for the one caller that ends the span. */
    private boolean end() {
      return ENDED.compareAndSet(this, 0, 1);
    }
  }

  private static final AtomicIntegerFieldUpdater<RequestSpan> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(RequestSpan.class, "ended");

  @Override
  public String toString() {
    return "RouterTracing{" + strategy + '}';
  }
}
