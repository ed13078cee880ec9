package io.modelrouter.http;

import io.modelrouter.RouteRequest;
import java.nio.charset.StandardCharsets;

/** The chat request the suites forward: one user message, {@code max_tokens} and {@code stream} set. */
final class Chat {

  static final String PATH = "/v1/chat/completions";

  private Chat() {}

  static ProxyRequest chat(String model, boolean stream, int maxTokens) {
    String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}],"
        + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
        + (stream ? ",\"stream_options\":{\"include_usage\":true}}" : "}"); // a stream's usage only when asked, as vLLM
    return ProxyRequest.builder(PATH, RouteRequest.builder(model).stream(stream).build())
        .body(body.getBytes(StandardCharsets.UTF_8), "application/json")
        .build();
  }
}
