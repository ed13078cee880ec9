package io.modelrouter.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The vLLM-like OpenAI-compatible API: {@code POST /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code GET /v1/models} and {@code /health}. Answers carry a usage object;
 * streams are {@link OpenAiStream}'s. A request names a LoRA adapter by putting the adapter's name
 * in {@code model}. Errors have OpenAI's shape: {@code {"error":{"message","type","param","code"}}}.
 */
final class OpenAiEmulation extends Emulation {

  private final String model;
  private final Set<String> adapters;
  private final int defaultOutputTokens;
  private final int embeddingDimensions;
  private final ServerFaults faults;
  private final Tokens tokens;
  private final OpenAiStream stream;
  private final AtomicLong ids;

  OpenAiEmulation(Inference inference, Latency latency, ServerStats stats, ServerFaults faults, String model,
      Set<String> adapters, int defaultOutputTokens, int embeddingDimensions, Tokens tokens, OpenAiStream stream,
      AtomicLong ids) {
    super(inference, latency, stats);
    this.model = model;
    this.adapters = Set.copyOf(adapters);
    this.defaultOutputTokens = defaultOutputTokens;
    this.embeddingDimensions = embeddingDimensions;
    this.faults = faults;
    this.tokens = tokens;
    this.stream = stream;
    this.ids = ids;
  }

  @Override
  void route(HttpExchange ex, String method, String path) throws IOException {
    switch (path) {
      case "/health" -> {
        HttpExchanges.requireGet(method);
        HttpExchanges.send(ex, faults.healthy() ? 200 : 503, "text/plain", "");
      }
      case "/v1/models" -> {
        HttpExchanges.requireGet(method);
        HttpExchanges.send(ex, 200, "application/json", modelsList());
      }
      case "/v1/chat/completions" -> {
        HttpExchanges.requirePost(method);
        inference.handle(ex, Job.Kind.CHAT, this);
      }
      case "/v1/completions" -> {
        HttpExchanges.requirePost(method);
        inference.handle(ex, Job.Kind.COMPLETION, this);
      }
      case "/v1/embeddings" -> {
        HttpExchanges.requirePost(method);
        inference.handle(ex, Job.Kind.EMBEDDING, this);
      }
      default -> {
        HttpExchanges.drain(ex);
        sendError(ex, 404, "no route " + path);
      }
    }
  }

  @Override
  void sendError(HttpExchange ex, int status, String message) throws IOException {
    String type = status == 404 ? "NotFoundError" : status == 400 ? "BadRequestError"
        : status == 405 ? "MethodNotAllowed" : status == 503 ? "ServiceUnavailableError" : "InternalServerError";
    HttpExchanges.send(ex, status, "application/json", "{\"error\":{\"message\":" + Json.quote(message)
        + ",\"type\":\"" + type + "\",\"param\":null,\"code\":" + status + "}}");
  }

  @Override
  Job parse(Job.Kind kind, Object body) throws UnknownModel {
    Job job = new Job();
    Object m = Json.member(body, "model");
    if (m != null && !(m instanceof String)) {
      throw new IllegalArgumentException("'model' must be a string");
    }
    job.requestedModel = m == null ? model : (String) m;
    if (!job.requestedModel.equals(model)) {
      if (!adapters.contains(job.requestedModel)) {
        throw new UnknownModel("The model `" + job.requestedModel + "` does not exist.");
      }
      job.adapter = job.requestedModel;
    }
    int chars = switch (kind) {
      case CHAT -> messageChars(body);
      case COMPLETION -> promptChars(body);
      default -> {
        job.embeddingInputs = embeddingInputs(body);
        for (String s : job.embeddingInputs) {
          job.promptTokens += Math.max(1, (s.length() + 3) / 4);
        }
        yield 0;
      }
    };
    if (job.promptTokens == 0) {
      job.promptTokens = Math.max(1, (chars + 3) / 4);
    }
    Object max = Json.member(body, "max_completion_tokens");
    if (max == null) {
      max = Json.member(body, "max_tokens");
    }
    if (max != null) {
      if (!(max instanceof Double) || (Double) max < 1 || (Double) max > 10_000_000) {
        throw new IllegalArgumentException("'max_tokens' must be a positive integer");
      }
      job.outputTokens = (int) (double) (Double) max;
    } else {
      job.outputTokens = defaultOutputTokens;
    }
    job.stream = Boolean.TRUE.equals(Json.member(body, "stream"));
    job.streamUsage = OpenAiStream.sendsUsage(body);
    return job;
  }

  private static int messageChars(Object body) {
    Object messages = Json.member(body, "messages");
    if (!(messages instanceof List) || ((List<?>) messages).isEmpty()) {
      throw new IllegalArgumentException("'messages' must be a non-empty array");
    }
    int chars = 0;
    for (Object msg : (List<?>) messages) {
      Object content = Json.member(msg, "content");
      if (content instanceof String) {
        chars += ((String) content).length();
      } else if (content instanceof List) {
        for (Object part : (List<?>) content) {
          Object text = Json.member(part, "text");
          chars += text instanceof String ? ((String) text).length() : 0;
        }
      }
    }
    return chars;
  }

  private static int promptChars(Object body) {
    Object prompt = Json.member(body, "prompt");
    if (prompt instanceof String) {
      return ((String) prompt).length();
    }
    if (prompt instanceof List) {
      int chars = 0;
      for (Object p : (List<?>) prompt) {
        chars += p instanceof String ? ((String) p).length() : 4;
      }
      return chars;
    }
    throw new IllegalArgumentException("'prompt' must be a string or an array");
  }

  private static List<String> embeddingInputs(Object body) {
    Object input = Json.member(body, "input");
    List<String> inputs = new ArrayList<>();
    if (input instanceof String) {
      inputs.add((String) input);
    } else if (input instanceof List && !((List<?>) input).isEmpty()) {
      for (Object p : (List<?>) input) {
        inputs.add(String.valueOf(p));
      }
    } else {
      throw new IllegalArgumentException("'input' must be a string or a non-empty array");
    }
    return inputs;
  }

  @Override
  void answer(HttpExchange ex, Job.Kind kind, Job job, long startNanos) throws IOException {
    if (job.stream && kind != Job.Kind.EMBEDDING) {
      stream.send(ex, kind, job, () -> succeeded(kind, job, startNanos));
    } else {
      answerWhole(ex, kind, job, startNanos, () -> kind == Job.Kind.EMBEDDING ? embeddingAnswer(job) : textAnswer(kind, job));
    }
  }

  /** The usage object of an answer. */
  static String usage(int prompt, int completion) {
    return "{\"prompt_tokens\":" + prompt + ",\"total_tokens\":" + (prompt + completion)
        + ",\"completion_tokens\":" + completion + "}";
  }

  private String textAnswer(Job.Kind kind, Job job) {
    String q = Json.quote(tokens.text(job.outputTokens));
    long created = System.currentTimeMillis() / 1000;
    if (kind == Job.Kind.CHAT) {
      return "{\"id\":\"chatcmpl-" + ids.incrementAndGet() + "\",\"object\":\"chat.completion\",\"created\":" + created
          + ",\"model\":" + Json.quote(job.requestedModel) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":" + q + "},\"logprobs\":null,\"finish_reason\":\"length\"}],\"usage\":"
          + usage(job.promptTokens, job.outputTokens) + "}";
    }
    return "{\"id\":\"cmpl-" + ids.incrementAndGet() + "\",\"object\":\"text_completion\",\"created\":" + created
        + ",\"model\":" + Json.quote(job.requestedModel) + ",\"choices\":[{\"index\":0,\"text\":" + q
        + ",\"logprobs\":null,\"finish_reason\":\"length\"}],\"usage\":" + usage(job.promptTokens, job.outputTokens) + "}";
  }

  /** A unit vector per input, the same for the same input. */
  private String embeddingAnswer(Job job) {
    StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
    for (int k = 0; k < job.embeddingInputs.size(); k++) {
      if (k > 0) {
        sb.append(',');
      }
      sb.append("{\"object\":\"embedding\",\"index\":").append(k).append(",\"embedding\":[");
      SplittableRandom r = new SplittableRandom(job.embeddingInputs.get(k).hashCode());
      double[] v = new double[embeddingDimensions];
      double norm = 0;
      for (int d = 0; d < v.length; d++) {
        v[d] = r.nextDouble(-1, 1);
        norm += v[d] * v[d];
      }
      norm = Math.sqrt(norm);
      for (int d = 0; d < v.length; d++) {
        if (d > 0) {
          sb.append(',');
        }
        sb.append((float) (v[d] / norm));
      }
      sb.append("]}");
    }
    return sb.append("],\"model\":").append(Json.quote(job.requestedModel))
        .append(",\"usage\":{\"prompt_tokens\":").append(job.promptTokens)
        .append(",\"total_tokens\":").append(job.promptTokens).append("}}").toString();
  }

  private String modelsList() {
    long created = System.currentTimeMillis() / 1000;
    StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
    sb.append("{\"id\":").append(Json.quote(model)).append(",\"object\":\"model\",\"created\":").append(created)
        .append(",\"owned_by\":\"vllm\",\"root\":").append(Json.quote(model)).append(",\"parent\":null}");
    for (String a : new TreeSet<>(adapters)) {
      sb.append(",{\"id\":").append(Json.quote(a)).append(",\"object\":\"model\",\"created\":").append(created)
          .append(",\"owned_by\":\"vllm\",\"root\":").append(Json.quote(a)).append(",\"parent\":")
          .append(Json.quote(model)).append('}');
    }
    return sb.append("]}").toString();
  }
}
