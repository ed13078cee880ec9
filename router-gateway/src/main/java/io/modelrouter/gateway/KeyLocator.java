package io.modelrouter.gateway;

import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.ObjectMapper;

/**
 * Finds where a key is written in a configuration text, by its path ({@code routing.strategy.name},
 * {@code tenants[0].keys}): a checked value's error then names the line and column of its own
 * key, not the end of the section the parser had reached when the section's check ran.
 */
final class KeyLocator {

  private KeyLocator() {}

  /** An open object or list, with the path of the value it is. */
  private static final class Frame {
    final String path;
    final boolean list;
    int index = -1;

    Frame(String path, boolean list) {
      this.path = path;
      this.list = list;
    }
  }

  /** Where {@code path} is written (a key, or an element of a list), or null when it is not. */
  static @Nullable TokenStreamLocation find(ObjectMapper mapper, String text, String path) {
    Deque<Frame> open = new ArrayDeque<>();
    String pending = "";
    try (JsonParser p = mapper.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.PROPERTY_NAME) {
          String parent = open.isEmpty() ? "" : open.peek().path;
          pending = parent.isEmpty() ? p.currentName() : parent + "." + p.currentName();
          if (pending.equals(path)) {
            return p.currentTokenLocation();
          }
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          open.pop();
        } else {
          String here = pending;
          Frame top = open.peek();
          if (top != null && top.list) {
            here = top.path + "[" + ++top.index + "]";
            if (here.equals(path)) {
              return p.currentTokenLocation();
            }
          }
          if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            open.push(new Frame(here, t == JsonToken.START_ARRAY));
          }
        }
      }
    } catch (JacksonException e) {
      return null; // the text does not parse this far: the caller keeps the parser's location
    }
    return null;
  }
}
