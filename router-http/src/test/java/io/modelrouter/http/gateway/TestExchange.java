package io.modelrouter.http.gateway;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory request and response, blocking or asynchronous, for handler tests that need no
 * socket.
 */
final class TestExchange implements GatewayRequest, GatewayResponse, AsyncGatewayResponse {

  private final String method;
  private final String path;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private byte[] body = new byte[0];
  boolean bodyRead;

  final Map<String, String> responseHeaders = new LinkedHashMap<>();
  int status;
  long declaredLength = -2;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  /** Asynchronous form: how many writes came, and how the exchange ended. */
  int writes;
  volatile @Nullable Throwable aborted;
  private final CountDownLatch ended = new CountDownLatch(1);

  private TestExchange(String method, String path) {
    this.method = method;
    this.path = path;
  }

  static TestExchange get(String path) {
    return new TestExchange("GET", path);
  }

  static TestExchange post(String path, String body) {
    TestExchange x = new TestExchange("POST", path);
    x.body = body.getBytes(StandardCharsets.UTF_8);
    return x.header("content-type", "application/json");
  }

  static TestExchange of(String method, String path) {
    return new TestExchange(method, path);
  }

  TestExchange header(String name, String value) {
    headers.put(name.toLowerCase(Locale.ROOT), value);
    return this;
  }

  String bodyText() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Nullable String responseHeader(String name) {
    return responseHeaders.get(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public @Nullable String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public List<String> headerNames() {
    return new ArrayList<>(headers.keySet());
  }

  @Override
  public long contentLength() {
    return body.length;
  }

  @Override
  public InputStream body() {
    bodyRead = true;
    return new ByteArrayInputStream(body);
  }

  @Override
  public void setHeader(String name, String value) {
    responseHeaders.put(name.toLowerCase(Locale.ROOT), value);
  }

  @Override
  public OutputStream start(int status, long contentLength) {
    this.status = status;
    this.declaredLength = contentLength;
    return out;
  }

  @Override
  public void addHeader(String name, String value) {
    responseHeaders.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + ", " + b);
  }

  @Override
  public void status(int status, long contentLength) {
    this.status = status;
    this.declaredLength = contentLength;
  }

  @Override
  public synchronized void write(ByteBuffer bytes, boolean last, Consumer<@Nullable Throwable> done) {
    writes++;
    byte[] b = new byte[bytes.remaining()];
    bytes.get(b);
    out.write(b, 0, b.length);
    done.accept(null);
    if (last) {
      ended.countDown();
    }
  }

  @Override
  public void abort(Throwable failure) {
    aborted = failure;
    ended.countDown();
  }

  /** Waits for the asynchronous exchange's last write or abort. */
  void awaitEnd() throws InterruptedException {
    if (!ended.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the exchange did not end: " + status + " " + bodyText());
    }
  }
}
