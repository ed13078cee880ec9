package io.modelrouter.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Feeds 3,000 deterministic mutations of valid requests (flipped, dropped, duplicated and
 * inserted bytes, truncations) to the parser: it must never throw, every rejection must be a 4xx,
 * and every body it accepts must also build as a tree (which the schema validator relies on).
 */
class MutatedPayloadTest {

  private static final String[][] SEEDS = {
      {"/v1/chat/completions", "{\"model\":\"m\",\"stream\":true,\"max_tokens\":5,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
          + "\"messages\":[{\"role\":\"system\",\"content\":\"s\u00e9\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi \u4f60\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]}]}"},
      {"/v1/completions", "{\"model\":\"m\",\"prompt\":[[1,2,3],[4]],\"max_tokens\":3}"},
      {"/v1/embeddings", "{\"model\":\"e\",\"input\":[\"a\",\"b\"]}"},
      {"/v2/models/m/versions/1/infer", "{\"id\":\"1\",\"inputs\":[{\"name\":\"a\",\"shape\":[2,2],\"datatype\":\"INT8\",\"data\":[[1,-2],[3,4]]},"
          + "{\"name\":\"b\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]},{\"name\":\"c\",\"shape\":[2],\"datatype\":\"FP16\",\"data\":[1.5,-2e3]}],"
          + "\"outputs\":[{\"name\":\"o\"}]}"},
  };
  private static final byte[] INTERESTING = "{}[]\",:-0e.\\ntu\u00ff".getBytes(StandardCharsets.ISO_8859_1);

  @Test
  void parse_neverThrowsAndAcceptsOnlyReadableBodies() {
    PayloadParser parser = PayloadParser.builder().maxNestingDepth(16).build();
    RequestHeaders headers = RequestHeaders.of(Map.of("content-type", "application/json"));
    SplittableRandom random = new SplittableRandom(20261121L);
    int accepted = 0;
    int rejected = 0;
    for (int round = 0; round < 3000; round++) {
      String[] seed = SEEDS[round % SEEDS.length];
      byte[] body = mutate(seed[1].getBytes(StandardCharsets.UTF_8), random);

      ParseResult[] result = new ParseResult[1];
      assertThatCode(() -> result[0] = parser.parse("POST", seed[0], headers, body))
          .as("body %s", new String(body, StandardCharsets.ISO_8859_1))
          .doesNotThrowAnyException();
      if (result[0].isRequest()) {
        accepted++;
        assertThatCode(() -> result[0].payload().json()).doesNotThrowAnyException();
        assertThat(Utf8.firstInvalid(body)).isEqualTo(-1);
      } else {
        rejected++;
        assertThat(result[0].rejection().httpStatus()).isBetween(400, 499);
        assertThat(ErrorBodies.render(result[0].protocol(), result[0].rejection())).isNotEmpty();
      }
    }
    assertThat(accepted).isPositive();
    assertThat(rejected).isGreaterThan(accepted);
  }

  private static byte[] mutate(byte[] original, SplittableRandom random) {
    byte[] b = original;
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(5)) {
        case 0: // flip a byte to anything
          b = b.clone();
          b[at] = (byte) random.nextInt(256);
          break;
        case 1: // replace with a JSON-significant byte
          b = b.clone();
          b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
          break;
        case 2: // drop a byte
          byte[] shorter = new byte[b.length - 1];
          System.arraycopy(b, 0, shorter, 0, at);
          System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
          b = shorter;
          break;
        case 3: // duplicate a slice
          int len = Math.min(1 + random.nextInt(12), b.length - at);
          byte[] longer = Arrays.copyOf(b, b.length + len);
          System.arraycopy(b, at, longer, at + len, b.length - at);
          b = longer;
          break;
        default: // truncate
          b = Arrays.copyOf(b, at);
          break;
      }
      if (b.length == 0) {
        return b;
      }
    }
    return b;
  }
}
