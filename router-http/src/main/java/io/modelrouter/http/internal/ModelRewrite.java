package io.modelrouter.http.internal;

import io.modelrouter.Decision;
import io.modelrouter.VersionSelector;
import io.modelrouter.registry.ModelSpec;
import io.modelrouter.registry.RouteSpec;
import io.modelrouter.registry.RouteTarget;
import java.nio.charset.StandardCharsets;

/**
 * Names the model a model route chose in the request forwarded to it: the OpenAI body's top-level
 * {@code model} value is replaced in place, the bytes before and after it copied as they are (no
 * re-serialisation: key order, spacing and numbers stay the client's), and the Open Inference
 * Protocol path {@code /v2/models/{route}[/versions/{v}]/infer} becomes {@code
 * /v2/models/{model}[/versions/{version}]/infer}, with the version when the route's target pins one.
 */
public final class ModelRewrite {

  private static final String OIP_PREFIX = "/v2/models/";

  private ModelRewrite() {}

  /**
   * The path to send a request that named a model route to, once {@code d} chose its model: an OIP
   * path rewritten for the chosen model (with its version when the route's target pins one, or
   * when the decision no longer names the route: a retry pinned to the model), else {@code path}.
   */
  public static String path(String pathAndQuery, Decision d) {
    if (!pathAndQuery.startsWith(OIP_PREFIX)) {
      return pathAndQuery;
    }
    int q = pathAndQuery.indexOf('?'); // the client's query is kept as it came
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q);
    RouteSpec route = d.route();
    ModelSpec model = d.model();
    int end = path.indexOf('/', OIP_PREFIX.length());
    String action = path.substring(path.lastIndexOf('/'));
    StringBuilder sb = new StringBuilder(path.length() + model.name().length()).append(OIP_PREFIX).append(model.name());
    if (route == null || pinsVersion(route, model)) {
      sb.append("/versions/").append(model.version());
    }
    return (end < 0 ? sb : sb.append(action)).append(query).toString();
  }

  private static boolean pinsVersion(RouteSpec route, ModelSpec model) {
    for (RouteTarget t : route.targets()) {
      if (t.model().equals(model.name())) {
        return t.version().kind() != VersionSelector.Kind.UNSPECIFIED;
      }
    }
    return false;
  }

  /**
   * The body with its top-level {@code "model"} string replaced by {@code model}; the body itself
   * when it has no such member (an OIP body, or one that is not a JSON object). Reads up to the
   * member, then copies: the cost is the bytes before the model's value plus one array copy.
   */
  public static byte[] spliceModel(byte[] body, String model) {
    int[] at = findModelValue(body);
    if (at == null) {
      return body;
    }
    byte[] name = quote(model);
    byte[] out = new byte[body.length - (at[1] - at[0]) + name.length];
    System.arraycopy(body, 0, out, 0, at[0]);
    System.arraycopy(name, 0, out, at[0], name.length);
    System.arraycopy(body, at[1], out, at[0] + name.length, body.length - at[1]);
    return out;
  }

  /** The start (opening quote) and end (after the closing quote) of the top-level model string, or null. */
  static int @org.jspecify.annotations.Nullable [] findModelValue(byte[] b) {
    int i = skipSpace(b, 0);
    if (i >= b.length || b[i] != '{') {
      return null;
    }
    i = skipSpace(b, i + 1);
    while (i < b.length && b[i] == '"') {
      int keyEnd = stringEnd(b, i);
      if (keyEnd < 0) {
        return null;
      }
      boolean isModel = keyEnd - i == 7 && b[i + 1] == 'm' && b[i + 2] == 'o' && b[i + 3] == 'd'
          && b[i + 4] == 'e' && b[i + 5] == 'l';
      i = skipSpace(b, keyEnd);
      if (i >= b.length || b[i] != ':') {
        return null;
      }
      i = skipSpace(b, i + 1);
      if (i >= b.length) {
        return null;
      }
      int valueEnd = valueEnd(b, i);
      if (valueEnd < 0) {
        return null;
      }
      if (isModel && b[i] == '"') {
        return new int[] {i, valueEnd};
      }
      i = skipSpace(b, valueEnd);
      if (i < b.length && b[i] == ',') {
        i = skipSpace(b, i + 1);
      }
    }
    return null;
  }

  static int skipSpace(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** The index after the string opening at {@code i}, or -1 when it does not close. */
  static int stringEnd(byte[] b, int i) {
    for (int k = i + 1; k < b.length; k++) {
      if (b[k] == '\\') {
        k++;
      } else if (b[k] == '"') {
        return k + 1;
      }
    }
    return -1;
  }

  /** The index after the JSON value starting at {@code i}, or -1 when it does not end. */
  static int valueEnd(byte[] b, int i) {
    byte c = b[i];
    if (c == '"') {
      return stringEnd(b, i);
    }
    if (c != '{' && c != '[') {
      int k = i;
      while (k < b.length && b[k] != ',' && b[k] != '}' && b[k] != ']'
          && b[k] != ' ' && b[k] != '\n' && b[k] != '\r' && b[k] != '\t') {
        k++;
      }
      return k;
    }
    int depth = 0;
    for (int k = i; k < b.length; k++) {
      byte x = b[k];
      if (x == '"') {
        k = stringEnd(b, k) - 1;
        if (k < 0) {
          return -1;
        }
      } else if (x == '{' || x == '[') {
        depth++;
      } else if (x == '}' || x == ']') {
        if (--depth == 0) {
          return k + 1;
        }
      }
    }
    return -1;
  }

  private static byte[] quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString().getBytes(StandardCharsets.UTF_8);
  }
}
