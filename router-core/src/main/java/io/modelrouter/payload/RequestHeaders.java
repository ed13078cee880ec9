package io.modelrouter.payload;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Read access to a request's headers, so that the parser does not depend on any HTTP stack. A
 * gateway adapts its own header type with a lambda: {@code headers::get}.
 */
@FunctionalInterface
public interface RequestHeaders {

  /**
   * The value of a header, or null when it is absent. {@code name} is always lower case;
   * implementations must match names case-insensitively. When a header is repeated, return the
   * first value or the values joined with {@code ", "}.
   */
  @Nullable String get(String name);

  /**
   * Headers from a map; names are matched case-insensitively (when a map holds one name in two
   * spellings, either value may win). The map is copied.
   */
  static RequestHeaders of(Map<String, String> headers) {
    Objects.requireNonNull(headers, "headers");
    HashMap<String, String> copy = new HashMap<>(headers.size() * 2);
    headers.forEach((name, value) -> copy.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
    return copy::get;
  }

  /** No headers at all. */
  static RequestHeaders none() {
    return name -> null;
  }
}
