package io.modelrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's testing-kit example is ReadmeExampleTest, compiled and run, so it cannot rot. */
class ReadmeTestingTest {

  @Test
  void readmeExample_isTheCompiledTest() throws IOException {
    String source = Files.readString(Path.of("src/test/java/io/modelrouter/testing/ReadmeExampleTest.java"));
    String block = source.split("// README-TESTING-BEGIN\n", 2)[1].split("\\s*// README-TESTING-END", 2)[0];

    String readme = Files.readString(Path.of("../README.md"));
    String readmeBlock = readme.split("## Testing routing code \\(router-testing\\)", 2)[1]
        .split("```java\n", 2)[1].split("```", 2)[0];

    assertThat(readmeBlock.strip()).isEqualTo(block.strip());
  }
}
