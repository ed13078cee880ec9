package io.modelrouter.http;

import io.modelrouter.http.internal.Clients;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link Transport}: OkHttp, one blocking call per attempt (on the caller's thread, or
 * on OkHttp's dispatcher threads for {@link #send}).
 */
final class OkHttpTransport implements Transport {

  private static final int MAX_CACHED = 4096;

  /** Marks a call as sent once OkHttp starts writing it on a connection. */
  private static final Interceptor MARK_SENT = chain -> {
    OkCall c = chain.request().tag(OkCall.class);
    if (c != null) {
      c.sent = true;
    }
    return chain.proceed(chain.request());
  };

  /**
   * Drops the per-read and per-write socket timeouts of a call that has a deadline: the deadline
   * (the call timeout) bounds it already, and a socket timeout costs an Okio watchdog enqueue and
   * dequeue, under a process-wide lock, around every read and write.
   */
  private static final Interceptor DEADLINE_ONLY = chain -> {
    if (chain.call().timeout().timeoutNanos() == 0) {
      return chain.proceed(chain.request());
    }
    return chain.withReadTimeout(0, TimeUnit.MILLISECONDS)
        .withWriteTimeout(0, TimeUnit.MILLISECONDS)
        .proceed(chain.request());
  };

  private final OkHttpClient http;
  private final boolean owned;
  /** Parsed URLs: a gateway sends a few paths to a few endpoints over and over, and parsing costs microseconds. */
  private final Map<String, HttpUrl> urls = new ConcurrentHashMap<>();
  private volatile @Nullable MediaType lastMediaType;

  OkHttpTransport(OkHttpClient base, boolean owned) {
    this.http = base.newBuilder().addInterceptor(DEADLINE_ONLY).addNetworkInterceptor(MARK_SENT).build();
    this.owned = owned;
  }

  OkHttpClient client() {
    return http;
  }

  @Override
  public Transport.Call call(Request request) {
    return new OkCall(request);
  }

  @Override
  public void close() {
    if (owned) {
      Clients.shutdown(http);
    }
  }

  private HttpUrl url(String url) {
    HttpUrl u = urls.get(url);
    if (u == null) {
      u = HttpUrl.get(url);
      if (urls.size() >= MAX_CACHED) {
        urls.clear();
      }
      urls.put(url, u);
    }
    return u;
  }

  /** The media type of a content-type value; the last one is kept, since a gateway sends mostly one. */
  private @Nullable MediaType mediaType(String contentType) {
    MediaType m = lastMediaType;
    if (m != null && m.toString().equals(contentType)) {
      return m;
    }
    m = MediaType.parse(contentType);
    if (m != null) {
      lastMediaType = m;
    }
    return m;
  }

  /** One OkHttp call, with the flag its network interceptor sets. */
  private final class OkCall implements Transport.Call {
    final okhttp3.Call call;
    volatile boolean sent;

    OkCall(Request r) {
      Headers.Builder headers = new Headers.Builder();
      r.forEachHeader(headers::addUnsafeNonAscii);
      byte[] bytes = r.body();
      String ct = r.contentType();
      RequestBody body = bytes == null ? null : RequestBody.create(bytes, ct == null ? null : mediaType(ct));
      okhttp3.Request request = new okhttp3.Request.Builder()
          .url(url(r.url()))
          .headers(headers.build())
          .method(r.method(), body)
          .tag(OkCall.class, this)
          .build();
      this.call = http.newCall(request);
      if (r.timeoutNanos() > 0) {
        call.timeout().timeout(r.timeoutNanos(), TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void start(Listener listener) {
      call.enqueue(new okhttp3.Callback() {
        @Override
        public void onFailure(okhttp3.Call c, IOException e) {
          listener.onFailure(e);
        }

        @Override
        public void onResponse(okhttp3.Call c, okhttp3.Response response) {
          listener.onResponse(new OkResponse(call, response));
        }
      });
    }

    @Override
    public Response execute() throws IOException {
      return new OkResponse(call, call.execute());
    }

    @Override
    public boolean sent() {
      return sent;
    }

    @Override
    public void cancel() {
      call.cancel();
    }
  }

  /** An OkHttp answer; its body reads block. */
  private static final class OkResponse implements Transport.Response {
    private final okhttp3.Call call;
    private final okhttp3.Response response;
    private final BufferedSource source;

    OkResponse(okhttp3.Call call, okhttp3.Response response) {
      this.call = call;
      this.response = response;
      this.source = response.body().source();
    }

    @Override
    public int status() {
      return response.code();
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
      Headers h = response.headers();
      for (int i = 0, n = h.size(); i < n; i++) {
        action.accept(h.name(i), h.value(i));
      }
    }

    @Override
    public @Nullable String header(String name) {
      return response.header(name);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return source.read(b, off, len);
    }

    @Override
    public void demand(Runnable onReadable) {
      onReadable.run();
    }

    @Override
    public void close() {
      response.close();
    }

    @Override
    public String toString() {
      return call.request().url() + " " + response.code();
    }
  }
}
