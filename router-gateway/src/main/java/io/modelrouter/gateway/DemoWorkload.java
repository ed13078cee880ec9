package io.modelrouter.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The demo's mixed workload: closed-loop workers send chat (plain and streamed, some pinned to
 * the canary), embedding and classifier requests through the gateway, plus a share of requests
 * that must be refused (schema errors, an unknown model, a tenant over its quota, a tenant asking
 * for a model it may not use). Partway through, the fastest chat endpoint is killed and later
 * restarted, to show traffic moving to the others with no request lost.
 */
final class DemoWorkload {

  /** What one request was and how it ended. */
  record Sample(long offsetNanos, String kind, int status, long latencyNanos, String endpoint, @Nullable String reason,
      String model) {

    boolean ok() {
      return status >= 200 && status < 300;
    }

    /**
     * A lost request: no answer, a server error, or an endpoint failing after the request was sent
     * (502/504 from the gateway).
     */
    boolean error() {
      return status == 0 || status == 502 || status == 504 || status >= 500 && reason == null;
    }

    /** Refused on purpose by the gateway or the router, with a reason code. */
    boolean rejected() {
      return !ok() && !error() && reason != null;
    }
  }

  /** Something that happened to the fleet during the run. */
  record Event(long offsetNanos, String text) {}

  /** Everything the run produced. */
  record Result(List<Sample> samples, List<Event> events, long durationNanos) {}

  private static final MediaType JSON = MediaType.get("application/json");

  private final String baseUrl;
  private final DemoFleet fleet;
  private final Duration duration;
  private final int concurrency;
  private final long seed;
  private final PrintStream out;
  private final boolean interactive;
  private final OkHttpClient http;
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
  private final AtomicLong seq = new AtomicLong();
  private volatile @Nullable String status;
  private long t0;

  DemoWorkload(String baseUrl, DemoFleet fleet, Duration duration, int concurrency, long seed, PrintStream out, boolean interactive) {
    this.baseUrl = baseUrl;
    this.fleet = fleet;
    this.duration = duration;
    this.concurrency = concurrency;
    this.seed = seed;
    this.out = out;
    this.interactive = interactive;
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(concurrency * 2);
    dispatcher.setMaxRequestsPerHost(concurrency * 2);
    this.http = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(concurrency * 2, 1, TimeUnit.MINUTES))
        .callTimeout(Duration.ofSeconds(30))
        .retryOnConnectionFailure(false)
        .build();
  }

  Result run() throws InterruptedException {
    t0 = System.nanoTime();
    long end = t0 + duration.toNanos();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Random random = new Random(seed * 31 + i);
      Thread t = new Thread(() -> work(random, end), "demo-worker-" + i);
      t.setDaemon(true);
      t.start();
      workers.add(t);
    }
    String victim = "chat-fast";
    boolean killed = false;
    boolean restarted = false;
    long nextPrint = 0;
    while (System.nanoTime() < end) {
      long now = System.nanoTime() - t0;
      if (!killed && now > duration.toNanos() * 35 / 100) {
        fleet.server(victim).kill();
        event(victim + " killed");
        killed = true;
      } else if (killed && !restarted && now > duration.toNanos() * 65 / 100) {
        try {
          fleet.server(victim).restart();
          event(victim + " restarted");
        } catch (IOException e) {
          event(victim + " could not restart: " + e.getMessage());
        }
        restarted = true;
      }
      if (now >= nextPrint) {
        progress(now, false);
        nextPrint = now + (interactive ? 250_000_000L : 5_000_000_000L);
      }
      Thread.sleep(50);
    }
    for (Thread t : workers) {
      t.join(35_000);
    }
    long total = System.nanoTime() - t0;
    progress(total, true);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    List<Event> ev = new ArrayList<>(events);
    return new Result(new ArrayList<>(samples), ev, total);
  }

  private void event(String text) {
    events.add(new Event(System.nanoTime() - t0, text));
    status = text;
  }

  private void progress(long nowNanos, boolean last) {
    long n = 0;
    long ok = 0;
    long rejected = 0;
    long errors = 0;
    List<Long> recent = new ArrayList<>();
    for (Sample s : samples) {
      n++;
      if (s.ok()) {
        ok++;
        if (s.offsetNanos() > nowNanos - 5_000_000_000L) {
          recent.add(s.latencyNanos());
        }
      } else if (s.rejected()) {
        rejected++;
      } else if (s.error()) {
        errors++;
      }
    }
    recent.sort(null);
    double secs = nowNanos / 1e9;
    String line = String.format(java.util.Locale.ROOT,
        "%5.1fs/%ds  requests %6d  ok %6d  rejected %5d  errors %3d  %5.0f req/s  p99 %6.1f ms%s",
        secs, duration.toSeconds(), n, ok, rejected, errors, secs > 0 ? n / secs : 0.0,
        DemoReport.percentile(recent, 0.99) / 1e6, status == null ? "" : "  [" + status + "]");
    if (interactive) {
      out.print("\r" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  private void work(Random random, long end) {
    while (System.nanoTime() < end) {
      int roll = random.nextInt(100);
      long id = seq.incrementAndGet();
      if (roll < 28) {
        call("chat", DemoFleet.DEMO_KEY, "/v1/chat/completions", chatBody(id, false), null);
      } else if (roll < 40) {
        // The model route: one prompt in four is past the mini model's context.
        call("route", DemoFleet.DEMO_KEY, "/v1/chat/completions", routeBody(id, id % 4 == 0), null);
      } else if (roll < 52) {
        call("chat-stream", DemoFleet.DEMO_KEY, "/v1/chat/completions", chatBody(id, true), null);
      } else if (roll < 56) {
        call("chat-canary", DemoFleet.DEMO_KEY, "/v1/chat/completions", chatBody(id, false), "@canary");
      } else if (roll < 72) {
        call("embed", DemoFleet.DEMO_KEY, "/v1/embeddings",
            "{\"model\":\"demo-embed\",\"input\":\"request " + id + " to embed\"}", null);
      } else if (roll < 88) {
        call("classify", DemoFleet.DEMO_KEY, "/v2/models/demo-classifier/infer", classifyBody(random, 1 + random.nextInt(4)), null);
      } else if (roll < 90) {
        call("invalid-tensor", DemoFleet.DEMO_KEY, "/v2/models/demo-classifier/infer",
            "{\"inputs\":[{\"name\":\"input__0\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3]}]}", null);
      } else if (roll < 92) {
        call("invalid-chat", DemoFleet.DEMO_KEY, "/v1/chat/completions", "{\"model\":\"demo-chat\",\"messages\":[]}", null);
      } else if (roll < 93) {
        call("unknown-model", DemoFleet.DEMO_KEY, "/v1/chat/completions",
            "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null);
      } else if (roll < 94) {
        call("not-allowed", DemoFleet.EMBED_KEY, "/v1/chat/completions", chatBody(id, false), null);
      } else {
        call("limited-tenant", DemoFleet.LIMITED_KEY, "/v1/chat/completions", chatBody(id, false), null);
      }
      pause(random);
    }
  }

  private static void pause(Random random) {
    try {
      Thread.sleep(5 + random.nextInt(20));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String chatBody(long id, boolean stream) {
    return "{\"model\":\"demo-chat\",\"max_tokens\":24,\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"system\",\"content\":\"You are the demo.\"},"
        + "{\"role\":\"user\",\"content\":\"Say something about request " + id + ".\"}]}";
  }

  private static String routeBody(long id, boolean longPrompt) {
    String question = longPrompt ? "Summarise this request log: " + "request accepted, routed, answered; ".repeat(60)
        : "Say something short about request " + id + ".";
    return "{\"model\":\"" + DemoFleet.ROUTE + "\",\"max_tokens\":24,\"messages\":[{\"role\":\"user\",\"content\":\""
        + question + "\"}]}";
  }

  private static String classifyBody(Random random, int rows) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < rows * 4; i++) {
      data.append(i == 0 ? "" : ",").append(random.nextInt(100) / 10.0);
    }
    return "{\"inputs\":[{\"name\":\"input__0\",\"datatype\":\"FP32\",\"shape\":[" + rows + ",4],\"data\":[" + data + "]}]}";
  }

  private void call(String kind, String key, String path, String body, @Nullable String version) {
    Request.Builder rb = new Request.Builder()
        .url(baseUrl + path)
        .header("authorization", "Bearer " + key)
        .post(RequestBody.create(body, JSON));
    if (version != null) {
      rb.header("x-modelrouter-model-version", version);
    }
    long start = System.nanoTime();
    int status = 0;
    String endpoint = "-";
    String reason = null;
    String model = "-";
    try (Response r = http.newCall(rb.build()).execute()) {
      status = r.code();
      String ep = r.header("x-modelrouter-endpoint");
      endpoint = ep == null ? "-" : ep;
      String served = r.header("x-modelrouter-model");
      model = served == null ? "-" : served;
      reason = r.header("x-modelrouter-reason");
      try (InputStream in = r.body().byteStream()) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    } catch (IOException e) {
      status = 0;
    }
    long latency = System.nanoTime() - start;
    samples.add(new Sample(start - t0, kind, status, latency, endpoint, reason, model));
  }
}
