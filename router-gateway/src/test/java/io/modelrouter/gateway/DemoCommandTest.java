package io.modelrouter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

  @TempDir Path dir;

  @Test
  void demo_drivesTheFleetPrintsTheTableAndWritesTheHtmlReport() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Main.run("demo", "--duration", "4", "--concurrency", "6", "--speed", "0.2", "--report-dir", dir.toString());
    } finally {
      System.setOut(original);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).isZero();
    assertThat(text)
        .containsPattern("(?m)^listening on http://127\\.0\\.0\\.1:\\d+$")
        .containsPattern("requests +\\d+ +ok +\\d+")
        .contains("endpoint      requests   share    p50 ms    p95 ms    p99 ms  errors")
        .containsPattern("(?m)^chat-(fast|mid|slow) +\\d+")
        .contains("served model             answers   share  share of route")
        .containsPattern("(?m)^demo-chat-mini:1 +\\d+ +[\\d.]+% +[1-9][\\d.]*%$")
        .contains("rejections by reason")
        .contains("unknown_model")
        .contains("invalid_input")
        .contains("chat-fast killed")
        .contains("report: ");
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("polyline").contains("chat-mid")
        .contains("Answers per served model")
        .doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
  }
}
