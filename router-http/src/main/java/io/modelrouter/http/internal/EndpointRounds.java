package io.modelrouter.http.internal;

import io.modelrouter.health.EndpointState;
import io.modelrouter.registry.Endpoint;
import io.modelrouter.registry.ModelRegistry;
import io.modelrouter.registry.RegistrySnapshot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * What the health checker and the metrics scraper share: an OkHttp client (the user's, or one of
 * their own that {@link #close()} shuts down), a {@link Periodic} timer, and a round that visits
 * every endpoint of the registry's current snapshot.
 */
public final class EndpointRounds implements AutoCloseable {

  private final ModelRegistry registry;
  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final Consumer<List<Endpoint>> beforeRound;
  private final BiFunction<Endpoint, EndpointState, CompletableFuture<?>> visit;
  private final Periodic periodic;

  /**
   * @param name names the client's threads ({@code name}) and the timer's ({@code name-timer})
   * @param given the user's client, or null for one made here with {@code timeout} as its timeouts
   * @param visit called with each endpoint and its live state; returns when its work is done
   * @param beforeRound called with the round's endpoints before any is visited
   */
  public EndpointRounds(String name, ModelRegistry registry, @Nullable OkHttpClient given, Duration timeout,
      Duration interval, double jitter, Consumer<List<Endpoint>> beforeRound,
      BiFunction<Endpoint, EndpointState, CompletableFuture<?>> visit) {
    this.registry = registry;
    this.ownsHttp = given == null;
    this.http = given != null ? given : Clients.create(name, 64, timeout, timeout);
    this.beforeRound = beforeRound;
    this.visit = visit;
    this.periodic = new Periodic(name + "-timer", interval, jitter, this::round);
  }

  /** The client to send with. */
  public OkHttpClient http() {
    return http;
  }

  /** Starts the rounds, the first at once. */
  public void start() {
    periodic.start();
  }

  /**
   * Runs one round now over the current snapshot's endpoints.
   *
   * @return a future completed when every visit of this round is done; never exceptional
   */
  public CompletableFuture<Void> round() {
    RegistrySnapshot snapshot = registry.snapshot();
    List<Endpoint> endpoints = snapshot.endpoints();
    beforeRound.accept(endpoints);
    CompletableFuture<?>[] all = new CompletableFuture<?>[endpoints.size()];
    for (int i = 0; i < all.length; i++) {
      Endpoint e = endpoints.get(i);
      EndpointState state = snapshot.state(e.id());
      all[i] = state == null ? CompletableFuture.completedFuture(null) : visit.apply(e, state);
    }
    return CompletableFuture.allOf(all);
  }

  /** Stops the timer and, when the client was made here, its threads and connections. */
  @Override
  public void close() {
    periodic.close();
    if (ownsHttp) {
      Clients.shutdown(http);
    }
  }
}
