package io.modelrouter.health;

import io.modelrouter.Ticker;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The table of live endpoint states by endpoint id. A registry asks it for the state of each
 * endpoint when it builds a snapshot, so that an endpoint present in two snapshots keeps one
 * state, and forgets states of endpoints that are gone.
 *
 * <p>Thread-safe.
 */
public final class EndpointStates {

  private final Map<String, EndpointState> states = new ConcurrentHashMap<>();
  private final Ticker ticker;

  /** A table whose new states start at the ticker's current time. */
  public EndpointStates(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** A table on the system ticker. */
  public EndpointStates() {
    this(Ticker.system());
  }

  /** The state of the endpoint with this id, created healthy if there is none yet. */
  public EndpointState stateOf(String endpointId) {
    EndpointState known = states.get(endpointId); // the common case, without locking a bin
    return known != null ? known : states.computeIfAbsent(endpointId, id -> new EndpointState(id, ticker.nanoTime()));
  }

  /** The state of this endpoint id if one exists. */
  public @Nullable EndpointState find(String endpointId) {
    return states.get(endpointId);
  }

  /** Forgets the states of endpoints whose id {@code live} rejects. */
  public void retainOnly(Predicate<String> live) {
    states.keySet().removeIf(live.negate());
  }

  /** How many states are held. */
  public int size() {
    return states.size();
  }

  /** Every state held now. */
  public Collection<EndpointState> all() {
    return states.values();
  }

  public Ticker ticker() {
    return ticker;
  }
}
