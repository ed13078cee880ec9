package io.modelrouter.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * One wire protocol of a simulated server: its routes, how it reads an inference request, how it
 * answers and what its errors look like. {@link OpenAiEmulation} (vLLM-like) and {@link
 * OipEmulation} (Triton-like); both send their inference requests down the same {@link Inference}.
 */
abstract class Emulation {

  /** A request names a model (or adapter) the server does not serve: 404. */
  static final class UnknownModel extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownModel(String message) {
      super(message, null, false, false);
    }
  }

  final Inference inference;
  final Latency latency;
  final ServerStats stats;

  Emulation(Inference inference, Latency latency, ServerStats stats) {
    this.inference = inference;
    this.latency = latency;
    this.stats = stats;
  }

  /** Answers a request on any path but {@code /metrics}; throws {@link HttpExchanges.MethodNotAllowed} for a wrong method. */
  abstract void route(HttpExchange ex, String method, String path) throws IOException;

  /**
   * Reads an inference request's JSON body ({@code body} is a JSON object).
   *
   * @throws IllegalArgumentException the request is invalid (400, with the exception's message)
   * @throws UnknownModel it names a model the server does not serve (404)
   */
  abstract Job parse(Job.Kind kind, Object body) throws UnknownModel;

  /**
   * Answers an admitted job after its simulated latency; counts it successful before the answer
   * leaves, so that a client that got it sees it counted.
   */
  abstract void answer(HttpExchange ex, Job.Kind kind, Job job, long startNanos) throws IOException;

  /** Sends an error in the protocol's own shape. */
  abstract void sendError(HttpExchange ex, int status, String message) throws IOException;

  /**
   * Answers in one piece after the whole latency: the fixed part, plus the part per token for
   * generated text.
   */
  final void answerWhole(HttpExchange ex, Job.Kind kind, Job job, long startNanos, Supplier<String> answer)
      throws IOException {
    boolean text = kind.generatesText();
    latency.pause(latency.baseNanos() + (text ? latency.perTokenNanos() * job.outputTokens : 0));
    String body = answer.get();
    succeeded(kind, job, startNanos);
    HttpExchanges.send(ex, 200, "application/json", body);
  }

  /** Counts a job answered successfully, with its tokens and its latency since {@code startNanos}. */
  final void succeeded(Job.Kind kind, Job job, long startNanos) {
    stats.succeeded(job.promptTokens, kind.generatesText() ? job.outputTokens : 0, System.nanoTime() - startNanos);
  }
}
