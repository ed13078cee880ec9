package io.modelrouter.registry.etcd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A connection to an etcd v3 cluster through its HTTP/JSON gateway (the {@code /v3/...} paths
 * every etcd 3.4+ member serves on its client URL). It is shared by {@link EtcdRegistry},
 * {@link EtcdRegistryStore} and {@link EndpointRegistration}.
 *
 * <p>With several member URLs a call that cannot reach one member (connection refused, timeout,
 * {@code 503 Unavailable}) is tried on the next, and the member that answered is preferred from
 * then on. Thread-safe; close it when done to release its connection pool, unless it was built on
 * a caller's {@link OkHttpClient}.
 */
public final class EtcdClient implements AutoCloseable {

  /** How long one request may take, connection included: {@value #DEFAULT_REQUEST_TIMEOUT_MILLIS} ms. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;

  /**
   * How long to wait for a TCP connection: {@value #DEFAULT_CONNECT_TIMEOUT_MILLIS} ms. Short, so
   * that a dead member is skipped quickly when several are configured.
   */
  public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 2_000;

  /**
   * The largest answer read from etcd (a range, or one watch response): 64 MiB, far above etcd's
   * own 1.5 MiB request limit times a large registry, so that a broken or hostile member cannot
   * make the client buffer without end.
   */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L * 1024 * 1024;

  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final List<HttpUrl> urls;
  private final OkHttpClient unary;
  private final OkHttpClient streaming;
  private final boolean ownsHttp;
  private final long maxResponseBytes;
  private final @Nullable String user;
  private final @Nullable String password;
  /** The etcd auth token while one is held; null before the first authentication or after a refusal. */
  private volatile @Nullable String token;
  private volatile int preferred;

  private EtcdClient(List<HttpUrl> urls, OkHttpClient base, boolean ownsHttp, Duration requestTimeout, Duration connectTimeout,
      Builder b) {
    this.urls = urls;
    this.ownsHttp = ownsHttp;
    this.maxResponseBytes = b.maxResponseBytes;
    this.user = b.user;
    this.password = b.password;
    this.unary = base.newBuilder()
        .connectTimeout(connectTimeout)
        .callTimeout(requestTimeout)
        .readTimeout(requestTimeout)
        .build();
    // Watches last as long as they are healthy; EtcdRegistry bounds their idle time itself.
    this.streaming = base.newBuilder()
        .connectTimeout(connectTimeout)
        .callTimeout(Duration.ZERO)
        .readTimeout(Duration.ZERO)
        .retryOnConnectionFailure(false)
        .build();
  }

  /** A client of the etcd members at these client URLs, such as {@code http://127.0.0.1:2379}. */
  public static EtcdClient connect(String... urls) {
    return builder(urls).build();
  }

  /** A builder for a client of the etcd members at these client URLs. */
  public static Builder builder(String... urls) {
    return new Builder(Arrays.asList(urls));
  }

  /** A builder for a client of the etcd members at these client URLs. */
  public static Builder builder(List<String> urls) {
    return new Builder(urls);
  }

  /** The members' client URLs, as given. */
  public List<String> urls() {
    List<String> out = new ArrayList<>(urls.size());
    for (HttpUrl u : urls) {
      out.add(u.toString());
    }
    return List.copyOf(out);
  }

  /** Releases the connection pool and threads, unless the {@link OkHttpClient} was the caller's. */
  @Override
  public void close() {
    if (ownsHttp) {
      unary.dispatcher().executorService().shutdown();
      unary.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "EtcdClient" + urls;
  }

  // ------------------------------------------------------------------ KV

  /** Every key under {@code prefix}, read at one revision. */
  RangeResult range(String prefix) {
    ObjectNode req = JSON.createObjectNode();
    req.put("key", b64(prefix));
    req.put("range_end", b64(prefixEnd(prefix)));
    JsonNode res = post("/v3/kv/range", req);
    List<KeyValue> kvs = new ArrayList<>();
    for (JsonNode kv : res.path("kvs")) {
      kvs.add(keyValue(kv));
    }
    return new RangeResult(revision(res), List.copyOf(kvs));
  }

  /** The store's current revision. */
  long currentRevision() {
    ObjectNode req = JSON.createObjectNode();
    req.put("key", b64("\0"));
    req.put("count_only", true);
    return revision(post("/v3/kv/range", req));
  }

  /** Writes one key, attached to {@code lease} unless it is 0; returns the new revision. */
  long put(String key, String value, long lease) {
    ObjectNode req = putRequest(key, value, lease);
    return revision(post("/v3/kv/put", req));
  }

  /** Deletes one key; returns the revision after the call. */
  long delete(String key) {
    ObjectNode req = JSON.createObjectNode();
    req.put("key", b64(key));
    return revision(post("/v3/kv/deleterange", req));
  }

  /**
   * Applies puts (value non-null) and deletes (value null) in one transaction, so that watchers
   * see them in one revision; returns that revision.
   */
  long txn(List<Write> writes) {
    ObjectNode req = JSON.createObjectNode();
    ArrayNode success = req.putArray("success");
    for (Write w : writes) {
      ObjectNode op = success.addObject();
      if (w.value() == null) {
        op.putObject("request_delete_range").put("key", b64(w.key()));
      } else {
        op.set("request_put", putRequest(w.key(), w.value(), 0));
      }
    }
    return revision(post("/v3/kv/txn", req));
  }

  /** Compacts the key-value history up to {@code revision} (for tests and operators). */
  void compact(long revision) {
    ObjectNode req = JSON.createObjectNode();
    req.put("revision", Long.toString(revision));
    req.put("physical", true);
    post("/v3/kv/compaction", req);
  }

  // ------------------------------------------------------------------ leases

  /** Grants a lease of {@code ttlSeconds}; returns its id. */
  long grantLease(long ttlSeconds) {
    ObjectNode req = JSON.createObjectNode();
    req.put("TTL", Long.toString(ttlSeconds));
    JsonNode res = post("/v3/lease/grant", req);
    long id = longOf(res.path("ID"));
    if (id == 0) {
      throw new EtcdException("lease grant returned no id: " + res);
    }
    return id;
  }

  /** Refreshes a lease; returns its new TTL in seconds, or 0 when the lease no longer exists. */
  long keepAlive(long leaseId) {
    ObjectNode req = JSON.createObjectNode();
    req.put("ID", Long.toString(leaseId));
    JsonNode res = post("/v3/lease/keepalive", req);
    return longOf(res.path("result").path("TTL"));
  }

  /** Revokes a lease, deleting its keys; a lease that is already gone is not an error. */
  void revokeLease(long leaseId) {
    ObjectNode req = JSON.createObjectNode();
    req.put("ID", Long.toString(leaseId));
    try {
      post("/v3/lease/revoke", req);
    } catch (EtcdException e) {
      if (e.getMessage() == null || !e.getMessage().contains("lease not found")) {
        throw e;
      }
    }
  }

  // ------------------------------------------------------------------ watch

  /**
   * Opens a watch of every key under {@code prefix} from {@code startRevision}, with progress
   * notifications. Reading blocks; {@link WatchStream#cancel()} from another thread ends it.
   */
  WatchStream watch(String prefix, long startRevision, Duration idleTimeout) {
    ObjectNode req = JSON.createObjectNode();
    ObjectNode create = req.putObject("create_request");
    create.put("key", b64(prefix));
    create.put("range_end", b64(prefixEnd(prefix)));
    create.put("start_revision", Long.toString(startRevision));
    create.put("progress_notify", true);
    OkHttpClient client = streaming.newBuilder().readTimeout(idleTimeout).build();
    int start = preferred;
    EtcdException last = null;
    for (int i = 0; i < urls.size(); i++) {
      int index = (start + i) % urls.size();
      if (user != null && token == null) {
        try {
          authenticate(index);
        } catch (Unavailable e) {
          last = e.failure;
          continue;
        }
      }
      Call call = client.newCall(request(index, "/v3/watch", req));
      try {
        Response response = call.execute();
        if (!response.isSuccessful()) {
          String body = bodyText(response);
          response.close();
          last = httpError(index, "/v3/watch", response.code(), body);
          if (user != null && refusedToken(response.code(), body)) {
            token = null; // the caller re-opens the watch, with a new token
          }
          if (response.code() != 503) {
            throw last;
          }
          continue;
        }
        preferred = index;
        return new WatchStream(this, index, call, response);
      } catch (IOException e) {
        last = new EtcdException("cannot reach etcd at " + urls.get(index) + ": " + e.getMessage(), e);
      }
    }
    preferred = (start + 1) % urls.size();
    throw Objects.requireNonNull(last);
  }

  /** Prefers another member after the one at {@code index} broke a stream. */
  void failedAt(int index) {
    if (preferred == index) {
      preferred = (index + 1) % urls.size();
    }
  }

  /** One watch's stream of responses, one JSON object per line. */
  static final class WatchStream implements AutoCloseable {
    private final EtcdClient client;
    private final int index;
    private final Call call;
    private final Response response;
    private final BufferedSource source;

    WatchStream(EtcdClient client, int index, Call call, Response response) {
      this.client = client;
      this.index = index;
      this.call = call;
      this.response = response;
      ResponseBody body = Objects.requireNonNull(response.body(), "body");
      this.source = body.source();
    }

    /**
     * The next response, or null when the stream ended or stayed silent for the idle timeout.
     *
     * @throws EtcdException when the connection broke or etcd answered with an error
     */
    @Nullable WatchResponse next() {
      String line;
      do {
        try {
          line = readLine();
        } catch (java.net.SocketTimeoutException idle) {
          return null; // silent for the idle timeout: the caller re-opens from its revision
        } catch (IOException e) {
          client.failedAt(index);
          throw new EtcdException("watch stream from " + client.urls.get(index) + " broke: " + e, e);
        }
        if (line == null) {
          client.failedAt(index);
          return null;
        }
      } while (line.isBlank());
      JsonNode node = parse(line);
      if (node.has("error")) {
        client.failedAt(index);
        JsonNode error = node.get("error");
        String message = error.path("message").asString(error.toString());
        if (refusedToken(error.path("http_code").asInt(0), message)) {
          client.token = null; // re-opened with a new token
        }
        throw new EtcdException("watch failed at " + client.urls.get(index) + ": " + message);
      }
      return watchResponse(node.path("result"));
    }

    /** The next line, at most the client's {@code maxResponseBytes}; null at the end of the stream. */
    private @Nullable String readLine() throws IOException {
      long limit = client.maxResponseBytes;
      long newline = source.indexOf((byte) '\n', 0, limit);
      if (newline < 0) {
        if (source.getBuffer().size() >= limit) {
          throw new IOException("a watch response longer than " + limit + " bytes (maxResponseBytes)");
        }
        return source.readUtf8Line(); // the end of the stream
      }
      String line = source.readUtf8(newline);
      source.skip(1);
      return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** Ends the stream from any thread: a blocked {@link #next()} fails at once. */
    void cancel() {
      call.cancel();
    }

    /** Releases the stream; only on the thread that reads it (Okio streams are single-threaded). */
    @Override
    public void close() {
      call.cancel();
      try {
        response.close();
      } catch (IllegalStateException e) {
        // Okio's timeout bookkeeping after a cancel: the connection is gone either way.
      }
    }
  }

  // ------------------------------------------------------------------ plumbing

  private JsonNode post(String path, ObjectNode body) {
    int start = preferred;
    EtcdException last = null;
    for (int i = 0; i < urls.size(); i++) {
      int index = (start + i) % urls.size();
      try {
        return postTo(index, path, body);
      } catch (Unavailable e) {
        last = e.failure;
      }
    }
    throw Objects.requireNonNull(last);
  }

  /** A member could not answer (unreachable, or 503): the next one is tried. */
  private static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;
    final EtcdException failure;

    Unavailable(EtcdException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  /** One call to one member, authenticating first (and again once when etcd refuses the token). */
  private JsonNode postTo(int index, String path, ObjectNode body) throws Unavailable {
    for (int attempt = 0; ; attempt++) {
      if (user != null && token == null) {
        authenticate(index);
      }
      try (Response response = unary.newCall(request(index, path, body)).execute()) {
        String text = bodyText(response);
        if (response.isSuccessful()) {
          preferred = index;
          return parse(text);
        }
        EtcdException error = httpError(index, path, response.code(), text);
        if (user != null && attempt == 0 && refusedToken(response.code(), text)) {
          token = null; // expired or revoked: a new one, once
          continue;
        }
        if (response.code() == 503) {
          throw new Unavailable(error);
        }
        throw error;
      } catch (IOException e) {
        throw new Unavailable(new EtcdException("cannot reach etcd at " + urls.get(index) + ": " + e.getMessage(), e));
      }
    }
  }

  /** Whether etcd refused the call for its token (expired, revoked, or auth newly enabled). */
  private static boolean refusedToken(int code, String text) {
    return code == 401 || text.contains("invalid auth token") || text.contains("user name is empty");
  }

  /** Gets a token for the client's user from the member at {@code index}. */
  private void authenticate(int index) throws Unavailable {
    ObjectNode req = JSON.createObjectNode();
    req.put("name", user);
    req.put("password", password);
    HttpUrl url = urls.get(index).newBuilder().encodedPath("/v3/auth/authenticate").build();
    Request r = new Request.Builder().url(url).post(RequestBody.create(req.toString(), JSON_TYPE)).build();
    try (Response response = unary.newCall(r).execute()) {
      String text = bodyText(response);
      if (!response.isSuccessful()) {
        EtcdException error = httpError(index, "/v3/auth/authenticate", response.code(), text);
        if (response.code() == 503) {
          throw new Unavailable(error);
        }
        throw error;
      }
      String t = parse(text).path("token").asString("");
      if (t.isEmpty()) {
        throw new EtcdException("etcd at " + urls.get(index) + " gave no auth token (is authentication enabled?)");
      }
      token = t;
    } catch (IOException e) {
      throw new Unavailable(new EtcdException("cannot reach etcd at " + urls.get(index) + ": " + e.getMessage(), e));
    }
  }

  private Request request(int index, String path, ObjectNode body) {
    HttpUrl base = urls.get(index);
    HttpUrl url = base.newBuilder().encodedPath(path).build();
    Request.Builder r = new Request.Builder().url(url).post(RequestBody.create(body.toString(), JSON_TYPE));
    String t = token;
    if (t != null) {
      r.header("Authorization", t);
    }
    return r.build();
  }

  private EtcdException httpError(int index, String path, int code, String body) {
    String message = body;
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode m = node.has("message") ? node.get("message") : node.path("error");
      if (m.isString()) {
        message = m.asString();
      }
    } catch (JacksonException e) {
      // not JSON: keep the raw text
    }
    return new EtcdException("etcd at " + urls.get(index) + " answered " + path + " with " + code + ": " + message);
  }

  /** The answer's body, at most {@code maxResponseBytes}; a larger one is an error, not memory. */
  private String bodyText(Response response) throws IOException {
    ResponseBody body = response.body();
    if (body == null) {
      return "";
    }
    BufferedSource source = body.source();
    if (body.contentLength() > maxResponseBytes || source.request(maxResponseBytes + 1)) {
      throw new EtcdException("etcd answered with more than " + maxResponseBytes + " bytes (maxResponseBytes)");
    }
    return source.getBuffer().readUtf8();
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JacksonException e) {
      throw new EtcdException("etcd answered with something that is not JSON: " + abbreviate(text), e);
    }
  }

  private static ObjectNode putRequest(String key, String value, long lease) {
    ObjectNode req = JSON.createObjectNode();
    req.put("key", b64(key));
    req.put("value", B64.encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    if (lease != 0) {
      req.put("lease", Long.toString(lease));
    }
    return req;
  }

  static WatchResponse watchResponse(JsonNode result) {
    List<Event> events = new ArrayList<>();
    for (JsonNode e : result.path("events")) {
      events.add(new Event("DELETE".equals(e.path("type").asString("PUT")), keyValue(e.path("kv"))));
    }
    return new WatchResponse(
        revision(result),
        result.path("created").asBoolean(false),
        result.path("canceled").asBoolean(false),
        longOf(result.path("compact_revision")),
        result.path("cancel_reason").asString(""),
        List.copyOf(events));
  }

  private static KeyValue keyValue(JsonNode kv) {
    return new KeyValue(
        text(kv.path("key")),
        text(kv.path("value")),
        longOf(kv.path("mod_revision")),
        longOf(kv.path("lease")));
  }

  private static long revision(JsonNode res) {
    return longOf(res.path("header").path("revision"));
  }

  /** etcd's JSON writes int64 as strings and leaves out zero values. */
  static long longOf(JsonNode node) {
    if (node.isNumber()) {
      return node.longValue();
    }
    if (node.isString()) {
      try {
        return Long.parseLong(node.asString());
      } catch (NumberFormatException e) {
        throw new EtcdException("etcd answered with a bad number: " + node);
      }
    }
    return 0;
  }

  private static String text(JsonNode base64) {
    return base64.isString() ? new String(B64D.decode(base64.asString()), StandardCharsets.UTF_8) : "";
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(byte[] b) {
    return B64.encodeToString(b);
  }

  /** The smallest key after every key that starts with {@code prefix} (etcd's prefix range end). */
  static byte[] prefixEnd(String prefix) {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    return new byte[] {0}; // every key
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  // ------------------------------------------------------------------ values

  record KeyValue(String key, String value, long modRevision, long lease) {}

  record Event(boolean delete, KeyValue kv) {}

  record RangeResult(long revision, List<KeyValue> kvs) {}

  /** A put (value non-null) or a delete (value null) in a transaction. */
  record Write(String key, @Nullable String value) {}

  record WatchResponse(
      long revision, boolean created, boolean canceled, long compactRevision, String cancelReason, List<Event> events) {

    /** A progress notification: no events, the watch is synced up to {@link #revision()}. */
    boolean isProgress() {
      return !created && !canceled && events.isEmpty();
    }
  }

  // ------------------------------------------------------------------ builder

  /** Builds an {@link EtcdClient}. */
  public static final class Builder {
    private final List<HttpUrl> urls = new ArrayList<>();
    private Duration requestTimeout = Duration.ofMillis(DEFAULT_REQUEST_TIMEOUT_MILLIS);
    private Duration connectTimeout = Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS);
    private @Nullable OkHttpClient okHttpClient;
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private @Nullable String user;
    private @Nullable String password;
    private javax.net.ssl.@Nullable SSLSocketFactory sslSocketFactory;
    private javax.net.ssl.@Nullable X509TrustManager trustManager;

    Builder(List<String> urls) {
      Objects.requireNonNull(urls, "urls");
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("urls: [] (expected: at least one etcd client URL)");
      }
      for (String u : urls) {
        HttpUrl url = HttpUrl.parse(Objects.requireNonNull(u, "url"));
        if (url == null) {
          throw new IllegalArgumentException("url: " + u + " (expected: an http or https URL such as http://127.0.0.1:2379)");
        }
        this.urls.add(url);
      }
    }

    /** How long one request may take; default {@value EtcdClient#DEFAULT_REQUEST_TIMEOUT_MILLIS} ms. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** How long to wait for a connection; default {@value EtcdClient#DEFAULT_CONNECT_TIMEOUT_MILLIS} ms. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Authenticates as {@code user} (etcd's user/password authentication): the client gets a token
     * from {@code /v3/auth/authenticate}, sends it on every call, and gets a new one when etcd
     * refuses it as expired.
     */
    public Builder credentials(String user, String password) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      if (user.isBlank()) {
        throw new IllegalArgumentException("user: '' (expected: an etcd user name)");
      }
      return this;
    }

    /**
     * The TLS setup for {@code https} member URLs: the trust for etcd's server certificate and, in
     * the socket factory's key managers, the client certificate when etcd requires one. Without it
     * {@code https} URLs use the JVM's default trust store.
     */
    public Builder tls(javax.net.ssl.SSLSocketFactory socketFactory, javax.net.ssl.X509TrustManager trustManager) {
      this.sslSocketFactory = Objects.requireNonNull(socketFactory, "socketFactory");
      this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
      return this;
    }

    /** The largest answer read from etcd; {@value EtcdClient#DEFAULT_MAX_RESPONSE_BYTES} bytes by default. */
    public Builder maxResponseBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes: " + bytes + " (expected: >= 1024)");
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /** Shares this client's connection pool and dispatcher; the caller keeps owning it. */
    public Builder okHttpClient(OkHttpClient client) {
      this.okHttpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    public EtcdClient build() {
      OkHttpClient base = okHttpClient;
      boolean owns = base == null;
      if (base == null) {
        base = new OkHttpClient();
      }
      if (sslSocketFactory != null) {
        base = base.newBuilder().sslSocketFactory(sslSocketFactory, Objects.requireNonNull(trustManager, "trustManager")).build();
      }
      return new EtcdClient(List.copyOf(urls), base, owns, requestTimeout, connectTimeout, this);
    }
  }

  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
    return d;
  }
}
