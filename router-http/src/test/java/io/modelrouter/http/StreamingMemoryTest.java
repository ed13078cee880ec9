package io.modelrouter.http;

import static io.modelrouter.http.Chat.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Outcome;
import io.modelrouter.testing.SimFleet;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Streams pass through without being buffered. Runs in its own surefire execution with
 * {@code -Xmx128m} (see router-http's pom): a gateway that buffered a response would fail here.
 */
class StreamingMemoryTest {

  private static final long MB = 1L << 20;

  @Test
  void a100MegabyteStreamPassesThroughA128MegabyteHeap() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).as("run with -Xmx128m").isLessThanOrEqualTo(130 * MB);
    // 64 KiB per token, 1,600 tokens: 100 MiB of SSE chunks, plus JSON framing.
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.tokenChars(64 * 1024)).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build();
        ProxyResponse r = client.execute(chat("chat", true, 1600))) {
      CountingSink sink = new CountingSink();
      r.transferTo(sink);

      assertThat(sink.bytes).isGreaterThan(100 * MB);
      assertThat(sink.tail).endsWith("data: [DONE]\n\n");
      assertThat(fleet.outcomes("chat-0")).singleElement().satisfies(o -> {
        assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS);
        assertThat(o.completionTokens()).isEqualTo(1600);
      });
    }
  }

  @Test
  void aThousandOpenStreamsDoNotGrowTheHeapPerByteStreamed() throws Exception {
    int streams = 1000;
    // 200 tokens of 1 KiB each: 200 KiB per stream, 200 MiB in all, more than the heap.
    try (SimFleet fleet = SimFleet.builder().openai("chat", 1, server -> server.tokenChars(1024).capacity(streams)).start();
        RoutingClient client = RoutingClient.builder(fleet.router().build()).build()) {
      List<CompletableFuture<ProxyResponse>> pending = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        pending.add(client.executeAsync(chat("chat", true, 200)));
      }
      List<InputStream> bodies = new ArrayList<>();
      List<ProxyResponse> responses = new ArrayList<>();
      for (CompletableFuture<ProxyResponse> f : pending) {
        ProxyResponse r = f.get(60, TimeUnit.SECONDS);
        responses.add(r);
        bodies.add(r.body());
      }
      byte[] buf = new byte[16 * 1024];
      long read = readRound(bodies, buf); // every stream open and started
      long openHeap = usedHeapAfterGc();

      long before = read;
      for (InputStream in : bodies) {
        read += readAtLeast(in, 100 * 1024, buf);
      }
      long streamedHeap = usedHeapAfterGc();
      long streamed = read - before;

      for (int open = streams; open > 0; ) {
        open = 0;
        for (InputStream in : bodies) {
          int n = in.read(buf);
          if (n >= 0) {
            read += n;
            open++;
          }
        }
      }
      responses.forEach(ProxyResponse::close);

      System.out.printf("%d streams: heap %d KiB when open, %d KiB after %d MiB more streamed (%d MiB in all)%n",
          streams, openHeap / 1024, streamedHeap / 1024, streamed / MB, read / MB);
      assertThat(streamed).as("bytes streamed while measuring").isGreaterThan(90 * MB);
      assertThat(read).isGreaterThan(200 * MB);
      assertThat(streamedHeap - openHeap).as("heap growth while %d MiB streamed", streamed / MB)
          .isLessThan(16 * MB);
      assertThat(openHeap / streams).as("heap per open stream").isLessThan(64 * 1024);
      assertThat(fleet.outcomes("chat-0")).hasSize(streams).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.SUCCESS));
    }
  }

  /** Reads up to one buffer from every stream. */
  private static long readRound(List<InputStream> bodies, byte[] buf) throws Exception {
    long total = 0;
    for (InputStream in : bodies) {
      int n = in.read(buf);
      total += Math.max(n, 0);
    }
    return total;
  }

  /** Reads until {@code n} bytes or the end. */
  private static long readAtLeast(InputStream in, int n, byte[] buf) throws Exception {
    long total = 0;
    while (total < n) {
      int k = in.read(buf);
      if (k < 0) {
        break;
      }
      total += k;
    }
    return total;
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static final class CountingSink extends OutputStream {
    long bytes;
    String tail = "";

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
      int keep = Math.min(len, 64);
      tail = new String(b, off + len - keep, keep, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }
}
