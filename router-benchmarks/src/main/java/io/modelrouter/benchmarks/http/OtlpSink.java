package io.modelrouter.benchmarks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP trace receiver on 127.0.0.1 that reads each export, counts its spans and drops
 * them: the far end of the exporter the gateway ships, so that a benchmark pays for serialising
 * and sending spans as the gateway does, and can tell whether any span was lost on the way (the
 * batch processor drops spans when its queue is full). Its own work is reading the body and
 * walking the protobuf's three levels of length-delimited fields into a buffer it reuses, a small
 * part of a collector's.
 */
final class OtlpSink implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong exports = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  /** The body being read, reused: the sink's one thread handles one export at a time. */
  private byte[] buffer = new byte[1 << 20];

  private OtlpSink(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Listens on an ephemeral port of 127.0.0.1. */
  static OtlpSink start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // Its own named thread, so that a CPU breakdown by thread tells the sink (a collector's work,
    // elsewhere in production) from the exporter's.
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "otlp-sink");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    OtlpSink sink = new OtlpSink(server, executor);
    server.createContext("/v1/traces", sink::handle);
    server.start();
    return sink;
  }

  /** The endpoint for {@code OTEL_EXPORTER_OTLP_ENDPOINT} (the exporter adds {@code /v1/traces}). */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  long exports() {
    return exports.get();
  }

  long bytes() {
    return bytes.get();
  }

  long spans() {
    return spans.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int length = 0;
    try (InputStream in = exchange.getRequestBody()) {
      for (int n; (n = in.read(buffer, length, buffer.length - length)) >= 0; ) {
        length += n;
        if (length == buffer.length) {
          buffer = Arrays.copyOf(buffer, 2 * buffer.length);
        }
      }
    }
    exports.incrementAndGet();
    bytes.addAndGet(length);
    spans.addAndGet(count(buffer, 0, length, 0));
    // An empty ExportTraceServiceResponse: everything accepted.
    exchange.getResponseHeaders().set("content-type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  /**
   * The spans in the {@code ExportTraceServiceRequest} (or, deeper, the message) in {@code b[from,
   * to)}: field 1 holds the resource spans (depth 0), their field 2 the scope spans (depth 1), and
   * theirs field 2 the spans (depth 2).
   */
  private static long count(byte[] b, int from, int to, int depth) {
    long n = 0;
    int[] pos = {from};
    while (pos[0] < to) {
      long tag = varint(b, pos);
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      switch (wire) {
        case 0:
          varint(b, pos);
          break;
        case 1:
          pos[0] += 8;
          break;
        case 5:
          pos[0] += 4;
          break;
        case 2: {
          int len = (int) varint(b, pos);
          boolean wanted = depth == 0 ? field == 1 : field == 2;
          if (wanted) {
            n += depth == 2 ? 1 : count(b, pos[0], pos[0] + len, depth + 1);
          }
          pos[0] += len;
          break;
        }
        default:
          throw new IllegalArgumentException("wire type " + wire + " at " + pos[0] + " (expected: 0, 1, 2 or 5)");
      }
    }
    return n;
  }

  private static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return v;
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
