package io.modelrouter.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action when its file changes (modification time or size, checked on an interval, so
 * that it works on every file system and with editors that replace the file), and every action
 * on {@link #reloadAll()} (the gateway calls it on SIGHUP). Actions run on one daemon thread, one
 * at a time; an action that throws is logged and the watch goes on.
 */
final class FileWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FileWatcher.class);

  private record Stamp(long modified, long size) {}

  private final Map<Path, Runnable> actions;
  private final Map<Path, Stamp> seen = new LinkedHashMap<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "modelrouter-file-watcher");
    t.setDaemon(true);
    return t;
  });

  /** Watches each file of {@code actions} every {@code interval}, starting now. */
  FileWatcher(Map<Path, Runnable> actions, Duration interval) {
    this.actions = Map.copyOf(actions);
    for (Path p : this.actions.keySet()) {
      seen.put(p, stamp(p));
    }
    long ms = Math.max(1, interval.toMillis());
    thread.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Runs every action now, on the watcher's thread, whether the files changed or not. */
  void reloadAll() {
    thread.execute(() -> {
      for (Map.Entry<Path, Runnable> e : actions.entrySet()) {
        seen.put(e.getKey(), stamp(e.getKey()));
        run(e.getKey(), e.getValue());
      }
    });
  }

  private void poll() {
    for (Map.Entry<Path, Runnable> e : actions.entrySet()) {
      Stamp now = stamp(e.getKey());
      if (!Objects.equals(now, seen.get(e.getKey()))) {
        seen.put(e.getKey(), now);
        run(e.getKey(), e.getValue());
      }
    }
  }

  private static void run(Path file, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("reloading {} failed: {}", file, e.toString());
    }
  }

  private static Stamp stamp(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime().toMillis(), a.size());
    } catch (IOException e) {
      return new Stamp(-1, -1); // missing for now: a reload when it comes back
    }
  }

  /** The watched files. */
  List<Path> files() {
    return List.copyOf(actions.keySet());
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
