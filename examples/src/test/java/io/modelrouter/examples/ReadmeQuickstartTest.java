package io.modelrouter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's quickstart is this module's Quickstart.java, so that it compiles and cannot rot. */
class ReadmeQuickstartTest {

  @Test
  void readmeQuickstart_isTheCompiledQuickstart() throws IOException {
    String source = Files.readString(Path.of("src/main/java/io/modelrouter/examples/Quickstart.java"));
    String block = source.split("// README-QUICKSTART-BEGIN\n", 2)[1].split("\\s*// README-QUICKSTART-END", 2)[0];
    String dedented = block.lines().map(l -> l.length() >= 4 ? l.substring(4) : l.strip())
        .reduce((a, b) -> a + "\n" + b).orElseThrow();

    String readme = Files.readString(Path.of("../README.md"));
    String readmeBlock = readme.split("## Embedding quickstart", 2)[1].split("```java\n", 2)[1].split("```", 2)[0];

    assertThat(readmeBlock.strip()).isEqualTo(dedented.strip());
  }
}
