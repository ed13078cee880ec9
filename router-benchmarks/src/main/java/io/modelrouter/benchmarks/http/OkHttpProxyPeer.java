package io.modelrouter.benchmarks.http;

import io.modelrouter.http.internal.Clients;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The second JVM peer in the gateway load test ({@code examples/load/gateway-wrk.sh}): the
 * gateway's own stack with the gateway taken out. A blocking Jetty 12 handler on the same server
 * settings as {@code GatewayServer} forwards each request with one blocking OkHttp call (the
 * client {@code RoutingClient} uses by default), round robin over the given loopback ports, and
 * copies the answer back: no authentication, parsing, validation, quotas, routing or metrics.
 *
 * <p>Next to Jetty's asynchronous reverse proxy ({@link JettyProxyPeer}) it separates what the
 * gateway's forwarding stack costs from what the gateway's own work costs.
 *
 * <pre>
 * java -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.http.OkHttpProxyPeer PORT UPSTREAM_PORT[,UPSTREAM_PORT...]
 * </pre>
 *
 * Prints {@code listening on http://127.0.0.1:PORT} when ready (port 0 picks a free one).
 */
public final class OkHttpProxyPeer {

  private OkHttpProxyPeer() {}

  public static void main(String[] args) throws Exception {
    Peers.Upstreams a = Peers.parse("OkHttpProxyPeer", args);
    String[] bases = new String[a.ports().length];
    for (int i = 0; i < bases.length; i++) {
      bases[i] = "http://127.0.0.1:" + a.ports()[i];
    }
    OkHttpClient client = Clients.create("okhttp-peer", Peers.threads(), Duration.ofSeconds(5), Duration.ofSeconds(60));
    ServerConnector connector = Peers.gatewayLikeServer(a.port());
    connector.getServer().setHandler(new Forward(client, bases));
    Peers.serve(connector);
  }

  private static final class Forward extends Handler.Abstract {
    private final OkHttpClient client;
    private final String[] bases;
    private final AtomicInteger next = new AtomicInteger();

    Forward(OkHttpClient client, String[] bases) {
      super(InvocationType.BLOCKING);
      this.client = client;
      this.bases = bases;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      try {
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
          body = in.readAllBytes();
        }
        okhttp3.Request.Builder out = new okhttp3.Request.Builder()
            .url(bases[Math.floorMod(next.getAndIncrement(), bases.length)] + request.getHttpURI().getPathQuery());
        String contentType = null;
        for (HttpField f : request.getHeaders()) {
          HttpHeader h = f.getHeader();
          if (h == HttpHeader.CONTENT_TYPE) {
            contentType = f.getValue();
          } else if (h != HttpHeader.CONTENT_LENGTH && h != HttpHeader.HOST && h != HttpHeader.CONNECTION) {
            out.addHeader(f.getName(), f.getValue());
          }
        }
        boolean hasBody = body.length > 0 || !request.getMethod().equals("GET");
        out.method(request.getMethod(), hasBody
            ? RequestBody.create(body, contentType == null ? null : MediaType.parse(contentType)) : null);
        Call call = client.newCall(out.build());
        try (okhttp3.Response answer = call.execute()) {
          response.setStatus(answer.code());
          long length = answer.body().contentLength();
          okhttp3.Headers headers = answer.headers();
          for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                && !name.equalsIgnoreCase("connection")) {
              response.getHeaders().add(name, headers.value(i));
            }
          }
          if (length >= 0) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
          }
          try (OutputStream sink = Content.Sink.asOutputStream(response)) {
            answer.body().byteStream().transferTo(sink);
          }
        }
        callback.succeeded();
      } catch (Throwable t) {
        callback.failed(t);
      }
      return true;
    }
  }
}
