package io.modelrouter.benchmarks.http;

import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A peer in the gateway load test ({@code router-gateway/load/gateway-wrk.sh}): Jetty 12's own
 * asynchronous reverse proxy ({@link ProxyHandler.Reverse} over Jetty's {@code HttpClient}), round
 * robin over the given loopback ports, with nothing else to do: no authentication, parsing,
 * validation or routing. It shows what forwarding alone costs a JVM proxy on the same machine in
 * the same run, next to the gateway and to the endpoints straight.
 *
 * <pre>
 * java -cp router-benchmarks/target/benchmarks.jar io.modelrouter.benchmarks.http.JettyProxyPeer PORT UPSTREAM_PORT[,UPSTREAM_PORT...]
 * </pre>
 *
 * Prints {@code listening on http://127.0.0.1:PORT} when ready (port 0 picks a free one).
 */
public final class JettyProxyPeer {

  private JettyProxyPeer() {}

  public static void main(String[] args) throws Exception {
    Peers.Upstreams a = Peers.parse("JettyProxyPeer", args);
    int port = a.port();
    int[] ports = a.ports();
    // The same worker count as the gateway in the load test.
    Server server = new Server(new QueuedThreadPool(Peers.threads(), 8));
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.setAcceptQueueSize(4096);
    server.addConnector(connector);
    AtomicInteger next = new AtomicInteger();
    server.setHandler(new ProxyHandler.Reverse(request -> HttpURI.build(request.getHttpURI())
        .scheme("http").host("127.0.0.1").port(ports[Math.floorMod(next.getAndIncrement(), ports.length)])
        .asImmutable()));
    Peers.serve(connector);
  }
}
