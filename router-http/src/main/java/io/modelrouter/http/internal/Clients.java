package io.modelrouter.http.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import javax.net.SocketFactory;

/** The OkHttp clients modelrouter builds when the user gives none. */
public final class Clients {

  private Clients() {}

  /**
   * A client with daemon dispatcher threads, no per-host request cap that would queue a busy
   * endpoint's requests behind each other, a pool that keeps {@code idleConnections} alive, and
   * sockets with {@code TCP_NODELAY}: a request's headers and body, written separately, would
   * otherwise wait on Nagle's algorithm for the peer's delayed acknowledgement.
   */
  public static OkHttpClient create(String threadName, int idleConnections, Duration connectTimeout, Duration readTimeout) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), Periodic.daemon(threadName));
    Dispatcher dispatcher = new Dispatcher(pool);
    dispatcher.setMaxRequests(65_536);
    dispatcher.setMaxRequestsPerHost(65_536);
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(idleConnections, 5, TimeUnit.MINUTES))
        .socketFactory(NoDelaySocketFactory.INSTANCE)
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .writeTimeout(readTimeout)
        .followRedirects(false)
        .build();
  }

  /** Stops a client made by {@link #create}: its threads end when idle, its idle connections close. */
  public static void shutdown(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  /** Unconnected sockets (OkHttp connects them itself) with {@code TCP_NODELAY} on. */
  private static final class NoDelaySocketFactory extends SocketFactory {
    static final NoDelaySocketFactory INSTANCE = new NoDelaySocketFactory();

    @Override
    public Socket createSocket() throws IOException {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      return s;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return connect(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return connect(new InetSocketAddress(localHost, localPort), new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return connect(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return connect(new InetSocketAddress(localAddress, localPort), new InetSocketAddress(address, port));
    }

    private Socket connect(@Nullable InetSocketAddress local, InetSocketAddress remote) throws IOException {
      Socket s = createSocket();
      if (local != null) {
        s.bind(local);
      }
      s.connect(remote);
      return s;
    }
  }
}
