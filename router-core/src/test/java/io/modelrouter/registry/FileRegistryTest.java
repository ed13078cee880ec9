package io.modelrouter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRegistryTest {

  @TempDir Path dir;

  private static final String ONE =
      "models:\n  - {name: m, version: '1'}\nendpoints:\n  - {id: a, url: 'http://127.0.0.1:1', serves: [m]}\n";
  private static final String TWO = ONE + "  - {id: b, url: 'http://127.0.0.1:2', serves: [m]}\n";

  @Test
  void load_thenReload_publishesOnlyWhenTheFileChanged() throws IOException {
    Path file = dir.resolve("registry.yaml");
    Files.writeString(file, ONE);
    FileRegistry r = FileRegistry.load(file);
    assertThat(r.snapshot().endpoints()).hasSize(1);
    assertThat(r.reload()).isFalse();
    Files.writeString(file, TWO);
    assertThat(r.reload()).isTrue();
    assertThat(r.snapshot().model("m").latest().endpointCount()).isEqualTo(2);
  }

  @Test
  void badReload_keepsTheLastGoodSnapshotServing_andNamesTheProblem() throws IOException {
    Path file = dir.resolve("registry.yaml");
    Files.writeString(file, TWO);
    FileRegistry r = FileRegistry.load(file);
    RegistrySnapshot good = r.snapshot();
    r.snapshot().state("a").acquire();

    Files.writeString(file, TWO.replace("serves: [m]}\n  - {id: b", "serves: [m], weight: -5}\n  - {id: b"));
    assertThatThrownBy(r::reload)
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith(file + ":4:")
        .hasMessageContaining("weight of endpoint a: -5 (expected: >= 0)");
    assertThat(r.snapshot()).isSameAs(good);
    assertThat(r.snapshot().state("a").inFlight()).isEqualTo(1);

    Files.writeString(file, ONE);
    assertThat(r.reload()).isTrue();
    assertThat(r.snapshot().state("a").inFlight()).as("state survives the reload").isEqualTo(1);
  }

  @Test
  void load_missingFile_saysItCannotRead() {
    assertThatThrownBy(() -> FileRegistry.load(dir.resolve("nope.yaml")))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("nope.yaml: cannot read");
  }

  @Test
  void load_jsonFile_isReadAsJson() throws IOException {
    Path file = dir.resolve("registry.json");
    Files.writeString(file, "{\"models\":[{\"name\":\"m\",\"version\":\"1\"}],\"endpoints\":[]}");
    assertThat(FileRegistry.load(file).snapshot().modelSpecs()).hasSize(1);
  }
}
