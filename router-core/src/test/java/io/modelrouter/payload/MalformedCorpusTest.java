package io.modelrouter.payload;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Protocol;
import io.modelrouter.Rejection;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Replays every malformed request of the corpus in {@code src/test/resources/io/modelrouter/payload/corpus}
 * (written by its {@code generate.py}) and checks the exact rejection reason, the exact JSON pointer
 * of the first violation, a fragment of its message, and that both error bodies are valid JSON.
 */
class MalformedCorpusTest {

  private static final PayloadParser PARSER = PayloadParser.builder().maxBodyBytes(16 * 1024).build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static List<Path> cases() throws IOException, URISyntaxException {
    Path dir = Paths.get(MalformedCorpusTest.class.getResource("corpus").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".case")).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void corpus_holdsAtLeastAHundredCases() throws Exception {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(100);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parse_rejectsMalformedRequestWithExpectedReason(Path file) throws IOException {
    Case c = Case.read(file);

    ParseResult result = PARSER.parse(c.method, c.path, RequestHeaders.of(c.headers), c.body);

    assertThat(result.isRequest()).as("accepted: %s", result).isFalse();
    Rejection rejection = result.rejection();
    assertThat(rejection.reason().code()).as("%s", rejection).isEqualTo(c.reason);
    assertThat(rejection.httpStatus()).isBetween(400, 499);
    if (c.pointer != null) {
      assertThat(rejection.violations()).as("%s", rejection).isNotEmpty();
      assertThat(rejection.violations().get(0).pointer()).as("%s", rejection).isEqualTo(c.pointer);
      assertThat(rejection.violations().get(0).message()).as("%s", rejection).contains(c.message);
    } else {
      assertThat(rejection.message()).contains(c.message);
    }
    assertThat(result.protocol()).isEqualTo(c.path.startsWith("/v2/") ? Protocol.OIP : Protocol.OPENAI);
    JsonNode openAi = JSON.readTree(ErrorBodies.render(Protocol.OPENAI, rejection));
    assertThat(openAi.path("error").path("code").asString()).isEqualTo(c.reason);
    JsonNode oip = JSON.readTree(ErrorBodies.render(Protocol.OIP, rejection));
    assertThat(oip.path("error").asString()).startsWith(rejection.message());
  }

  /** One corpus file: expectation comments, request line, headers, blank line, body bytes. */
  private static final class Case {
    String reason = "";
    String pointer;
    String message = "";
    String method = "";
    String path = "";
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];

    static Case read(Path file) throws IOException {
      byte[] all = Files.readAllBytes(file);
      int split = indexOf(all, new byte[] {'\n', '\n'});
      String head = new String(all, 0, split, StandardCharsets.UTF_8);
      Case c = new Case();
      c.body = Arrays.copyOfRange(all, split + 2, all.length);
      boolean requestLine = true;
      for (String line : head.split("\n")) {
        if (line.startsWith("# ")) {
          int colon = line.indexOf(':');
          String key = line.substring(2, colon);
          String value = line.substring(colon + 1).trim();
          if (key.equals("reason")) {
            c.reason = value;
          } else if (key.equals("pointer")) {
            c.pointer = value;
          } else {
            c.message = value;
          }
        } else if (requestLine) {
          int space = line.indexOf(' ');
          c.method = line.substring(0, space);
          c.path = line.substring(space + 1);
          requestLine = false;
        } else {
          int colon = line.indexOf(':');
          c.headers.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
      }
      return c;
    }

    private static int indexOf(byte[] data, byte[] what) {
      outer:
      for (int i = 0; i + what.length <= data.length; i++) {
        for (int j = 0; j < what.length; j++) {
          if (data[i + j] != what[j]) {
            continue outer;
          }
        }
        return i;
      }
      throw new IllegalArgumentException("no blank line after the headers");
    }
  }
}
