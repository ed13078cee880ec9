package io.modelrouter;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which version of a model a request wants: an exact version, a tag such as {@code stable} or
 * {@code canary}, the latest version, or {@linkplain #unspecified() no preference} (the router
 * then applies the model's traffic split, or falls back to the latest version).
 *
 * <p>Value-based and immutable.
 */
public final class VersionSelector {

  /** What a selector matches on. */
  public enum Kind {
    UNSPECIFIED,
    LATEST,
    EXACT,
    TAG
  }

  private static final VersionSelector UNSPECIFIED = new VersionSelector(Kind.UNSPECIFIED, "");
  private static final VersionSelector LATEST = new VersionSelector(Kind.LATEST, "latest");

  private final Kind kind;
  private final String value;

  private VersionSelector(Kind kind, String value) {
    this.kind = kind;
    this.value = value;
  }

  /** No preference: the model's traffic split if it has one, else the latest version. */
  public static VersionSelector unspecified() {
    return UNSPECIFIED;
  }

  /** The highest version (numeric-aware ordering: {@code 10} is after {@code 9}). */
  public static VersionSelector latest() {
    return LATEST;
  }

  /** Exactly this version. */
  public static VersionSelector exact(String version) {
    return new VersionSelector(Kind.EXACT, requireText(version, "version"));
  }

  /** The version carrying this tag. */
  public static VersionSelector tag(String tag) {
    return new VersionSelector(Kind.TAG, requireText(tag, "tag"));
  }

  /**
   * Parses a selector as users write it: {@code null} or empty is unspecified, {@code latest}
   * is latest, {@code tag:NAME} or {@code @NAME} is a tag, anything else an exact version.
   */
  public static VersionSelector parse(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return UNSPECIFIED;
    }
    String t = text.trim();
    if (t.equals("latest")) {
      return LATEST;
    }
    if (t.startsWith("tag:")) {
      return tag(t.substring(4));
    }
    if (t.startsWith("@")) {
      return tag(t.substring(1));
    }
    return exact(t);
  }

  private static String requireText(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isBlank()) {
      throw new IllegalArgumentException(what + ": '' (expected: a non-blank string)");
    }
    return s.trim();
  }

  public Kind kind() {
    return kind;
  }

  /** The version or tag; {@code latest} for latest, empty for unspecified. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof VersionSelector
        && ((VersionSelector) o).kind == kind
        && ((VersionSelector) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + value.hashCode();
  }

  @Override
  public String toString() {
    switch (kind) {
      case UNSPECIFIED:
        return "unspecified";
      case TAG:
        return "tag:" + value;
      default:
        return value;
    }
  }
}
