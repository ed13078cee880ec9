package io.modelrouter.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A streamed chat or completion answer, as vLLM sends it: server-sent events, one chunk per token
 * after the time to first token and then one per token's latency, a chunk with the finish reason,
 * a usage chunk when {@link #sendsUsage} says so, and {@code [DONE]}. A killed server cuts the
 * stream mid-way.
 */
final class OpenAiStream {

  private final Latency latency;
  private final Tokens tokens;
  private final AtomicLong ids;
  private final BooleanSupplier running;

  OpenAiStream(Latency latency, Tokens tokens, AtomicLong ids, BooleanSupplier running) {
    this.latency = latency;
    this.tokens = tokens;
    this.ids = ids;
    this.running = running;
  }

  /**
   * Whether a stream ends with a usage chunk, decided from the request's JSON body when it is
   * parsed: only when the client asked with {@code "stream_options": {"include_usage": true}}, as
   * vLLM and OpenAI do (the gateway asks on its clients' behalf).
   */
  static boolean sendsUsage(Object requestBody) {
    return Boolean.TRUE.equals(Json.member(Json.member(requestBody, "stream_options"), "include_usage"));
  }

  /** Streams the answer to {@code job}; {@code succeeded} counts it before its last chunks leave. */
  void send(HttpExchange ex, Job.Kind kind, Job job, Runnable succeeded) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    boolean chat = kind == Job.Kind.CHAT;
    String id = (chat ? "chatcmpl-" : "cmpl-") + ids.incrementAndGet();
    long created = System.currentTimeMillis() / 1000;
    String object = chat ? "chat.completion.chunk" : "text_completion";
    String head = "data: {\"id\":\"" + id + "\",\"object\":\"" + object + "\",\"created\":" + created
        + ",\"model\":" + Json.quote(job.requestedModel) + ",\"choices\":";
    latency.pause(latency.baseNanos());
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    String quotedToken = null;
    for (int t = 0; t < job.outputTokens; t++) {
      if (t > 0) {
        latency.pause(latency.perTokenNanos());
      }
      if (!running.getAsBoolean()) {
        throw new IOException("killed");
      }
      String token = tokens.token(t);
      String q = tokens.fixed() ? (quotedToken == null ? (quotedToken = Json.quote(token)) : quotedToken) : Json.quote(token);
      String choice = chat
          ? "[{\"index\":0,\"delta\":{" + (t == 0 ? "\"role\":\"assistant\"," : "") + "\"content\":" + q
              + "},\"logprobs\":null,\"finish_reason\":null}]"
          : "[{\"index\":0,\"text\":" + q + ",\"logprobs\":null,\"finish_reason\":null}]";
      out.write((head + choice + "}\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
    String last = chat
        ? "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]"
        : "[{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"length\"}]";
    succeeded.run();
    out.write((head + last + "}\n\n").getBytes(StandardCharsets.UTF_8));
    if (job.streamUsage) {
      out.write((head + "[],\"usage\":" + OpenAiEmulation.usage(job.promptTokens, job.outputTokens) + "}\n\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    out.close();
  }
}
