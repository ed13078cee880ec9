package io.modelrouter.payload;

import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import io.modelrouter.RouteRequest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link PayloadParser#parse} made of one HTTP request: either a {@link RouteRequest} ready
 * for {@link io.modelrouter.Router#route}, whose {@link RouteRequest#payload()} is the
 * {@link Payload}, or the {@link Rejection} to answer with. Either way {@link #protocol()} says
 * which protocol's error shape the client expects (see {@link ErrorBodies}).
 *
 * <pre>{@code
 * ParseResult parsed = parser.parse(method, path, headers::get, body);
 * if (!parsed.isRequest()) {
 *   Rejection r = parsed.rejection();
 *   respond(r.httpStatus(), ErrorBodies.render(parsed.protocol(), r));
 *   return;
 * }
 * RouteRequest request = parsed.request().toBuilder().tenant(authenticatedTenant).build();
 * }</pre>
 *
 * <p>Immutable.
 */
public final class ParseResult {

  private final Protocol protocol;
  private final @Nullable RouteRequest request;
  private final @Nullable Rejection rejection;

  private ParseResult(Protocol protocol, @Nullable RouteRequest request, @Nullable Rejection rejection) {
    this.protocol = protocol;
    this.request = request;
    this.rejection = rejection;
  }

  static ParseResult of(RouteRequest request) {
    return new ParseResult(request.protocol(), request, null);
  }

  static ParseResult rejected(Protocol protocol, Rejection rejection) {
    return new ParseResult(protocol, null, Objects.requireNonNull(rejection, "rejection"));
  }

  /** Whether the request was understood; then {@link #request()} holds it. */
  public boolean isRequest() {
    return request != null;
  }

  /**
   * The parsed request.
   *
   * @throws IllegalStateException when the request was rejected
   */
  public RouteRequest request() {
    if (request == null) {
      throw new IllegalStateException("rejected: " + rejection);
    }
    return request;
  }

  /** The parsed body of {@link #request()}: the bytes to forward and what the parser learnt. */
  public Payload payload() {
    return (Payload) Objects.requireNonNull(request().payload(), "payload");
  }

  /**
   * Why the request was rejected.
   *
   * @throws IllegalStateException when the request was understood
   */
  public Rejection rejection() {
    if (rejection == null) {
      throw new IllegalStateException("not rejected: " + request);
    }
    return rejection;
  }

  /**
   * The protocol the request's path belongs to, which decides the shape of an error body;
   * {@link Protocol#OPENAI} when the path belongs to neither.
   */
  public Protocol protocol() {
    return protocol;
  }

  @Override
  public String toString() {
    return request != null ? "ParseResult{" + request + '}' : "ParseResult{" + rejection + '}';
  }
}
