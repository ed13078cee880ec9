package io.modelrouter.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The path of every inference request, whatever its protocol: counted and its headers logged, its
 * body parsed by the protocol (400 or 404 when it is wrong), then the faults (a reset connection, a
 * drawn 500), a slot (or a 503 with {@code Retry-After} when the queue is full), a hang while one
 * is on, and the protocol's answer.
 */
final class Inference {

  private final ServerStats stats;
  private final RequestLog requests;
  private final ServerFaults faults;
  private final Slots slots;
  private final BooleanSupplier running;

  /** {@code running} says whether the server still listens. */
  Inference(ServerStats stats, RequestLog requests, ServerFaults faults, Slots slots, BooleanSupplier running) {
    this.stats = stats;
    this.requests = requests;
    this.faults = faults;
    this.slots = slots;
    this.running = running;
  }

  void handle(HttpExchange ex, Job.Kind kind, Emulation emulation) throws IOException {
    stats.received();
    requests.record(ex.getRequestHeaders());
    byte[] bytes = HttpExchanges.readBody(ex);
    Job job;
    try {
      Object body = Json.parse(new String(bytes, StandardCharsets.UTF_8));
      if (!(body instanceof Map)) {
        throw new IllegalArgumentException("the body must be a JSON object");
      }
      job = emulation.parse(kind, body);
    } catch (IllegalArgumentException e) {
      stats.failed();
      emulation.sendError(ex, 400, e.getMessage() == null ? "invalid request" : e.getMessage());
      return;
    } catch (Emulation.UnknownModel e) {
      stats.failed();
      emulation.sendError(ex, 404, e.getMessage());
      return;
    }
    if (faults.resetConnections()) {
      stats.failed();
      return; // SimHandler closes the exchange before any header: the client sees the connection drop
    }
    if (faults.failsNext()) {
      stats.failed();
      emulation.sendError(ex, 500, "simulated internal error");
      return;
    }
    long start = System.nanoTime();
    switch (slots.admit(job)) {
      case QUEUE_FULL -> {
        stats.failed();
        ex.getResponseHeaders().set("Retry-After", "1");
        emulation.sendError(ex, 503, "the server is overloaded (" + slots.waiting() + " requests waiting)");
        return;
      }
      case INTERRUPTED -> {
        return;
      }
      case RUNNING -> {
        // below
      }
    }
    try {
      if (faults.hanging()) {
        faults.awaitUnhang(running);
        if (!running.getAsBoolean()) {
          return;
        }
      }
      emulation.answer(ex, kind, job, start);
    } finally {
      slots.release(job);
    }
  }
}
