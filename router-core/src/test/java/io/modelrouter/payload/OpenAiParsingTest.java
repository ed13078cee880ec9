package io.modelrouter.payload;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelrouter.Operation;
import io.modelrouter.Protocol;
import io.modelrouter.RouteRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiParsingTest {

  private static final PayloadParser PARSER = PayloadParser.ofDefaults();
  private static final RequestHeaders JSON = RequestHeaders.of(Map.of("Content-Type", "application/json"));

  static ParseResult parse(String path, String body) {
    return PARSER.parse("POST", path, JSON, body.getBytes(StandardCharsets.UTF_8));
  }

  static RouteRequest request(String path, String body) {
    ParseResult result = parse(path, body);
    assertThat(result.isRequest()).as("%s", result).isTrue();
    return result.request();
  }

  @Test
  void chat_readsModelStreamAndOutputLimit() {
    RouteRequest r = request("/v1/chat/completions",
        "{\"model\":\"llama\",\"stream\":true,\"max_tokens\":128,"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello there\"}]}");

    assertThat(r.model()).isEqualTo("llama");
    assertThat(r.protocol()).isEqualTo(Protocol.OPENAI);
    assertThat(r.operation()).isEqualTo(Operation.CHAT);
    assertThat(r.stream()).isTrue();
    assertThat(r.maxOutputTokens()).isEqualTo(128);
    assertThat(r.capabilities()).isEmpty();
    assertThat(r.tenant()).isNull();
    assertThat(r.payload()).isInstanceOf(Payload.class);
    assertThat(((Payload) r.payload()).messageCount()).isEqualTo(2);
  }

  @Test
  void chat_prefersMaxCompletionTokensOverMaxTokens() {
    RouteRequest r = request("/v1/chat/completions",
        "{\"max_tokens\":10,\"max_completion_tokens\":20,\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    assertThat(r.maxOutputTokens()).isEqualTo(20);
  }

  @Test
  void chat_estimatesPromptTokensFromTextAndMessages() {
    // "Be brief." and "Hello there": 20 characters -> 5 tokens; 2 messages x 3; reply 3
    RouteRequest r = request("/v1/chat/completions",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello there\"}]}");

    assertThat(r.promptTokens()).isEqualTo(5 + 2 * 3 + 3);
  }

  @Test
  void chat_countsNonAsciiCharactersOneTokenEach() {
    RouteRequest r = request("/v1/chat/completions",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\u4f60\u597d\u4e16\u754c\"}]}");

    assertThat(r.promptTokens()).isEqualTo(4 + 3 + 3);
  }

  @Test
  void chat_recognisesToolsVisionAndAudio() {
    RouteRequest r = request("/chat/completions",
        "{\"model\":\"m\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}},"
            + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}}]}]}");

    assertThat(r.capabilities()).containsExactlyInAnyOrder("tools", "vision", "audio");
    assertThat(r.promptTokens()).isGreaterThan(OpenAiReader.TOKENS_PER_IMAGE);
  }

  @Test
  void chat_emptyToolsArrayIsNoToolUse() {
    RouteRequest r = request("/v1/chat/completions",
        "{\"model\":\"m\",\"tools\":[],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    assertThat(r.capabilities()).isEmpty();
  }

  @Test
  void chat_acceptsNullContentAndAssistantToolCalls() {
    RouteRequest r = request("/v1/chat/completions",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"1\",\"content\":\"sunny\"}]}");

    assertThat(((Payload) r.payload()).messageCount()).isEqualTo(3);
  }

  @Test
  void chat_ignoresUnknownFieldsOfAnyShape() {
    RouteRequest r = request("/v1/chat/completions",
        "{\"model\":\"m\",\"temperature\":0.2,\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"a\":[1,{\"b\":null}]}},"
            + "\"logit_bias\":{\"50256\":-100},\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"name\":\"bob\"}]}");

    assertThat(r.model()).isEqualTo("m");
  }

  @Test
  void chat_prefixHashIsSameForSameSystemPromptAndFirstTurn() {
    String a = "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a pirate.\"},"
        + "{\"role\":\"user\",\"content\":\"Ahoy\"},{\"role\":\"assistant\",\"content\":\"Arr\"},{\"role\":\"user\",\"content\":\"one\"}]}";
    String b = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":\"You are a pirate.\"},"
        + "{\"role\":\"user\",\"content\":\"Ahoy\"},{\"role\":\"assistant\",\"content\":\"Yo\"},{\"role\":\"user\",\"content\":\"two\"}]}";
    String c = "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a parrot.\"},"
        + "{\"role\":\"user\",\"content\":\"Ahoy\"}]}";

    long ha = request("/v1/chat/completions", a).prefixHash();
    assertThat(ha).isNotZero();
    assertThat(request("/v1/chat/completions", b).prefixHash()).isEqualTo(ha);
    assertThat(request("/v1/chat/completions", c).prefixHash()).isNotEqualTo(ha);
  }

  private static String chat(String... turns) {
    StringBuilder sb = new StringBuilder("{\"model\":\"m\",\"messages\":[");
    for (int i = 0; i < turns.length; i++) {
      String role = i == 0 ? "system" : i % 2 == 1 ? "user" : "assistant";
      sb.append(i == 0 ? "" : ",").append("{\"role\":\"").append(role).append("\",\"content\":\"").append(turns[i]).append("\"}");
    }
    return sb.append("]}").toString();
  }

  @Test
  void chat_blockChainOfTheNextTurnExtendsThePreviousTurnsChain() {
    String system = "You answer questions about the ship's manifest. ".repeat(20); // 980 characters
    String question = "Which crates hold the rum, and who signed for them? ".repeat(6); // 312
    String answer = "Crates 4 to 9, signed by the quartermaster on the second day. ".repeat(5); // 310
    RouteRequest first = request("/v1/chat/completions", chat(system, question));
    RouteRequest next = request("/v1/chat/completions", chat(system, question, answer, "And the powder?"));
    RouteRequest other = request("/v1/chat/completions", chat("You are a parrot. ".repeat(60), question));

    assertThat(first.prefixBlockCount()).isEqualTo((system.length() + question.length() + 2) / PrefixBlocks.BLOCK_CHARS);
    assertThat(next.prefixBlockCount()).isGreaterThan(first.prefixBlockCount());
    for (int i = 0; i < first.prefixBlockCount(); i++) {
      assertThat(next.prefixBlock(i)).isEqualTo(first.prefixBlock(i));
    }
    assertThat(other.prefixBlock(0)).isNotEqualTo(first.prefixBlock(0));
  }

  @Test
  void chat_blockChainIsCappedAndEmbeddingsHaveNone() {
    String longPrompt = "x".repeat(PrefixBlocks.BLOCK_CHARS * (PayloadParser.DEFAULT_MAX_PREFIX_BLOCKS + 10));
    assertThat(request("/v1/chat/completions", chat(longPrompt, "y")).prefixBlockCount())
        .isEqualTo(PayloadParser.DEFAULT_MAX_PREFIX_BLOCKS);
    assertThat(request("/v1/chat/completions", chat("short", "y")).prefixBlockCount()).isZero();
    assertThat(request("/v1/embeddings", "{\"model\":\"m\",\"input\":\"" + longPrompt + "\"}").prefixBlockCount()).isZero();
  }

  @Test
  void chat_prefixHashDistinguishesRoles() {
    long asSystem = request("/v1/chat/completions",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"y\"}]}").prefixHash();
    long asUser = request("/v1/chat/completions",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"y\"}]}").prefixHash();

    assertThat(asSystem).isNotEqualTo(asUser);
  }

  @Test
  void chat_prefixHashCoversOnlyTheConfiguredNumberOfCharacters() {
    PayloadParser shortPrefix = PayloadParser.builder().prefixChars(8).build();
    String a = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"0123456789 first\"}]}";
    String b = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"0123456789 second\"}]}";

    long ha = shortPrefix.parse("POST", "/v1/chat/completions", JSON, a.getBytes(StandardCharsets.UTF_8)).request().prefixHash();
    long hb = shortPrefix.parse("POST", "/v1/chat/completions", JSON, b.getBytes(StandardCharsets.UTF_8)).request().prefixHash();

    assertThat(ha).isEqualTo(hb);
    assertThat(request("/v1/chat/completions", a).prefixHash()).isNotEqualTo(request("/v1/chat/completions", b).prefixHash());
  }

  @Test
  void chat_noPrefixHashWhenDisabled() {
    PayloadParser none = PayloadParser.builder().prefixChars(0).build();
    ParseResult r = none.parse("POST", "/v1/chat/completions", JSON,
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}".getBytes(StandardCharsets.UTF_8));

    assertThat(r.request().prefixHash()).isZero();
  }

  @Test
  void completion_readsStringPrompt() {
    RouteRequest r = request("/v1/completions", "{\"model\":\"m\",\"prompt\":\"Once upon a time\",\"max_tokens\":7}");

    assertThat(r.operation()).isEqualTo(Operation.COMPLETION);
    assertThat(r.promptTokens()).isEqualTo(4);
    assertThat(r.maxOutputTokens()).isEqualTo(7);
    assertThat(r.prefixHash()).isNotZero();
    assertThat(((Payload) r.payload()).messageCount()).isEqualTo(1);
  }

  @Test
  void completion_readsBatchesAndTokenIds() {
    RouteRequest strings = request("/completions", "{\"model\":\"m\",\"prompt\":[\"abcd\",\"efgh\",\"ijkl\"]}");
    RouteRequest tokens = request("/v1/completions", "{\"model\":\"m\",\"prompt\":[1,2,3,4,5]}");
    RouteRequest batches = request("/v1/completions", "{\"model\":\"m\",\"prompt\":[[1,2],[3,4,5]]}");

    assertThat(((Payload) strings.payload()).messageCount()).isEqualTo(3);
    assertThat(strings.promptTokens()).isEqualTo(3);
    assertThat(request("/v1/completions", "{\"model\":\"m\",\"prompt\":\"\u00e9t\u00e9 abc\"}").promptTokens())
        .as("5 ASCII characters make 2 tokens, 2 accented ones count one each").isEqualTo(2 + 2);
    assertThat(tokens.promptTokens()).isEqualTo(5);
    assertThat(((Payload) tokens.payload()).messageCount()).isEqualTo(1);
    assertThat(batches.promptTokens()).isEqualTo(5);
    assertThat(((Payload) batches.payload()).messageCount()).isEqualTo(2);
  }

  @Test
  void embedding_readsInputWithoutPrefixHash() {
    RouteRequest r = request("/v1/embeddings", "{\"model\":\"e5\",\"input\":[\"hello world\",\"bye\"]}");

    assertThat(r.operation()).isEqualTo(Operation.EMBEDDING);
    assertThat(r.model()).isEqualTo("e5");
    assertThat(r.promptTokens()).isEqualTo(3 + 1);
    assertThat(r.prefixHash()).isZero();
    assertThat(((Payload) r.payload()).messageCount()).isEqualTo(2);
  }

  @Test
  void parse_ignoresQueryStringAndTrailingSlash() {
    assertThat(parse("/v1/embeddings/?api-version=1", "{\"model\":\"e\",\"input\":\"x\"}").isRequest()).isTrue();
  }

  @Test
  void parse_acceptsJsonWithParametersAndVendorTypes() {
    byte[] body = "{\"model\":\"e\",\"input\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    for (String type : new String[] {"application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\"", "application/vnd.api+json"}) {
      assertThat(PARSER.parse("POST", "/v1/embeddings", RequestHeaders.of(Map.of("content-type", type)), body).isRequest())
          .as(type).isTrue();
    }
  }

  @Test
  void parse_keepsTheOriginalBytesAndBuildsTheTreeOnlyOnDemand() {
    byte[] body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"seed\":7}".getBytes(StandardCharsets.UTF_8);
    Payload payload = PARSER.parse("POST", "/v1/chat/completions", JSON, body).payload();

    assertThat(payload.bytes()).isSameAs(body);
    assertThat(payload.length()).isEqualTo(body.length);
    assertThat(payload.json().path("seed").asInt()).isEqualTo(7);
    assertThat(payload.json()).isSameAs(payload.json());
  }

  @Test
  void parse_trimsModelName() {
    assertThat(request("/v1/chat/completions", "{\"model\":\" m \",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").model())
        .isEqualTo("m");
  }

  @Test
  void parse_usesThePluggedTokenCounter() {
    PayloadParser counting = PayloadParser.builder().tokenCounter((text, offset, length) -> 100).build();
    ParseResult r = counting.parse("POST", "/v1/completions", JSON,
        "{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8));

    assertThat(r.request().promptTokens()).isEqualTo(200);
  }
}
