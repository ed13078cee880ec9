package io.modelrouter.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A model server on 127.0.0.1 that may be hostile: it records the request target and headers it
 * got and answers 200 with JSON and whatever response headers a test sets.
 */
final class RecordingUpstream implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  /** Response headers to send, name to value. */
  final Map<String, String> answerHeaders = new ConcurrentHashMap<>();
  /** Whether answers carry a usage object (a stream whose client did not ask for usage has none). */
  volatile boolean reportUsage = true;
  volatile String lastTarget = "";
  volatile Map<String, List<String>> lastHeaders = Map.of();

  RecordingUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::answer);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void answer(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      in.readAllBytes();
    }
    String query = ex.getRequestURI().getRawQuery();
    lastTarget = ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
    Map<String, List<String>> seen = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    ex.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
    lastHeaders = seen;
    byte[] body = ("{\"id\":\"x\",\"model_name\":\"m\",\"outputs\":[],\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":\"ok\"},\"finish_reason\":\"stop\"}]"
        + (reportUsage ? ",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}" : "}"))
        .getBytes(StandardCharsets.UTF_8);
    answerHeaders.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().set("content-type", "application/json");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
