package io.modelrouter.http.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/** Checks the bearer token of a {@code /metrics} request in constant time. */
final class MetricsCredential {

  private MetricsCredential() {}

  /** Whether {@code authorization} is {@code Bearer TOKEN} with the expected token. */
  static boolean matches(String token, @Nullable String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
  }
}
