package io.modelrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsageTailTest {

  private static UsageTail feed(String text, int chunk) {
    UsageTail t = new UsageTail();
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    for (int off = 0; off < b.length; off += chunk) {
      t.append(b, off, Math.min(chunk, b.length - off));
    }
    return t;
  }

  @Test
  void readsTheLastUsageWhateverTheChunking() {
    String stream = "data: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\n"
        + "x".repeat(5000)
        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\": 12,\"total_tokens\":40,\"completion_tokens\":28}}\n\n"
        + "data: [DONE]\n\n";
    for (int chunk : new int[] {1, 7, 100, 1023, 1024, 1025, 9999}) {
      long usage = feed(stream, chunk).usage();
      assertThat(UsageTail.prompt(usage)).as("chunk %d", chunk).isEqualTo(12);
      assertThat(UsageTail.completion(usage)).as("chunk %d", chunk).isEqualTo(28);
    }
  }

  @Test
  void embeddingsHaveNoCompletionTokens() {
    long usage = feed("{\"data\":[],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}", 16).usage();
    assertThat(UsageTail.prompt(usage)).isEqualTo(5);
    assertThat(UsageTail.completion(usage)).isZero();
  }

  @Test
  void withoutUsageBothAreUnknown() {
    long usage = feed("{\"outputs\":[{\"data\":[1,2]}]}", 8).usage();
    assertThat(UsageTail.prompt(usage)).isEqualTo(-1);
    assertThat(UsageTail.completion(usage)).isEqualTo(-1);
    assertThat(UsageTail.prompt(new UsageTail().usage())).isEqualTo(-1);
  }

  @Test
  void ignoresAUsageThatScrolledOutOfTheTail() {
    long usage = feed("{\"usage\":{\"prompt_tokens\":9}}" + "y".repeat(UsageTail.SIZE), 64).usage();
    assertThat(UsageTail.prompt(usage)).isEqualTo(-1);
  }
}
