package io.modelrouter.payload;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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

  /** Headers from a map; names are matched case-insensitively. The map is copied. */
  static RequestHeaders of(Map<String, String> headers) {
    Objects.requireNonNull(headers, "headers");
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    return copy::get;
  }

  /** No headers at all. */
  static RequestHeaders none() {
    return name -> null;
  }
}
