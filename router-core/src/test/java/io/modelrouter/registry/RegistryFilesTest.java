package io.modelrouter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelrouter.Operation;
import io.modelrouter.Protocol;
import io.modelrouter.registry.RegistryFiles.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryFilesTest {

  private static RegistryException parseError(String yaml) {
    try {
      RegistryFiles.parse(yaml, "reg.yaml", Format.YAML);
    } catch (RegistryException e) {
      return e;
    }
    throw new AssertionError("expected a RegistryException for:\n" + yaml);
  }

  @Test
  void parse_theReadmeExample() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    String yaml = readme.split("## Registry file", 2)[1].split("```yaml\n", 2)[1].split("```", 2)[0];
    RegistryContent c = RegistryFiles.parse(yaml, "README.md", Format.YAML);

    assertThat(c.models()).extracting(ModelSpec::key).containsExactly("demo-chat:1", "demo-chat:2", "demo-classifier:1");
    ModelSpec chat = c.models().get(0);
    assertThat(chat.tags()).containsExactly("stable");
    assertThat(chat.operations()).containsExactlyInAnyOrder(Operation.CHAT, Operation.COMPLETION);
    assertThat(chat.costPer1kTokens()).isEqualTo(0.002);
    assertThat(chat.trafficWeight()).isEqualTo(90);
    assertThat(chat.inputSchema()).isEqualTo("{\"type\":\"object\",\"required\":[\"messages\"]}");
    assertThat(c.models().get(2).inputs()).containsExactly(TensorSpec.of("input__0", "FP32", -1, 4));

    Endpoint a = c.endpoints().get(0);
    assertThat(a.id()).isEqualTo("chat-a");
    assertThat(a.baseUrl()).hasToString("http://10.0.0.7:8000");
    assertThat(a.server()).isEqualTo("vllm");
    assertThat(a.maxConcurrency()).isEqualTo(64);
    assertThat(a.slots()).isEqualTo(48);
    assertThat(a.adapters()).containsExactly("sql-lora");
    assertThat(a.labels()).containsEntry("gpu", "h100");
    assertThat(a.costPerRequest()).isEqualTo(0.001);
    assertThat(a.costPer1kTokens()).isNaN();
    assertThat(c.endpoints().get(1).protocol()).isEqualTo(Protocol.OIP);
  }

  @Test
  void writeThenParse_givesEqualContent_inBothFormats() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    String yaml = readme.split("## Registry file", 2)[1].split("```yaml\n", 2)[1].split("```", 2)[0];
    RegistryContent c = RegistryFiles.parse(yaml, "README.md", Format.YAML);
    assertThat(RegistryFiles.parse(RegistryFiles.write(c, Format.JSON), "x.json", Format.JSON)).isEqualTo(c);
    assertThat(RegistryFiles.parse(RegistryFiles.write(c, Format.YAML), "x.yaml", Format.YAML)).isEqualTo(c);
    for (ModelSpec m : c.models()) {
      assertThat(RegistryFiles.parseModel(RegistryFiles.toJson(m), "etcd")).isEqualTo(m);
    }
    for (Endpoint e : c.endpoints()) {
      assertThat(RegistryFiles.parseEndpoint(RegistryFiles.toJson(e), "etcd")).isEqualTo(e);
    }
  }

  @Test
  void emptyDocument_isAnEmptyRegistry() {
    assertThat(RegistryFiles.parse("", "r.yaml", Format.YAML)).isEqualTo(RegistryContent.empty());
    assertThat(RegistryFiles.parse("models: []\nendpoints: []\n", "r.yaml", Format.YAML).models()).isEmpty();
  }

  @Test
  void unknownKey_namesTheFileLineAndKey() {
    RegistryException e = parseError("models:\n  - name: m\n    version: '1'\n    wieght: 3\n");
    assertThat(e.source()).isEqualTo("reg.yaml");
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.getMessage()).startsWith("reg.yaml:4:").contains("models[0].wieght").contains("wieght");
  }

  @Test
  void invalidValue_namesTheLineAndWhatWasExpected() {
    RegistryException e = parseError(
        "models:\n  - {name: m, version: '1'}\nendpoints:\n  - id: a\n    url: http://127.0.0.1:1\n    serves: [m]\n    weight: -1\n");
    assertThat(e.line()).isBetween(4, 8);
    assertThat(e.getMessage()).contains("weight of endpoint a: -1 (expected: >= 0)");
  }

  @Test
  void negativeSlots_areAnErrorSayingWhatIsExpected() {
    RegistryException e = parseError(
        "models:\n  - {name: m, version: '1'}\nendpoints:\n  - id: a\n    url: http://127.0.0.1:1\n    serves: [m]\n    slots: -4\n");
    assertThat(e.getMessage()).contains("slots of endpoint a: -4 (expected: >= 0, 0 when unknown)");
  }

  @Test
  void wrongType_namesTheLineAndPath() {
    RegistryException e = parseError(
        "models:\n  - {name: m, version: '1'}\nendpoints:\n  - id: a\n    url: http://127.0.0.1:1\n    serves: [m]\n    maxConcurrency: lots\n");
    assertThat(e.line()).isEqualTo(7);
    assertThat(e.getMessage()).contains("endpoints[0].maxConcurrency");
  }

  @Test
  void duplicateKey_isAnError() {
    RegistryException e = parseError("models:\n  - name: m\n    name: n\n    version: '1'\n");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage()).containsIgnoringCase("duplicate");
  }

  @Test
  void missingRequiredFields_sayWhatIsMissing() {
    assertThat(parseError("models:\n  - version: '1'\n").getMessage()).contains("name is missing");
    assertThat(parseError("models:\n  - {name: m, version: '1'}\nendpoints:\n  - id: a\n    serves: [m]\n").getMessage())
        .contains("url of endpoint a is missing (expected: an http or https URL)");
    assertThat(parseError("models:\n  - {name: m, version: '1'}\nendpoints:\n  - {id: a, url: 'http://h:1'}\n").getMessage())
        .contains("serves of endpoint a: [] (expected: at least one model or model:version)");
  }

  @Test
  void badEnumLikeValues_listTheAcceptedOnes() {
    assertThat(parseError("models:\n  - {name: m, version: '1', operations: [chatting]}\n").getMessage())
        .contains("expected: chat, completion, embedding, infer");
    assertThat(parseError("models:\n  - {name: m, version: '1'}\nendpoints:\n  - {id: a, url: 'http://h:1', serves: [m], protocol: grpc}\n").getMessage())
        .contains("expected: openai, oip");
    assertThat(parseError("models:\n  - {name: m, version: '1'}\nendpoints:\n  - {id: a, url: 'ftp://h:1', serves: [m]}\n").getMessage())
        .contains("expected: an http or https URL");
  }

  @Test
  void inconsistentContent_isAnErrorNamingTheSource() {
    assertThat(parseError("models:\n  - {name: m, version: '1'}\nendpoints:\n  - {id: a, url: 'http://h:1', serves: [x]}\n").getMessage())
        .isEqualTo("reg.yaml: endpoint a serves x (expected: a model listed under models)");
    assertThat(parseError("models:\n  - {name: m, version: '1', tags: [s]}\n  - {name: m, version: '2', tags: [s]}\n").getMessage())
        .contains("tag 's' of model m is on versions 1 and 2");
  }

  @Test
  void malformedSyntax_isReportedWithItsLine() {
    RegistryException e = parseError("models:\n  - name: m\n   version: [\n");
    assertThat(e.line()).isPositive();
    assertThatThrownBy(() -> RegistryFiles.parse("{\"models\": [", "r.json", Format.JSON))
        .isInstanceOf(RegistryException.class).hasMessageStartingWith("r.json:1:");
    assertThatThrownBy(() -> RegistryFiles.parse("{} {}", "r.json", Format.JSON))
        .isInstanceOf(RegistryException.class);
  }

  @Test
  void schemaMayBeGivenAsJsonText() {
    RegistryContent c = RegistryFiles.parse(
        "models:\n  - name: m\n    version: '1'\n    inputSchema: '{\"type\": \"object\"}'\n", "r.yaml", Format.YAML);
    assertThat(c.models()).singleElement().extracting(ModelSpec::inputSchema).isEqualTo("{\"type\":\"object\"}");
    assertThat(parseError("models:\n  - {name: m, version: '1', inputSchema: 42}\n").getMessage())
        .contains("expected: a JSON Schema object");
  }

  @Test
  void format_followsTheFileName() {
    assertThat(Format.forFileName("a/b.JSON")).isEqualTo(Format.JSON);
    assertThat(Format.forFileName("r.yml")).isEqualTo(Format.YAML);
    assertThat(List.of(Format.values())).hasSize(2);
  }
}
