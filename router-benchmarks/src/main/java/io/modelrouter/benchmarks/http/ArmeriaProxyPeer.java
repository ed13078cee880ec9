package io.modelrouter.benchmarks.http;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.logging.AccessLogWriter;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer in the gateway load test ({@code router-gateway/load/gateway-wrk.sh}): a reverse proxy on
 * Armeria, that is on Netty, in Armeria's own proxy idiom (an {@code HttpService} that hands each
 * request to a {@link WebClient} with {@code execute(req)} and streams its response back), round
 * robin over the given loopback ports, with nothing else to do: no authentication, parsing,
 * validation or routing. Next to {@link JettyProxyPeer} it shows what forwarding alone costs a
 * Netty stack against Jetty's on the same machine in the same run.
 *
 * <p>The upstreams (JDK {@code HttpServer}s) speak HTTP/1.1 only, so the client uses plain-text
 * HTTP/1.1 ({@link SessionProtocol#H1C}, no upgrade), with Armeria's keep-alive connection pool.
 * Server and client share Armeria's default event loops ({@link CommonPools#workerGroup()}, twice
 * the cores; {@code -Dthreads} does not apply). No access log, no decompression (the client has no
 * {@code DecodingClient}, so it adds no {@code accept-encoding}), no connection or length limit, and
 * 60 s timeouts that do not fire under load.
 *
 * <pre>
 * java -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.http.ArmeriaProxyPeer PORT UPSTREAM_PORT[,UPSTREAM_PORT...]
 * </pre>
 *
 * Prints {@code listening on http://127.0.0.1:PORT} when ready (port 0 picks a free one).
 */
public final class ArmeriaProxyPeer {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private ArmeriaProxyPeer() {}

  public static void main(String[] args) throws Exception {
    Peers.Upstreams a = Peers.parse("ArmeriaProxyPeer", args);
    List<Endpoint> upstreams = new ArrayList<>();
    for (int p : a.ports()) {
      upstreams.add(Endpoint.of("127.0.0.1", p));
    }
    EventLoopGroup workers = CommonPools.workerGroup();
    WebClient client = WebClient.builder(SessionProtocol.H1C,
            EndpointGroup.of(EndpointSelectionStrategy.roundRobin(), upstreams))
        .factory(ClientFactory.builder().workerGroup(workers, false).build())
        .responseTimeout(TIMEOUT)
        .maxResponseLength(0) // unlimited
        .build();
    Server server = Server.builder()
        .http(new InetSocketAddress("127.0.0.1", a.port()))
        .workerGroup(workers, false)
        .maxNumConnections(Integer.MAX_VALUE)
        .requestTimeout(TIMEOUT)
        .maxRequestLength(0) // unlimited
        .accessLogWriter(AccessLogWriter.disabled(), true)
        .serviceUnder("/", (ctx, req) -> client.execute(req))
        .build();
    server.start().join();
    System.out.println("listening on http://127.0.0.1:" + server.activeLocalPort());
    server.blockUntilShutdown();
  }
}
