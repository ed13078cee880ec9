package io.modelrouter.schema;

import com.networknt.schema.Error;
import io.modelrouter.Violation;
import tools.jackson.databind.JsonNode;

/** Turns networknt's validation errors into {@link Violation}s. */
final class SchemaErrors {

  private static final int MAX_SHOWN = 64;

  private SchemaErrors() {}

  static Violation toViolation(Error e) {
    String pointer = e.getInstanceLocation().toString();
    String keyword = e.getKeyword();
    String property = e.getProperty();
    String found;
    if ("required".equals(keyword) && property != null) {
      pointer = pointer + '/' + property.replace("~", "~0").replace("/", "~1");
      found = "nothing";
    } else {
      found = show(e.getInstanceNode());
    }
    String message = e.getMessage();
    // networknt starts its messages with the instance location; the pointer already says where.
    String prefix = e.getInstanceLocation().toString() + ": ";
    if (message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    String expected = keyword == null ? null : keyword + (e.getSchemaNode() == null ? "" : " " + show(e.getSchemaNode()));
    return new Violation(pointer, message, expected, found);
  }

  /** A JSON value fit for a message: compact, cut to {@value #MAX_SHOWN} characters. */
  static String show(JsonNode node) {
    if (node == null) {
      return "nothing";
    }
    String s = node.toString();
    return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN - 3) + "...";
  }
}
