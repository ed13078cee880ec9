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
      UsageTail t = feed(stream, chunk);
      assertThat(t.promptTokens()).as("chunk %d", chunk).isEqualTo(12);
      assertThat(t.completionTokens()).as("chunk %d", chunk).isEqualTo(28);
    }
  }

  @Test
  void embeddingsHaveNoCompletionTokens() {
    UsageTail t = feed("{\"data\":[],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}", 16);
    assertThat(t.promptTokens()).isEqualTo(5);
    assertThat(t.completionTokens()).isZero();
  }

  @Test
  void withoutUsageBothAreUnknown() {
    UsageTail t = feed("{\"outputs\":[{\"data\":[1,2]}]}", 8);
    assertThat(t.promptTokens()).isEqualTo(-1);
    assertThat(t.completionTokens()).isEqualTo(-1);
    assertThat(new UsageTail().promptTokens()).isEqualTo(-1);
  }

  @Test
  void ignoresAUsageThatScrolledOutOfTheTail() {
    UsageTail t = feed("{\"usage\":{\"prompt_tokens\":9}}" + "y".repeat(UsageTail.SIZE), 64);
    assertThat(t.promptTokens()).isEqualTo(-1);
  }
}
