package io.modelrouter.http.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageChunkStripTest {

  private static final String TOKEN = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
      + "\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}],\"usage\":null}\n\n";
  private static final String FINISH = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
      + "\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":null}\n\n";
  private static final String USAGE = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
      + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":5,\"completion_tokens\":2}}\n\n";
  private static final String DONE = "data: [DONE]\n\n";

  /** The stream through the strip, fed in pieces of {@code piece} bytes. */
  private static String strip(String stream, int piece) {
    UsageChunkStrip strip = new UsageChunkStrip();
    byte[] all = stream.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < all.length; at += piece) {
      ByteBuffer pass = strip.pass(ByteBuffer.wrap(all, at, Math.min(piece, all.length - at)));
      out.write(pass.array(), pass.position(), pass.remaining());
    }
    ByteBuffer rest = strip.rest();
    out.write(rest.array(), rest.position(), rest.remaining());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void pass_takesOutTheUsageChunk_andLeavesEveryOtherEventAsItCame() {
    for (int piece : new int[] {1, 7, 64, 4096}) {
      assertThat(strip(TOKEN + TOKEN + FINISH + USAGE + DONE, piece)).as("in pieces of %d", piece)
          .isEqualTo(TOKEN + TOKEN + FINISH + DONE);
    }
  }

  @Test
  void pass_knowsTheUsageChunkWithSpacesAndCrLf() {
    String spaced = "data: {\"id\": \"c1\", \"choices\" : [ ], \"usage\" : {\"prompt_tokens\": 3}}\r\n\r\n";
    assertThat(strip(TOKEN + spaced + "data: [DONE]\r\n\r\n", 5)).isEqualTo(TOKEN + "data: [DONE]\r\n\r\n");
  }

  @Test
  void pass_keepsAChunkWithChoicesAndUsage_andOneWithEmptyChoicesButNoUsage() {
    String both = "data: {\"choices\":[{\"index\":0,\"delta\":{}}],\"usage\":{\"prompt_tokens\":3}}\n\n";
    String empty = "data: {\"choices\":[],\"usage\":null}\n\n";
    assertThat(strip(both + empty + DONE, 3)).isEqualTo(both + empty + DONE);
  }

  @Test
  void pass_letsAnEventLongerThanTheHoldLimitThroughAsItComes() {
    String big = "data: {\"choices\":[],\"usage\":{\"x\":\"" + "a".repeat(UsageChunkStrip.HELD_BYTES) + "\"}}\n\n";
    assertThat(strip(big + USAGE + DONE, 1000)).isEqualTo(big + DONE);
    UsageChunkStrip strip = new UsageChunkStrip();
    ByteBuffer first = strip.pass(ByteBuffer.wrap(big.substring(0, UsageChunkStrip.HELD_BYTES + 10)
        .getBytes(StandardCharsets.UTF_8)));
    assertThat(first.remaining()).as("passed on before the event ends").isEqualTo(UsageChunkStrip.HELD_BYTES + 10);
  }

  @Test
  void pass_passesAnUnfinishedLastEventOnAtTheEnd() {
    assertThat(strip(TOKEN + "data: {\"cut", 4)).isEqualTo(TOKEN + "data: {\"cut");
  }

  @Test
  void sink_writesWhatPasses_andTheRestWithTheLastWrite() {
    List<String> writes = new ArrayList<>();
    List<Boolean> lasts = new ArrayList<>();
    var sink = UsageChunkStrip.sink((bytes, last, done) -> {
      writes.add(StandardCharsets.UTF_8.decode(bytes).toString());
      lasts.add(last);
      done.accept(null);
    });
    List<Throwable> failures = new ArrayList<>();
    String usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3}}\n\n";
    sink.write(ByteBuffer.wrap((TOKEN + usage.substring(0, 12)).getBytes(StandardCharsets.UTF_8)), false, failures::add);
    sink.write(ByteBuffer.wrap(usage.substring(12).getBytes(StandardCharsets.UTF_8)), false, failures::add);
    sink.write(ByteBuffer.wrap("data: [DO".getBytes(StandardCharsets.UTF_8)), true, failures::add);
    assertThat(writes).containsExactly(TOKEN, "data: [DO");
    assertThat(lasts).containsExactly(false, true);
    assertThat(failures).hasSize(3).containsOnlyNulls();
  }

  @Test
  void stream_writesWhatPasses_andTheRestOnClose_leavingItsTargetOpen() throws IOException {
    ByteArrayOutputStream target = new ByteArrayOutputStream() {
      @Override
      public void close() {
        throw new AssertionError("the target stays open");
      }
    };
    try (OutputStream out = UsageChunkStrip.stream(target)) {
      out.write((TOKEN + USAGE + "data: [DO").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(target.toString(StandardCharsets.UTF_8)).isEqualTo(TOKEN + "data: [DO");
  }
}
