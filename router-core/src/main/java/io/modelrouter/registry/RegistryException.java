package io.modelrouter.registry;

import org.jspecify.annotations.Nullable;

/**
 * Registry content that cannot be used: a file that does not parse, a value of the wrong kind,
 * two endpoints with one id. The message names the source, the line and column when known, and
 * what was expected.
 */
public final class RegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;

  public RegistryException(String source, int line, int column, String message, @Nullable Throwable cause) {
    super(format(source, line, column, message), cause);
    this.source = source;
    this.line = line;
    this.column = column;
  }

  public RegistryException(String source, String message) {
    this(source, -1, -1, message, null);
  }

  private static String format(String source, int line, int column, String message) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    return sb.append(": ").append(message).toString();
  }

  /** The file name or other source of the content. */
  public String source() {
    return source;
  }

  /** The 1-based line of the problem, or -1 when unknown. */
  public int line() {
    return line;
  }

  /** The 1-based column of the problem, or -1 when unknown. */
  public int column() {
    return column;
  }
}
