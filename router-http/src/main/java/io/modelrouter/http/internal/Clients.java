package io.modelrouter.http.internal;

import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/** The OkHttp clients modelrouter builds when the user gives none. */
public final class Clients {

  private Clients() {}

  /**
   * A client with daemon dispatcher threads, no per-host request cap that would queue a busy
   * endpoint's requests behind each other, and a pool that keeps {@code idleConnections} alive.
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
}
