package io.modelrouter.benchmarks.http;

import io.modelrouter.Decision;
import io.modelrouter.Lease;
import io.modelrouter.Outcome;
import io.modelrouter.Rejection;
import io.modelrouter.RouteRequest;
import io.modelrouter.RouteResult;
import io.modelrouter.Router;
import io.modelrouter.http.gateway.ApiKeyAuthenticator;
import io.modelrouter.http.gateway.GatewayConfig;
import io.modelrouter.http.gateway.GatewayRequest;
import io.modelrouter.http.gateway.Tenant;
import io.modelrouter.payload.ParseResult;
import io.modelrouter.payload.PayloadParser;
import io.modelrouter.schema.SchemaValidator;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * A measurement, not a gateway: what the gateway's main per-request work costs on an asynchronous
 * path, measured in the load test next to the gateway ({@code examples/load/gateway-wrk.sh}).
 *
 * <p>A non-blocking Jetty 12 handler takes a gateway configuration file and, for each request,
 * does what the gateway does before and after forwarding on Jetty's asynchronous {@code
 * HttpClient} instead of {@code RoutingClient}'s blocking OkHttp call:
 * <ul>
 *   <li>checks the API key (the same {@link ApiKeyAuthenticator});
 *   <li>reads the body without blocking;
 *   <li>parses it and validates it against the model's schema (the same {@link PayloadParser},
 *       {@link SchemaValidator} and {@link Router});
 *   <li>checks that the tenant may use the model, routes, and forwards to the chosen endpoint;
 *   <li>copies the answer back and completes the lease with its status and latency.
 * </ul>
 *
 * <p>It leaves out what is too small to show in the load test's profile: quotas, shedding,
 * metrics, header rules. It also leaves out what is not on this path: retries, hedging,
 * deadlines, streaming, the error bodies of every protocol. Errors get a bare status.
 *
 * <pre>
 * java -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.http.AsyncGatewayPeer PORT GATEWAY_CONFIG
 * </pre>
 *
 * Prints {@code listening on http://127.0.0.1:PORT} when ready (port 0 picks a free one).
 */
public final class AsyncGatewayPeer {

  private AsyncGatewayPeer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: AsyncGatewayPeer PORT GATEWAY_CONFIG");
      System.exit(2);
    }
    GatewayConfig config = GatewayConfig.read(Path.of(args[1]));
    SchemaValidator validator = SchemaValidator.create().attachTo(config.registry());
    Router router = Router.builder(config.registry()).inputValidator(validator).build();
    HttpClient client = new HttpClient();
    client.setMaxConnectionsPerDestination(1024);
    client.start();
    ServerConnector connector = Peers.gatewayLikeServer(Integer.parseInt(args[0]));
    connector.getServer().setHandler(new Route(config, router, PayloadParser.ofDefaults(), client));
    Peers.serve(connector);
  }

  private static final class Route extends Handler.Abstract.NonBlocking {
    private final ApiKeyAuthenticator authenticator;
    private final Router router;
    private final PayloadParser parser;
    private final HttpClient client;
    private final int maxBodyBytes;

    Route(GatewayConfig config, Router router, PayloadParser parser, HttpClient client) {
      this.authenticator = config.authenticator();
      this.router = router;
      this.parser = parser;
      this.client = client;
      this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Tenant tenant = authenticator.authenticate(new Headers(request));
      if (tenant == null) {
        return fail(response, callback, 401);
      }
      Content.Source.asByteArrayAsync(request, maxBodyBytes).whenComplete((body, failure) -> {
        try {
          if (failure != null) {
            fail(response, callback, 413);
          } else {
            forward(request, response, callback, tenant, body);
          }
        } catch (RuntimeException e) {
          // A future would swallow it and leave the request hanging.
          callback.failed(e);
        }
      });
      return true;
    }

    private void forward(Request request, Response response, Callback callback, Tenant tenant, byte[] body) {
      String path = request.getHttpURI().getPath();
      ParseResult parsed = parser.parse(request.getMethod(), path, name -> request.getHeaders().get(name), body);
      if (!parsed.isRequest()) {
        fail(response, callback, parsed.rejection().httpStatus());
        return;
      }
      RouteRequest route = parsed.request();
      if (!tenant.mayUse(route.model())) {
        fail(response, callback, 404);
        return;
      }
      RouteResult result = router.route(route.toBuilder().tenant(tenant.name()).build());
      if (!(result instanceof Decision decision)) {
        fail(response, callback, ((Rejection) result).httpStatus());
        return;
      }
      Lease lease = decision.lease();
      org.eclipse.jetty.client.Request out = client.newRequest(decision.endpoint().baseUrl().resolve(path))
          .method(request.getMethod());
      String contentType = null;
      for (HttpField f : request.getHeaders()) {
        HttpHeader h = f.getHeader();
        if (h == HttpHeader.CONTENT_TYPE) {
          contentType = f.getValue();
        } else if (h != HttpHeader.CONTENT_LENGTH && h != HttpHeader.HOST && h != HttpHeader.CONNECTION
            && h != HttpHeader.AUTHORIZATION) {
          out.headers(headers -> headers.add(f));
        }
      }
      out.body(new BytesRequestContent(contentType == null ? "application/json" : contentType, body));
      out.send(new BufferingResponseListener(16 * 1024 * 1024) {
        @Override
        public void onComplete(Result r) {
          if (r.isFailed()) {
            lease.complete(Outcome.failure());
            fail(response, callback, 502);
            return;
          }
          int status = r.getResponse().getStatus();
          lease.complete(Outcome.ofStatus(status));
          response.setStatus(status);
          for (HttpField f : r.getResponse().getHeaders()) {
            HttpHeader h = f.getHeader();
            if (h != HttpHeader.CONTENT_LENGTH && h != HttpHeader.TRANSFER_ENCODING && h != HttpHeader.CONNECTION) {
              response.getHeaders().add(f);
            }
          }
          byte[] content = getContent();
          response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.length);
          response.write(true, ByteBuffer.wrap(content), callback);
        }
      });
    }

    private static boolean fail(Response response, Callback callback, int status) {
      response.setStatus(status);
      response.write(true, ByteBuffer.wrap(("{\"error\":" + status + "}").getBytes(StandardCharsets.UTF_8)), callback);
      return true;
    }
  }

  /** The request's method, path and headers as the authenticator reads them; it never reads the body. */
  private record Headers(Request request) implements GatewayRequest {
    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String path() {
      return request.getHttpURI().getPath();
    }

    @Override
    public @Nullable String header(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public List<String> headerNames() {
      return new ArrayList<>(request.getHeaders().getFieldNamesCollection());
    }

    @Override
    public long contentLength() {
      return request.getLength();
    }

    @Override
    public InputStream body() {
      throw new UnsupportedOperationException("the authenticator does not read the body");
    }
  }
}
