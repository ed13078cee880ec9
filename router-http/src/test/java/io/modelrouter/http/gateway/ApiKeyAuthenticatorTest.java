package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeyAuthenticatorTest {

  private final Tenant a = Tenant.unlimited("a");
  private final Tenant b = Tenant.unlimited("b");
  private final ApiKeyAuthenticator auth = ApiKeyAuthenticator.of(Map.of(
      ApiKeyAuthenticator.hash("sk-a"), a,
      "sha256:" + ApiKeyAuthenticator.hash("sk-b").toUpperCase(java.util.Locale.ROOT), b));

  @Test
  void hash_isTheHexSha256OfTheKey() {
    // printf %s sk-demo | sha256sum
    assertThat(ApiKeyAuthenticator.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void authenticate_bearerOrXApiKey_mapsToTheKeysTenant() {
    assertThat(auth.authenticate(TestExchange.get("/v1/models").header("Authorization", "Bearer sk-a"))).isEqualTo(a);
    assertThat(auth.authenticate(TestExchange.get("/v1/models").header("authorization", "bearer  sk-b "))).isEqualTo(b);
    assertThat(auth.authenticate(TestExchange.get("/v1/models").header("x-api-key", "sk-b"))).isEqualTo(b);
  }

  @Test
  void authenticate_missingWrongOrMalformedCredentials_isNull() {
    assertThat(auth.authenticate(TestExchange.get("/v1/models"))).isNull();
    assertThat(auth.authenticate(TestExchange.get("/v1/models").header("Authorization", "Bearer sk-c"))).isNull();
    assertThat(auth.authenticate(TestExchange.get("/v1/models").header("Authorization", "Basic c2stYQ=="))).isNull();
    assertThat(auth.authenticate(TestExchange.get("/v1/models").header("Authorization", "Bearer "))).isNull();
    assertThat(auth.authenticate(TestExchange.get("/v1/models").header("Authorization", "sk-a"))).isNull();
  }

  @Test
  void of_rejectsSomethingThatIsNotASha256() {
    assertThatThrownBy(() -> ApiKeyAuthenticator.of(Map.of("sk-plain-key", a)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: the SHA-256 of the key, 64 hex digits");
  }
}
