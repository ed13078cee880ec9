package io.modelrouter.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.modelrouter.Decision;
import io.modelrouter.Outcome;
import io.modelrouter.OutcomeListener;
import io.modelrouter.Rejection;
import io.modelrouter.RejectionReason;
import io.modelrouter.RouteListener;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.RouteSpec;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link io.modelrouter.Router}'s decisions, rejections and lease outcomes as Micrometer counters, for an
 * embedder who routes with {@code router-core} alone. Install it as both listeners and bind it:
 *
 * <pre>{@code
 * RouterMeterBinder metrics = RouterMeterBinder.create();
 * Router router = Router.builder(registry).addRouteListener(metrics).addOutcomeListener(metrics).build();
 * metrics.bindTo(meterRegistry); // or let Spring Boot bind it as a MeterBinder bean
 * }</pre>
 *
 * <ul>
 *   <li>{@code modelrouter.router.decisions} (route, model): requests routed, by the route they
 *       named (empty when they named a model) and the model chosen;
 *   <li>{@code modelrouter.router.rejections} (reason): requests refused, by reason code;
 *   <li>{@code modelrouter.router.outcomes} (endpoint, outcome): completed leases, by endpoint
 *       and outcome ({@code success}, {@code client_error}, {@code overloaded}, {@code failure},
 *       {@code timeout}, {@code cancelled}).
 * </ul>
 *
 * <p>Label values come only from the registry and from reason and outcome codes: a model name a
 * client made up is rejected as {@code unknown_model} and never becomes one. The names differ from
 * {@code router-http}'s {@code RouterMetrics}, so both may record into one registry. Nothing is
 * recorded until {@link #bindTo} (into the last registry bound); after the first request of each
 * series, recording looks up a counter without a lock or an allocation. Thread-safe.
 */
public final class RouterMeterBinder implements MeterBinder, RouteListener, OutcomeListener {

  private static final String[] OUTCOMES = lower(Outcome.Kind.values());

  private volatile @Nullable Meters meters;

  private RouterMeterBinder() {}

  /** A binder that records nothing until bound to a registry. */
  public static RouterMeterBinder create() {
    return new RouterMeterBinder();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    meters = new Meters(registry);
  }

  @Override
  public void onRoute(RouteRequest request, RouteResult result) {
    Meters m = meters;
    if (m == null) {
      return;
    }
    if (result instanceof Decision) {
      Decision d = (Decision) result;
      m.decided(d.route(), d.model().name()).increment();
    } else {
      m.rejected(((Rejection) result).reason()).increment();
    }
  }

  @Override
  public void onOutcome(Endpoint endpoint, EndpointState state, Outcome outcome, long latencyNanos) {
    Meters m = meters;
    if (m != null) {
      m.outcome(endpoint.id(), outcome.kind()).increment();
    }
  }

  /** The counters of one registry, resolved once per series. */
  private static final class Meters {
    private final MeterRegistry registry;
    /** Decisions for a model named directly, by model. */
    private final ConcurrentHashMap<String, Counter> byModel = new ConcurrentHashMap<>();
    /** Decisions through a route, by route then model. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> byRoute = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter[]> outcomes = new ConcurrentHashMap<>();
    /** By reason ordinal; a race registers the same counter twice, which Micrometer returns once. */
    private final Counter[] rejections = new Counter[RejectionReason.values().length];

    Meters(MeterRegistry registry) {
      this.registry = registry;
    }

    Counter decided(@Nullable RouteSpec route, String model) {
      ConcurrentHashMap<String, Counter> models = route == null ? byModel
          : byRoute.computeIfAbsent(route.name(), k -> new ConcurrentHashMap<>());
      Counter c = models.get(model);
      if (c == null) {
        String routeName = route == null ? "" : route.name();
        c = models.computeIfAbsent(model, k -> Counter.builder("modelrouter.router.decisions")
            .description("Requests the router routed, by the route they named (empty for a model) and the model chosen.")
            .tag("route", routeName).tag("model", model).register(registry));
      }
      return c;
    }

    Counter rejected(RejectionReason reason) {
      Counter c = rejections[reason.ordinal()];
      if (c == null) {
        c = Counter.builder("modelrouter.router.rejections").description("Requests the router refused, by reason.")
            .tag("reason", reason.code()).register(registry);
        rejections[reason.ordinal()] = c;
      }
      return c;
    }

    Counter outcome(String endpoint, Outcome.Kind kind) {
      Counter[] byKind = outcomes.get(endpoint);
      if (byKind == null) {
        byKind = outcomes.computeIfAbsent(endpoint, k -> new Counter[OUTCOMES.length]);
      }
      Counter c = byKind[kind.ordinal()];
      if (c == null) {
        c = Counter.builder("modelrouter.router.outcomes").description("Leases completed, by endpoint and outcome.")
            .tag("endpoint", endpoint).tag("outcome", OUTCOMES[kind.ordinal()]).register(registry);
        byKind[kind.ordinal()] = c;
      }
      return c;
    }
  }

  private static String[] lower(Enum<?>[] values) {
    String[] names = new String[values.length];
    for (Enum<?> v : values) {
      names[v.ordinal()] = v.name().toLowerCase(Locale.ROOT);
    }
    return names;
  }

  @Override
  public String toString() {
    return "RouterMeterBinder{" + (meters == null ? "unbound" : "bound") + '}';
  }
}
