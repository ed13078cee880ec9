package io.modelrouter.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StreamingCheckTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SchemaRegistry NETWORKNT = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  /** Every keyword the streaming check covers, with bounds of every kind. */
  static final String WIDE_SCHEMA = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"chat\","
      + "\"type\":\"object\",\"required\":[\"model\",\"messages\"],\"properties\":{"
      + "\"model\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":8},"
      + "\"stream\":{\"type\":[\"boolean\",\"null\"]},"
      + "\"n\":{\"type\":\"integer\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":4},"
      + "\"max_tokens\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":8192},"
      + "\"temperature\":{\"type\":\"number\",\"minimum\":0,\"maximum\":2},"
      + "\"top_p\":{\"type\":\"number\",\"exclusiveMinimum\":0.1,\"maximum\":1.5},"
      + "\"user\":{\"const\":\"me\"},"
      + "\"meta\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"maxLength\":3}},"
      + "\"strict\":{\"type\":\"object\",\"properties\":{\"a\":true},\"additionalProperties\":false},"
      + "\"stop\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":2,\"items\":{\"type\":\"string\"}},"
      + "\"messages\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":4,\"items\":{\"type\":\"object\","
      + "\"required\":[\"role\",\"content\"],\"properties\":{\"role\":{\"enum\":[\"system\",\"user\",\"assistant\"]},"
      + "\"content\":{\"type\":\"string\",\"maxLength\":1000000,\"description\":\"the text\"}}}}}}";

  private static StreamingCheck check(String schema) {
    StreamingCheck check = StreamingCheck.compile(JSON.readTree(schema));
    assertThat(check).as("%s", schema).isNotNull();
    return check;
  }

  private static boolean fast(StreamingCheck check, String body) {
    return check.validates(body.getBytes(StandardCharsets.UTF_8), SchemaValidator.DEFAULT_MAX_EVALUATION_STEPS);
  }

  @Test
  void compile_coversTheChatSchemas() {
    check(SchemaValidatorTest.CHAT_SCHEMA);
    check(WIDE_SCHEMA);
    check("{}");
    check("true");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"string\",\"pattern\":\"^a\"}",
      "{\"type\":\"string\",\"format\":\"email\"}",
      "{\"$ref\":\"#/$defs/a\",\"$defs\":{\"a\":true}}",
      "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}",
      "{\"properties\":{\"a\":false}}",
      "{\"enum\":[\"a\",1]}",
      "{\"type\":\"number\",\"multipleOf\":2}",
      "{\"type\":\"array\",\"uniqueItems\":true}",
      "{\"prefixItems\":[{\"type\":\"string\"}]}",
      "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}",
      "{\"properties\":{\"a\":{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"}}}",
      "{\"type\":\"object\",\"readOnly\":true}",
      "false"})
  void compile_declinesSchemasWithKeywordsItDoesNotCover(String schema) {
    assertThat(StreamingCheck.compile(JSON.readTree(schema))).isNull();
  }

  @Test
  void validates_acceptsTypicalBodies() {
    StreamingCheck check = check(WIDE_SCHEMA);

    assertThat(fast(check, "{\"model\":\"chat\",\"stream\":true,\"max_tokens\":512,\"temperature\":0.7,\"n\":2,"
        + "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"h\\u00e9llo \\ud83d\\ude00\"}],"
        + "\"unknown\":{\"deep\":[1,2,{\"x\":null}]},\"meta\":{\"k\":\"v\"},\"strict\":{\"a\":[1]},\"stop\":[\"\\n\"],\"user\":\"me\"}"))
        .isTrue();
    assertThat(fast(check(SchemaValidatorTest.CHAT_SCHEMA),
        "{\"model\":\"chat\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).isTrue();
  }

  @Test
  void validates_answersDontKnowAtBoundsItCannotDecideExactly() {
    StreamingCheck check = check(WIDE_SCHEMA);
    String base = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";

    assertThat(fast(check, base + ",\"max_tokens\":8192}")).as("an integer exactly at an integer bound").isTrue();
    assertThat(fast(check, base + ",\"max_tokens\":8193}")).isFalse();
    assertThat(fast(check, base + ",\"max_tokens\":512.0}")).as("1.0 for an integer: networknt decides").isFalse();
    assertThat(fast(check, base + ",\"temperature\":2.0}")).as("a float at a bound").isFalse();
    assertThat(fast(check, base + ",\"temperature\":2}")).isTrue();
    assertThat(fast(check, base + ",\"top_p\":0.1}")).isFalse();
    assertThat(fast(check, base + ",\"n\":4}")).isFalse();
    assertThat(fast(check, base + ",\"max_tokens\":123456789012345678901234567890}")).isFalse();
    assertThat(fast(check, "{\"model\":\"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")).as("5 code points in 10 UTF-16 units").isFalse();
    assertThat(fast(check, "{\"model\":\"\\ud83d\\ude00\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
        .as("1 code point in 2 UTF-16 units").isFalse();
  }

  @Test
  void validates_leavesTheStepLimitToNetworknt() {
    StreamingCheck check = check(SchemaValidatorTest.CHAT_SCHEMA);
    String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"y\"}]}";

    assertThat(check.validates(body.getBytes(StandardCharsets.UTF_8), 1000)).isTrue();
    assertThat(check.validates(body.getBytes(StandardCharsets.UTF_8), 20)).isFalse();
  }

  /**
   * Differential test: thousands of bodies, valid and invalid, each mutated at a random place with
   * a random value; whenever the streaming check says valid, networknt must say so too. It must
   * also say valid often enough to matter.
   */
  @Test
  void validates_neverAcceptsWhatNetworkntRejects() {
    String[] values = {"null", "true", "false", "0", "-1", "1", "2", "3", "4", "8192", "8193", "0.0", "0.1", "0.7", "1.0",
        "1.5", "2.0", "2.0000000000000001", "1.9999999999999999", "1e3", "-0.0", "9223372036854775807",
        "9223372036854775808", "\"\"", "\"a\"", "\"me\"", "\"chat\"", "\"toolongname\"", "\"user\"", "\"robot\"",
        "\"\\ud83d\\ude00\"", "\"\\u00e9\\u00e9\"", "[]", "[\"a\"]", "[\"a\",\"b\",\"c\"]", "[1]", "{}", "{\"a\":1}",
        "{\"b\":1}", "{\"k\":\"abcd\"}", "{\"k\":\"abc\"}", "{\"role\":\"user\"}", "{\"role\":\"user\",\"content\":\"x\"}"};
    String[] keys = {"model", "stream", "n", "max_tokens", "temperature", "top_p", "user", "meta", "strict", "stop",
        "messages", "other"};
    List<Schema> schemas = new ArrayList<>();
    List<StreamingCheck> checks = new ArrayList<>();
    for (String s : new String[] {WIDE_SCHEMA, SchemaValidatorTest.CHAT_SCHEMA}) {
      schemas.add(NETWORKNT.getSchema(JSON.readTree(s)));
      checks.add(check(s));
    }
    SplittableRandom random = new SplittableRandom(7);
    int accepted = 0;
    for (int i = 0; i < 4000; i++) {
      StringBuilder body = new StringBuilder("{");
      int fields = random.nextInt(6);
      boolean model = random.nextInt(8) != 0;
      boolean messages = random.nextInt(8) != 0;
      if (model) {
        body.append("\"model\":").append(random.nextInt(3) == 0 ? pick(random, values) : "\"chat\"").append(',');
      }
      if (messages) {
        body.append("\"messages\":[");
        int n = random.nextInt(6);
        for (int m = 0; m < n; m++) {
          body.append(m == 0 ? "" : ",").append(random.nextInt(4) == 0 ? pick(random, values)
              : "{\"role\":" + (random.nextInt(4) == 0 ? pick(random, values) : "\"user\"")
                  + ",\"content\":" + (random.nextInt(4) == 0 ? pick(random, values) : "\"hi\"") + "}");
        }
        body.append("],");
      }
      for (int f = 0; f < fields; f++) {
        String key = pick(random, keys);
        if (body.indexOf('"' + key + '"') < 0) {
          body.append('"').append(key).append("\":").append(pick(random, values)).append(',');
        }
      }
      if (body.length() > 1) {
        body.setLength(body.length() - 1);
      }
      String text = body.append('}').toString();
      JsonNode tree = JSON.readTree(text);
      for (int s = 0; s < schemas.size(); s++) {
        if (fast(checks.get(s), text)) {
          accepted++;
          assertThat(schemas.get(s).validate(tree)).as("schema %s, body %s", s, text).isEmpty();
        }
      }
    }
    assertThat(accepted).isGreaterThan(200);
  }

  private static String pick(SplittableRandom random, String[] from) {
    return from[random.nextInt(from.length)];
  }
}
