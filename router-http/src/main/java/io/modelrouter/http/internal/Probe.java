package io.modelrouter.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/** One small GET to an endpoint (a health check or a metrics scrape), asynchronous, with a deadline and a size cap. */
public final class Probe {

  /** What a probe got: a status (0 when no answer) and the body text (empty when not asked for or none). */
  public record Result(int status, String body, String error) {
    /** Whether the endpoint answered 2xx. */
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private Probe() {}

  /**
   * GETs {@code url} within {@code timeout}; reads at most {@code maxBodyBytes} of the body (0 to
   * skip it). Never completes exceptionally.
   */
  public static CompletableFuture<Result> get(OkHttpClient http, String url, Duration timeout, long maxBodyBytes) {
    CompletableFuture<Result> f = new CompletableFuture<>();
    Request request;
    try {
      request = new Request.Builder().url(url).header("accept", "text/plain, */*").get().build();
    } catch (IllegalArgumentException e) {
      f.complete(new Result(0, "", "bad url " + url));
      return f;
    }
    Call call = http.newCall(request);
    call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        f.complete(new Result(0, "", String.valueOf(e)));
      }

      @Override
      public void onResponse(Call c, Response response) {
        try (response) {
          String body = "";
          if (maxBodyBytes > 0 && response.isSuccessful()) {
            ResponseBody rb = response.body();
            BufferedSource source = rb.source();
            if (!source.request(maxBodyBytes + 1)) {
              body = source.readString(StandardCharsets.UTF_8);
            } else {
              f.complete(new Result(0, "", "body larger than " + maxBodyBytes + " bytes"));
              return;
            }
          }
          f.complete(new Result(response.code(), body, ""));
        } catch (IOException | RuntimeException e) {
          f.complete(new Result(0, "", String.valueOf(e)));
        }
      }
    });
    return f;
  }

  /**
   * The endpoint's URL for a request path: the base URL's path, then the request's, without
   * doubling an API prefix ({@code http://h/v1} and {@code /v1/chat/completions} give
   * {@code http://h/v1/chat/completions}).
   */
  public static String targetUrl(String baseUrl, String path) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (path.startsWith("/v1/") || path.equals("/v1")) {
      if (base.endsWith("/v1")) {
        base = base.substring(0, base.length() - 3);
      }
    } else if (path.startsWith("/v2/") || path.equals("/v2")) {
      if (base.endsWith("/v2")) {
        base = base.substring(0, base.length() - 3);
      }
    }
    return base + path;
  }
}
