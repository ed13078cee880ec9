package io.modelrouter.gateway;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The jar's subcommands as real processes (the test class path stands in for the jar), each with
 * its stderr in a file of {@code dir}; {@link #close()} stops those still running.
 */
final class JavaProcesses implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("^listening on http://127\\.0\\.0\\.1:(\\d+)$");

  private final Path dir;
  private final List<Process> processes = new ArrayList<>();

  JavaProcesses(Path dir) {
    this.dir = dir;
  }

  /** Starts {@code modelrouter ARGS}; its stderr goes to {@code stderr-N.txt}. */
  Process launch(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(stderr(processes.size()).toFile()).start();
    processes.add(p);
    return p;
  }

  /** The processes launched, in order. */
  List<Process> launched() {
    return List.copyOf(processes);
  }

  /** The stderr file of the {@code n}th process launched. */
  Path stderr(int n) {
    return dir.resolve("stderr-" + n + ".txt");
  }

  /** Reads stdout until the listening line; returns the port. */
  static int awaitListening(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      Matcher m = LISTENING.matcher(line);
      if (m.matches()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("no 'listening on' line; exit " + p.waitFor());
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
