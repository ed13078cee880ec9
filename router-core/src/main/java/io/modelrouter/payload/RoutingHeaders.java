package io.modelrouter.payload;

import io.modelrouter.Priority;
import io.modelrouter.RouteRequest;
import io.modelrouter.VersionSelector;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The request headers the {@link PayloadParser} reads as routing hints, and only these. Where a
 * name is already used in the field it is accepted too. A header with a value that cannot be
 * understood rejects the request ({@link io.modelrouter.RejectionReason#INVALID_INPUT}, naming the
 * header) rather than being silently ignored.
 *
 * <table>
 * <caption>Routing headers</caption>
 * <tr><th>header</th><th>value</th><th>sets</th></tr>
 * <tr><td>{@value #LATENCY_BUDGET} (also {@value #ENVOY_TIMEOUT})</td>
 *     <td>milliseconds, 1..{@value #MAX_BUDGET_MS}</td>
 *     <td>{@link RouteRequest#latencyBudgetNanos()}: the end-to-end deadline</td></tr>
 * <tr><td>{@value #TTFT_BUDGET} (also {@value #TTFT_BUDGET_ALIAS})</td>
 *     <td>milliseconds, 1..{@value #MAX_BUDGET_MS}</td>
 *     <td>{@link RouteRequest#ttftBudgetNanos()}: the time-to-first-token objective</td></tr>
 * <tr><td>{@value #PRIORITY}</td>
 *     <td>{@code critical}, {@code standard}, {@code sheddable} (see {@link Priority#fromName})</td>
 *     <td>{@link RouteRequest#priority()}</td></tr>
 * <tr><td>{@value #SESSION} (also {@value #SESSION_ID}, {@value #SESSION_ALIAS})</td>
 *     <td>an opaque key, at most {@value #MAX_SESSION_LENGTH} visible ASCII characters</td>
 *     <td>{@link RouteRequest#affinityKey()}: requests of one session keep landing together</td></tr>
 * <tr><td>{@value #MODEL_VERSION}</td>
 *     <td>{@code 3}, {@code latest}, {@code tag:canary} or {@code @canary} (see {@link VersionSelector#parse})</td>
 *     <td>{@link RouteRequest#version()}; an Open Inference Protocol path naming a version wins</td></tr>
 * <tr><td>{@value #EXPLAIN}</td>
 *     <td>{@code true}/{@code 1} or {@code false}/{@code 0}</td>
 *     <td>{@link RouteRequest#explain()}: return why each endpoint won or lost</td></tr>
 * </table>
 *
 * <p>The tenant is deliberately <em>not</em> read from any header: a client could name any
 * tenant it likes. It comes from authentication, which the gateway performs and then sets with
 * {@link RouteRequest.Builder#tenant(String)}.
 */
public final class RoutingHeaders {

  /** The end-to-end latency budget in milliseconds. */
  public static final String LATENCY_BUDGET = "x-modelrouter-latency-budget-ms";
  /** The request timeout Envoy tells its upstream, accepted as a latency budget. */
  public static final String ENVOY_TIMEOUT = "x-envoy-expected-rq-timeout-ms";
  /** The time-to-first-token objective in milliseconds, the name used by LLM gateways. */
  public static final String TTFT_BUDGET = "x-slo-ttft-ms";
  /** Same as {@link #TTFT_BUDGET}. */
  public static final String TTFT_BUDGET_ALIAS = "x-modelrouter-ttft-budget-ms";
  /** The request's priority under load. */
  public static final String PRIORITY = "x-modelrouter-priority";
  /** The session key for session affinity, the name used by LLM gateways. */
  public static final String SESSION = "x-session-token";
  /** Same as {@link #SESSION}. */
  public static final String SESSION_ID = "x-session-id";
  /** Same as {@link #SESSION}. */
  public static final String SESSION_ALIAS = "x-modelrouter-session";
  /** Pins a model version or tag. */
  public static final String MODEL_VERSION = "x-modelrouter-model-version";
  /** Asks for the decision's explanation. */
  public static final String EXPLAIN = "x-modelrouter-explain";
  /**
   * The lowest declared model quality a model route may choose for this request (a number, as the
   * registry's {@code quality}).
   */
  public static final String MIN_QUALITY = "x-modelrouter-min-quality";

  /** The largest budget accepted: one hour, longer than any inference call should wait. */
  public static final long MAX_BUDGET_MS = 3_600_000;
  /** The longest session key accepted: 256 characters, enough for any UUID or signed token id. */
  public static final int MAX_SESSION_LENGTH = 256;

  private RoutingHeaders() {}

  /** Reads every routing header into {@code builder}; problems go to {@code problems}. */
  static void apply(RequestHeaders headers, RouteRequest.Builder builder, boolean pathNamesVersion, Problems problems) {
    String name = LATENCY_BUDGET;
    String value = headers.get(LATENCY_BUDGET);
    if (value == null) {
      name = ENVOY_TIMEOUT;
      value = headers.get(ENVOY_TIMEOUT);
    }
    if (value != null) {
      long ms = millis(name, value, problems);
      if (ms > 0) {
        builder.latencyBudget(Duration.ofMillis(ms));
      }
    }
    name = TTFT_BUDGET;
    value = headers.get(TTFT_BUDGET);
    if (value == null) {
      name = TTFT_BUDGET_ALIAS;
      value = headers.get(TTFT_BUDGET_ALIAS);
    }
    if (value != null) {
      long ms = millis(name, value, problems);
      if (ms > 0) {
        builder.ttftBudget(Duration.ofMillis(ms));
      }
    }
    value = headers.get(MIN_QUALITY);
    if (value != null) {
      double q = Double.NaN;
      try {
        q = Double.parseDouble(value.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
      if (q >= 0 && !Double.isInfinite(q)) {
        builder.minQuality(q);
      } else {
        problems.add("", "header " + MIN_QUALITY + " is not a quality", "a number >= 0", clip(value));
      }
    }
    value = headers.get(PRIORITY);
    if (value != null) {
      try {
        builder.priority(Priority.fromName(value));
      } catch (IllegalArgumentException e) {
        problems.add("", "header " + PRIORITY + " has an unknown priority", "critical, standard or sheddable", clip(value));
      }
    }
    name = SESSION;
    value = headers.get(SESSION);
    if (value == null) {
      name = SESSION_ID;
      value = headers.get(SESSION_ID);
    }
    if (value == null) {
      name = SESSION_ALIAS;
      value = headers.get(SESSION_ALIAS);
    }
    if (value != null) {
      String key = value.trim();
      if (key.isEmpty() || key.length() > MAX_SESSION_LENGTH || !visibleAscii(key)) {
        problems.add("", "header " + name + " is not a usable session key",
            "1.." + MAX_SESSION_LENGTH + " visible ASCII characters", clip(value));
      } else {
        builder.affinityKey(key);
      }
    }
    value = headers.get(MODEL_VERSION);
    if (value != null && !pathNamesVersion) {
      if (value.isBlank() || value.length() > MAX_SESSION_LENGTH || !visibleAscii(value.trim())) {
        problems.add("", "header " + MODEL_VERSION + " is not a version selector",
            "a version, latest, tag:NAME or @NAME", clip(value));
      } else {
        try {
          builder.version(VersionSelector.parse(value));
        } catch (IllegalArgumentException e) {
          problems.add("", "header " + MODEL_VERSION + " is not a version selector",
              "a version, latest, tag:NAME or @NAME", clip(value));
        }
      }
    }
    value = headers.get(EXPLAIN);
    if (value != null) {
      switch (value.trim()) {
        case "true":
        case "1":
          builder.explain(true);
          break;
        case "false":
        case "0":
          break;
        default:
          problems.add("", "header " + EXPLAIN + " is not a boolean", "true, false, 1 or 0", clip(value));
      }
    }
  }

  /** Parses a millisecond budget; 0 after reporting a problem. */
  private static long millis(String name, String value, Problems problems) {
    String v = value.trim();
    long ms = 0;
    boolean ok = !v.isEmpty() && v.length() <= 10;
    for (int i = 0; ok && i < v.length(); i++) {
      char c = v.charAt(i);
      ok = c >= '0' && c <= '9';
      ms = ms * 10 + (c - '0');
    }
    if (!ok || ms < 1 || ms > MAX_BUDGET_MS) {
      problems.add("", "header " + name + " is not a budget in milliseconds",
          "an integer 1.." + MAX_BUDGET_MS, clip(value));
      return 0;
    }
    return ms;
  }

  private static boolean visibleAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** A header value cut to a length fit for an error message. */
  static String clip(@Nullable String value) {
    if (value == null) {
      return "nothing";
    }
    return value.length() <= 64 ? '\'' + value + '\'' : '\'' + value.substring(0, 61) + "...'";
  }
}
