package io.modelrouter.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Triton-like Open Inference Protocol (KServe v2): {@code GET /v2}, {@code /v2/health/ready},
 * {@code /v2/health/live}, {@code /v2/models/{name}[/versions/{v}]} (metadata), {@code .../ready}
 * and {@code POST .../infer}. The model takes one input of shape {@code [-1, width]} of numbers and
 * answers {@code output__0}, the sum of each row. Errors have OIP's shape: {@code {"error":"..."}}.
 */
final class OipEmulation extends Emulation {

  private final String model;
  private final String version;
  private final String inputName;
  private final int inputWidth;
  private final ServerFaults faults;

  OipEmulation(Inference inference, Latency latency, ServerStats stats, ServerFaults faults, String model,
      String version, String inputName, int inputWidth) {
    super(inference, latency, stats);
    this.model = model;
    this.version = version;
    this.inputName = inputName;
    this.inputWidth = inputWidth;
    this.faults = faults;
  }

  @Override
  void route(HttpExchange ex, String method, String path) throws IOException {
    if (path.equals("/v2/health/ready") || path.equals("/v2/health/live")) {
      HttpExchanges.requireGet(method);
      HttpExchanges.send(ex, faults.healthy() ? 200 : 503, "application/json", "");
      return;
    }
    if (path.equals("/v2") || path.equals("/v2/")) {
      HttpExchanges.requireGet(method);
      HttpExchanges.send(ex, 200, "application/json",
          "{\"name\":\"triton\",\"version\":\"2.50.0\",\"extensions\":[\"classification\",\"model_repository\"]}");
      return;
    }
    if (!path.startsWith("/v2/models/")) {
      HttpExchanges.drain(ex);
      sendError(ex, 404, "no route " + path);
      return;
    }
    // /v2/models/{name}[/versions/{v}][/ready|/infer]
    String[] parts = path.substring("/v2/models/".length()).split("/", -1);
    String modelName = parts[0];
    int k = 1;
    String askedVersion = null;
    if (parts.length > 2 && parts[1].equals("versions")) {
      askedVersion = parts[2];
      k = 3;
    }
    String action = parts.length > k ? parts[k] : "";
    if (parts.length > k + 1 || !(action.isEmpty() || action.equals("ready") || action.equals("infer"))) {
      HttpExchanges.drain(ex);
      sendError(ex, 404, "no route " + path);
      return;
    }
    if (!modelName.equals(model) || (askedVersion != null && !askedVersion.equals(version))) {
      HttpExchanges.drain(ex);
      sendError(ex, 404, "Request for unknown model: '" + modelName + "'"
          + (askedVersion == null ? "" : " version " + askedVersion) + " is not found");
      return;
    }
    switch (action) {
      case "" -> {
        HttpExchanges.requireGet(method);
        HttpExchanges.send(ex, 200, "application/json", metadata());
      }
      case "ready" -> {
        HttpExchanges.requireGet(method);
        HttpExchanges.send(ex, faults.healthy() ? 200 : 503, "application/json", "");
      }
      default -> {
        HttpExchanges.requirePost(method);
        inference.handle(ex, Job.Kind.INFER, this);
      }
    }
  }

  private String metadata() {
    return "{\"name\":" + Json.quote(model) + ",\"versions\":[" + Json.quote(version)
        + "],\"platform\":\"simulator\",\"inputs\":[{\"name\":" + Json.quote(inputName)
        + ",\"datatype\":\"FP32\",\"shape\":[-1," + inputWidth + "]}],\"outputs\":[{\"name\":\"output__0\""
        + ",\"datatype\":\"FP32\",\"shape\":[-1]}]}";
  }

  @Override
  void sendError(HttpExchange ex, int status, String message) throws IOException {
    HttpExchanges.send(ex, status, "application/json", "{\"error\":" + Json.quote(message) + "}");
  }

  @Override
  Job parse(Job.Kind kind, Object body) {
    Job job = new Job();
    Object id = Json.member(body, "id");
    job.oipId = id instanceof String ? (String) id : null;
    Object inputs = Json.member(body, "inputs");
    if (!(inputs instanceof List) || ((List<?>) inputs).isEmpty()) {
      throw new IllegalArgumentException("'inputs' must be a non-empty array");
    }
    Object tensor = null;
    for (Object t : (List<?>) inputs) {
      if (inputName.equals(Json.member(t, "name"))) {
        tensor = t;
      }
    }
    if (tensor == null) {
      throw new IllegalArgumentException("expected input '" + inputName + "'");
    }
    Object shape = Json.member(tensor, "shape");
    if (!(shape instanceof List) || ((List<?>) shape).size() != 2) {
      throw new IllegalArgumentException("input '" + inputName + "' must have shape [-1, " + inputWidth + "]");
    }
    List<?> dims = (List<?>) shape;
    if (!(dims.get(0) instanceof Double) || !(dims.get(1) instanceof Double)
        || (Double) dims.get(0) < 0 || (Double) dims.get(1) != inputWidth) {
      throw new IllegalArgumentException("input '" + inputName + "' has shape " + shapeText(dims) + " (expected: [-1, " + inputWidth + "])");
    }
    int rows = (int) (double) (Double) dims.get(0);
    Object datatype = Json.member(tensor, "datatype");
    if (!(datatype instanceof String) || !isNumeric((String) datatype)) {
      throw new IllegalArgumentException("input '" + inputName + "' has datatype " + datatype + " (expected: FP32)");
    }
    List<Double> flat = new ArrayList<>(rows * inputWidth);
    flatten(Json.member(tensor, "data"), flat, 0);
    if (flat.size() != rows * inputWidth) {
      throw new IllegalArgumentException("input '" + inputName + "' has " + flat.size() + " values (expected: "
          + rows * inputWidth + " for shape [" + rows + ", " + inputWidth + "])");
    }
    job.rowSums = new double[rows];
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int c = 0; c < inputWidth; c++) {
        sum += flat.get(r * inputWidth + c);
      }
      job.rowSums[r] = (float) sum;
    }
    job.promptTokens = rows;
    return job;
  }

  private static String shapeText(List<?> dims) {
    StringBuilder sb = new StringBuilder("[");
    for (Object d : dims) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(d instanceof Double && (Double) d == Math.rint((Double) d) ? String.valueOf((long) (double) (Double) d) : String.valueOf(d));
    }
    return sb.append(']').toString();
  }

  private static boolean isNumeric(String datatype) {
    return switch (datatype) {
      case "FP32", "FP64", "FP16", "INT8", "INT16", "INT32", "INT64" -> true;
      default -> false;
    };
  }

  private static void flatten(@Nullable Object data, List<Double> out, int depth) {
    if (data instanceof Double) {
      out.add((Double) data);
    } else if (data instanceof List && depth < 8) {
      for (Object o : (List<?>) data) {
        flatten(o, out, depth + 1);
      }
    } else {
      throw new IllegalArgumentException("'data' must hold numbers only");
    }
  }

  @Override
  void answer(HttpExchange ex, Job.Kind kind, Job job, long startNanos) throws IOException {
    answerWhole(ex, kind, job, startNanos, () -> inferAnswer(job));
  }

  private String inferAnswer(Job job) {
    StringBuilder sb = new StringBuilder("{\"model_name\":").append(Json.quote(model))
        .append(",\"model_version\":").append(Json.quote(version));
    if (job.oipId != null) {
      sb.append(",\"id\":").append(Json.quote(job.oipId));
    }
    sb.append(",\"outputs\":[{\"name\":\"output__0\",\"datatype\":\"FP32\",\"shape\":[")
        .append(job.rowSums.length).append("],\"data\":[");
    for (int r = 0; r < job.rowSums.length; r++) {
      if (r > 0) {
        sb.append(',');
      }
      sb.append((float) job.rowSums[r]);
    }
    return sb.append("]}]}").toString();
  }
}
