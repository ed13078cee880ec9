package io.modelrouter.payload;

import io.modelrouter.Rejection;
import io.modelrouter.Violation;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonToken;

/** Collects the violations found in one request, up to {@link #MAX}; allocates only when one is found. */
final class Problems {

  /** More than this many violations tell a client nothing new; the rest are counted, not kept. */
  static final int MAX = 16;

  private @Nullable List<Violation> list;
  private int dropped;

  void add(String pointer, String message, @Nullable String expected, @Nullable String found) {
    List<Violation> l = list;
    if (l == null) {
      l = new ArrayList<>(4);
      list = l;
    }
    if (l.size() < MAX) {
      l.add(new Violation(pointer, message, expected, found));
    } else {
      dropped++;
    }
  }

  /** A value of the wrong JSON type: "must be an object", expected {@code expected}, found the token's type. */
  void wrongType(String pointer, String expected, @Nullable JsonToken found) {
    add(pointer, "must be " + Json.article(expected) + expected, expected, Json.typeOf(found));
  }

  /** Whether a violation was already reported at exactly this pointer. */
  boolean hasPointer(String pointer) {
    if (list != null) {
      for (Violation v : list) {
        if (v.pointer().equals(pointer)) {
          return true;
        }
      }
    }
    return false;
  }

  boolean isEmpty() {
    return list == null;
  }

  /** The rejection for the collected violations; only when there is one. */
  Rejection toRejection() {
    List<Violation> l = list;
    if (l == null) {
      throw new IllegalStateException("no violation");
    }
    Violation first = l.get(0);
    StringBuilder message = new StringBuilder("invalid request: ");
    if (!first.pointer().isEmpty()) {
      message.append(first.pointer()).append(": ");
    }
    message.append(first.message());
    int more = l.size() - 1 + dropped;
    if (more > 0) {
      message.append(" (and ").append(more).append(more == 1 ? " more problem)" : " more problems)");
    }
    return Rejection.invalidInput(message.toString(), l);
  }
}
