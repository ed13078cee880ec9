package io.modelrouter.registry;

import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointStates;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A {@link ModelRegistry} held in memory. Every change builds a new {@link RegistrySnapshot} and
 * publishes it with one volatile write; readers never lock. Writers are serialised among
 * themselves. Listeners hear about each snapshot after it is published.
 */
public final class InMemoryRegistry implements ModelRegistry {

  private final EndpointStates states;
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  private final Object writeLock = new Object();
  private volatile RegistrySnapshot snapshot = RegistrySnapshot.empty();

  private InMemoryRegistry(EndpointStates states) {
    this.states = states;
  }

  /** An empty registry on the system ticker. */
  public static InMemoryRegistry create() {
    return new InMemoryRegistry(new EndpointStates());
  }

  /** An empty registry whose endpoint states use the given ticker. */
  public static InMemoryRegistry create(Ticker ticker) {
    return new InMemoryRegistry(new EndpointStates(ticker));
  }

  /** A registry holding this content. */
  public static InMemoryRegistry of(RegistryContent content) {
    InMemoryRegistry r = create();
    r.replace(content);
    return r;
  }

  @Override
  public RegistrySnapshot snapshot() {
    return snapshot;
  }

  /** The live endpoint states, shared across this registry's snapshots. */
  public EndpointStates endpointStates() {
    return states;
  }

  /**
   * Replaces everything with this content and publishes the new snapshot.
   *
   * @throws IllegalArgumentException when the content is inconsistent; the current snapshot stays
   */
  public RegistrySnapshot replace(RegistryContent content) {
    Objects.requireNonNull(content, "content");
    return update(current -> content);
  }

  /** Replaces everything with these models and endpoints; see {@link #replace(RegistryContent)}. */
  public RegistrySnapshot replace(Collection<ModelSpec> models, Collection<Endpoint> endpoints) {
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(endpoints, "endpoints");
    RegistryContent content = new RegistryContent(List.copyOf(models), List.copyOf(endpoints));
    return update(current -> content);
  }

  /**
   * Applies a change to the current content and publishes the result. Writers are serialised and
   * listeners hear about snapshots in the order they were published.
   *
   * @throws IllegalArgumentException when the result is inconsistent; the current snapshot stays
   */
  public RegistrySnapshot update(UnaryOperator<RegistryContent> change) {
    Objects.requireNonNull(change, "change");
    synchronized (writeLock) {
      RegistrySnapshot previous = snapshot;
      RegistryContent next = change.apply(
          new RegistryContent(previous.modelSpecs(), previous.endpoints(), previous.routeSpecs()));
      RegistrySnapshot published = RegistrySnapshot.of(next, states, previous.generation() + 1);
      snapshot = published;
      if (states.size() != published.endpoints().size()) {
        // Every published endpoint has a state, so equal sizes mean nothing to forget.
        states.retainOnly(id -> published.endpoint(id) != null);
      }
      notifyListeners(previous, published);
      return published;
    }
  }

  /** Adds an endpoint, or replaces the one with the same id. */
  public RegistrySnapshot putEndpoint(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    return update(c -> {
      List<Endpoint> list = new ArrayList<>(c.endpoints());
      list.removeIf(e -> e.id().equals(endpoint.id()));
      list.add(endpoint);
      return new RegistryContent(c.models(), list, c.routes());
    });
  }

  /** Removes the endpoint with this id, if present. */
  public RegistrySnapshot removeEndpoint(String endpointId) {
    return update(c -> {
      List<Endpoint> list = new ArrayList<>(c.endpoints());
      list.removeIf(e -> e.id().equals(endpointId));
      return new RegistryContent(c.models(), list, c.routes());
    });
  }

  /** Adds a model version, or replaces the one with the same name and version. */
  public RegistrySnapshot putModel(ModelSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return update(c -> {
      List<ModelSpec> list = new ArrayList<>(c.models());
      list.removeIf(m -> m.key().equals(spec.key()));
      list.add(spec);
      return new RegistryContent(list, c.endpoints(), c.routes());
    });
  }

  /** Removes one model version, if present. */
  public RegistrySnapshot removeModel(String name, String version) {
    return update(c -> {
      List<ModelSpec> list = new ArrayList<>(c.models());
      list.removeIf(m -> m.name().equals(name) && m.version().equals(version));
      return new RegistryContent(list, c.endpoints(), c.routes());
    });
  }

  /** Adds a model route, or replaces the one with the same name. */
  public RegistrySnapshot putRoute(RouteSpec route) {
    Objects.requireNonNull(route, "route");
    return update(c -> {
      List<RouteSpec> list = new ArrayList<>(c.routes());
      list.removeIf(r -> r.name().equals(route.name()));
      list.add(route);
      return new RegistryContent(c.models(), c.endpoints(), list);
    });
  }

  /** Removes the model route with this name, if present. */
  public RegistrySnapshot removeRoute(String name) {
    return update(c -> {
      List<RouteSpec> list = new ArrayList<>(c.routes());
      list.removeIf(r -> r.name().equals(name));
      return new RegistryContent(c.models(), c.endpoints(), list);
    });
  }

  @Override
  public void addListener(RegistryListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(RegistryListener listener) {
    listeners.remove(listener);
  }

  private void notifyListeners(RegistrySnapshot previous, RegistrySnapshot next) {
    for (RegistryListener l : listeners) {
      try {
        l.onUpdate(previous, next);
      } catch (RuntimeException e) {
        // A listener's failure must not stop the others or the publisher.
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
  }
}
