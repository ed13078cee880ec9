package io.modelrouter.http.gateway;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The access log: one structured line per API request through SLF4J, on the logger {@value
 * #LOGGER} at INFO, as key-value pairs ({@code request_id}, {@code tenant}, {@code method}, {@code
 * path}, {@code model}, {@code route}, {@code served_model}, {@code endpoint}, {@code status}, {@code reason},
 * {@code latency_ms}, {@code ttfb_ms}, {@code input_tokens}, {@code output_tokens}, {@code
 * attempts}) that a backend writes as JSON or text; the message is the same in short. Never an API
 * key, never a body: a {@link CompletedRequest} holds neither. Unknown values are left out.
 */
public final class AccessLog implements RequestListener {

  /** The logger name, so that a backend can route access lines apart. */
  public static final String LOGGER = "io.modelrouter.access";

  private final Logger log;

  private AccessLog(Logger log) {
    this.log = log;
  }

  /** An access log on the {@value #LOGGER} logger. */
  public static AccessLog create() {
    return new AccessLog(LoggerFactory.getLogger(LOGGER));
  }

  @Override
  public void onRequest(CompletedRequest r) {
    if (!log.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder e = log.atInfo()
        .addKeyValue("request_id", r.requestId())
        .addKeyValue("method", r.method())
        .addKeyValue("path", r.path())
        .addKeyValue("status", r.status())
        .addKeyValue("latency_ms", millis(r.latencyNanos()));
    optional(e, "tenant", r.tenant());
    optional(e, "model", r.model());
    optional(e, "route", r.route());
    optional(e, "served_model", r.servedModel());
    optional(e, "endpoint", r.endpoint());
    optional(e, "reason", r.reason());
    if (r.ttfbNanos() >= 0) {
      e.addKeyValue("ttfb_ms", millis(r.ttfbNanos()));
    }
    if (r.inputTokens() >= 0) {
      e.addKeyValue("input_tokens", r.inputTokens()).addKeyValue("output_tokens", r.outputTokens());
    }
    if (r.attempts() > 0) {
      e.addKeyValue("attempts", r.attempts());
    }
    e.log("{} {} {} {}ms", r.method(), r.path(), r.status(), millis(r.latencyNanos()));
  }

  private static void optional(LoggingEventBuilder e, String key, @org.jspecify.annotations.Nullable String value) {
    if (value != null) {
      e.addKeyValue(key, value);
    }
  }

  /** Milliseconds with a tenth: enough for latency, short in a log line. */
  private static double millis(long nanos) {
    return Math.round(nanos / (double) TimeUnit.MILLISECONDS.toNanos(1) * 10) / 10.0;
  }
}
