package io.modelrouter.registry;

import io.modelrouter.Ticker;
import io.modelrouter.health.EndpointStates;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link ModelRegistry} loaded from a YAML or JSON registry file (see {@link RegistryFiles} for
 * the format) and reloadable while running. A reload that fails keeps the last good snapshot
 * serving and reports the problem with the file, line and what was expected.
 *
 * <p>It starts no thread: call {@link #reload()} when the file changes (the gateway does so on a
 * timer or a signal).
 */
public final class FileRegistry implements ModelRegistry {

  private final Path file;
  private final InMemoryRegistry delegate;
  private volatile RegistryContent content;

  private FileRegistry(Path file, InMemoryRegistry delegate, RegistryContent content) {
    this.file = file;
    this.delegate = delegate;
    this.content = content;
  }

  /**
   * Loads a registry file.
   *
   * @throws RegistryException naming the file, line and column of the first problem
   */
  public static FileRegistry load(Path file) {
    return load(file, Ticker.system());
  }

  /** Loads a registry file, with endpoint states on the given ticker. */
  public static FileRegistry load(Path file, Ticker ticker) {
    Objects.requireNonNull(file, "file");
    RegistryContent content = RegistryFiles.read(file);
    InMemoryRegistry registry = InMemoryRegistry.create(ticker);
    registry.replace(content);
    return new FileRegistry(file, registry, content);
  }

  /**
   * Reads the file again and publishes a new snapshot if its content changed.
   *
   * @return whether a new snapshot was published
   * @throws RegistryException when the file is now invalid; the last good snapshot keeps serving
   */
  public synchronized boolean reload() {
    RegistryContent next = RegistryFiles.read(file);
    if (next.equals(content)) {
      return false;
    }
    delegate.replace(next);
    content = next;
    return true;
  }

  public Path file() {
    return file;
  }

  /** The live endpoint states, shared across this registry's snapshots. */
  public EndpointStates endpointStates() {
    return delegate.endpointStates();
  }

  @Override
  public RegistrySnapshot snapshot() {
    return delegate.snapshot();
  }

  @Override
  public void addListener(RegistryListener listener) {
    delegate.addListener(listener);
  }

  @Override
  public void removeListener(RegistryListener listener) {
    delegate.removeListener(listener);
  }
}
