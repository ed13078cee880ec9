package io.modelrouter.payload;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/** Small helpers over Jackson's streaming parser shared by the protocol readers. */
final class Json {

  private Json() {}

  /** How a token's type is named in violations: the JSON names, not Jackson's. */
  static String typeOf(@Nullable JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    switch (t) {
      case START_OBJECT:
        return "object";
      case START_ARRAY:
        return "array";
      case VALUE_STRING:
        return "string";
      case VALUE_NUMBER_INT:
        return "integer";
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "boolean";
      case VALUE_NULL:
        return "null";
      default:
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** "a " or "an " for a type name in a sentence. */
  static String article(String noun) {
    return "aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ";
  }

  /** Whether the current string token equals {@code s}, without building a String. */
  static boolean stringEquals(JsonParser p, String s) {
    int len = p.getStringLength();
    if (len != s.length()) {
      return false;
    }
    char[] buf = p.getStringCharacters();
    int off = p.getStringOffset();
    for (int i = 0; i < len; i++) {
      if (buf[off + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the current string token is empty or only whitespace, without building a String. */
  static boolean stringBlank(JsonParser p) {
    int len = p.getStringLength();
    char[] buf = p.getStringCharacters();
    int off = p.getStringOffset();
    for (int i = 0; i < len; i++) {
      if (!Character.isWhitespace(buf[off + i])) {
        return false;
      }
    }
    return true;
  }

  /** Appends a property name to a JSON pointer, escaping {@code ~} and {@code /} (RFC 6901). */
  static String pointer(String base, String property) {
    return base + '/' + property.replace("~", "~0").replace("/", "~1");
  }

  /** A JSON string value fit for an error message: quoted, cut to 64 characters. */
  static String clip(String value) {
    return value.length() <= 64 ? '"' + value + '"' : '"' + value.substring(0, 61) + "...\"";
  }
}
