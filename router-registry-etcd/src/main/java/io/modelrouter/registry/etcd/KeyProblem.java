package io.modelrouter.registry.etcd;

import java.util.Objects;

/**
 * A key under the registry prefix whose value was skipped: it does not parse, it is not where its
 * value says it belongs, or it clashes with another key. The rest of the registry is used as if
 * the key were absent.
 *
 * @param key the etcd key
 * @param modRevision the revision that last wrote the key
 * @param message what is wrong and what was expected
 */
public record KeyProblem(String key, long modRevision, String message) {

  public KeyProblem {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return key + " (revision " + modRevision + "): " + message;
  }
}
