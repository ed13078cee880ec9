package io.modelrouter.http.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/** Checks the bearer token of a {@code /metrics} request in constant time. */
final class MetricsCredential {

  private MetricsCredential() {}

  /**
   * Whether {@code authorization} is {@code Bearer TOKEN} with a token whose SHA-256 is {@code
   * tokenHash} (64 lower-case hex digits, as {@link ApiKeyAuthenticator#hash} gives it): the
   * gateway keeps only the hash, like its API keys'.
   */
  static boolean matches(String tokenHash, @Nullable String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = ApiKeyAuthenticator.hash(authorization.substring(7).trim()).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, tokenHash.getBytes(StandardCharsets.US_ASCII));
  }
}
