package io.modelrouter;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with a request's input: where (a JSON pointer such as {@code /messages/0/role}),
 * what was expected and what was found, and a sentence for humans.
 */
public record Violation(String pointer, String message, @Nullable String expected, @Nullable String found) {

  public Violation {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(message, "message");
  }

  /** A violation with only a location and a message. */
  public static Violation of(String pointer, String message) {
    return new Violation(pointer, message, null, null);
  }
}
