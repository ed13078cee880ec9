package io.modelrouter.http;

import io.modelrouter.http.internal.Clients;
import io.modelrouter.http.internal.Redelivery;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import okhttp3.EventListener;
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
 * on OkHttp's dispatcher threads for {@link Transport.Call#start}).
 *
 * <p>OkHttp's own recovery ({@code retryOnConnectionFailure}) is off: it sends a request again on
 * a new connection after a pooled one failed even when the request had been written whole, so an
 * endpoint that died of a request got it again. Instead, a call is written again, on another
 * connection to the same endpoint, only when {@link Redelivery#notReceived} says the endpoint
 * provably did not get it: a pooled connection that failed while the request was being written,
 * before any answer. Such a call that still fails does not count as {@link Transport.Call#sent sent}.
 */
final class OkHttpTransport implements Transport {

  private static final int MAX_CACHED = 4096;

  /** Writes a call again after a stale pooled connection dropped it unreceived (see {@link Redelivery}). */
  private static final Interceptor RESEND_UNRECEIVED = chain -> {
    OkCall c = chain.request().tag(OkCall.class);
    if (c == null) {
      return chain.proceed(chain.request());
    }
    for (int resends = 0; ; resends++) {
      c.freshConnection = false;
      c.failedWhileWriting = false;
      c.answerStarted = false;
      try {
        return chain.proceed(chain.request());
      } catch (IOException e) {
        boolean notReceived = c.sent && Redelivery.notReceived(!c.freshConnection, c.failedWhileWriting,
            c.answerStarted, e);
        if (!notReceived) {
          throw e;
        }
        c.sent = false;
        if (chain.call().isCanceled() || !Redelivery.resendOnSameEndpoint(resends)) {
          throw e;
        }
      }
    }
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
    EventListener.Factory theirs = base.eventListenerFactory();
    this.http = base.newBuilder()
        .retryOnConnectionFailure(false)
        .eventListenerFactory(call -> {
          EventListener listener = theirs.create(call);
          OkCall c = call.request().tag(OkCall.class);
          return c == null ? listener : listener == EventListener.NONE ? c : listener.plus(c);
        })
        .addInterceptor(DEADLINE_ONLY)
        .addInterceptor(RESEND_UNRECEIVED)
        .build();
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

  /** One OkHttp call; also its event listener, which tells what reached the connection. */
  private final class OkCall extends EventListener implements Transport.Call {
    final okhttp3.Call call;
    volatile boolean sent;
    volatile boolean freshConnection;
    volatile boolean failedWhileWriting;
    volatile boolean answerStarted;

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
    public void connectStart(okhttp3.Call c, InetSocketAddress address, Proxy proxy) {
      freshConnection = true;
    }

    @Override
    public void requestHeadersStart(okhttp3.Call c) {
      sent = true;
    }

    @Override
    public void requestFailed(okhttp3.Call c, IOException e) {
      failedWhileWriting = true;
    }

    @Override
    public void responseHeadersStart(okhttp3.Call c) {
      answerStarted = true;
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
