package io.modelrouter.http.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates API keys against their SHA-256 hashes: the configuration never holds a key
 * itself. The key is read from {@code Authorization: Bearer KEY} (what the OpenAI client libraries
 * send) or from {@code x-api-key}. The presented key's hash is compared with every configured
 * hash in constant time, so neither the position of a mismatch nor which tenant matched shows in
 * the timing.
 */
public final class ApiKeyAuthenticator implements Authenticator {

  private final byte[][] hashes;
  private final Tenant[] tenants;

  private ApiKeyAuthenticator(byte[][] hashes, Tenant[] tenants) {
    this.hashes = hashes;
    this.tenants = tenants;
  }

  /**
   * An authenticator for the given key hashes.
   *
   * @param tenantsByKeyHash each key's SHA-256 hash, 64 hex digits, mapped to its tenant
   */
  public static ApiKeyAuthenticator of(Map<String, Tenant> tenantsByKeyHash) {
    Objects.requireNonNull(tenantsByKeyHash, "tenantsByKeyHash");
    byte[][] hashes = new byte[tenantsByKeyHash.size()][];
    Tenant[] tenants = new Tenant[hashes.length];
    int i = 0;
    for (Map.Entry<String, Tenant> e : tenantsByKeyHash.entrySet()) {
      hashes[i] = parseHash(e.getKey());
      tenants[i] = Objects.requireNonNull(e.getValue(), "tenant");
      i++;
    }
    return new ApiKeyAuthenticator(hashes, tenants);
  }

  /** The SHA-256 of a key as 64 lower-case hex digits, as written in the configuration. */
  public static String hash(String apiKey) {
    return HexFormat.of().formatHex(sha256(apiKey));
  }

  /**
   * A configured key hash in its canonical form, 64 lower-case hex digits (an optional
   * {@code sha256:} prefix and upper case are accepted).
   *
   * @throws IllegalArgumentException if it is not a SHA-256 hash, with a message saying what is expected
   */
  public static String normalizeHash(String hex) {
    return HexFormat.of().formatHex(parseHash(hex));
  }

  static byte[] parseHash(String hex) {
    Objects.requireNonNull(hex, "hash");
    String h = hex.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("sha256:")) {
      h = h.substring("sha256:".length());
    }
    if (h.length() != 64 || !h.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException(
          "key hash: '" + hex + "' (expected: the SHA-256 of the key, 64 hex digits)");
    }
    return HexFormat.of().parseHex(h);
  }

  /** A digest to clone: cloning skips the provider look-up of {@code getInstance} on every request. */
  private static final MessageDigest SHA256 = newSha256();

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static byte[] sha256(String key) {
    MessageDigest md;
    try {
      md = (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      md = newSha256();
    }
    return md.digest(key.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public @Nullable Tenant authenticate(GatewayRequest request) {
    String key = presentedKey(request);
    if (key == null || key.isEmpty()) {
      return null;
    }
    byte[] presented = sha256(key);
    Tenant found = null;
    for (int i = 0; i < hashes.length; i++) {
      // MessageDigest.isEqual is constant-time for equal lengths; every hash is compared.
      if (MessageDigest.isEqual(presented, hashes[i]) && found == null) {
        found = tenants[i];
      }
    }
    return found;
  }

  /** The key from {@code Authorization: Bearer} or {@code x-api-key}; null when neither is there. */
  static @Nullable String presentedKey(GatewayRequest request) {
    String auth = request.header("authorization");
    if (auth != null) {
      String a = auth.trim();
      if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return a.substring(7).trim();
      }
    }
    String apiKey = request.header("x-api-key");
    return apiKey == null ? null : apiKey.trim();
  }

  /** The tenants this authenticator knows, once each. */
  public List<Tenant> tenants() {
    return List.copyOf(new java.util.LinkedHashSet<>(List.of(tenants)));
  }
}
