package io.modelrouter.http.gateway;

import org.jspecify.annotations.Nullable;

/**
 * Maps a request's credentials to a {@link Tenant}: the first thing the gateway does with a
 * request, before reading its body. Implement it for external identity (JWT/OIDC bearer tokens,
 * mTLS identities set as a header by a trusted proxy); {@link ApiKeyAuthenticator} checks API keys
 * from the configuration.
 *
 * <p>Called concurrently; must be thread-safe and must not read the body. Under {@link
 * GatewayHandler#handleAsync} it runs on the server's I/O thread, so it must not block either: keep
 * what it needs (signing keys, say) in memory and refresh it in the background.
 */
@FunctionalInterface
public interface Authenticator {

  /** @return the caller's tenant, or null when the credentials are missing or bad (a 401) */
  @Nullable Tenant authenticate(GatewayRequest request);
}
