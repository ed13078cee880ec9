package io.modelrouter.simulator;

/**
 * A network fault a {@link FaultProxy} plays in front of a simulated server: the ways a real
 * inference endpoint fails that a healthy HTTP server cannot show. Immutable and value-based.
 */
public final class Fault {

  /** What the proxy does. */
  public enum Kind {
    /** Passes everything through. */
    NONE,
    /**
     * Stops moving bytes either way on every connection, new ones included, until the fault is
     * lifted: a frozen process (SIGSTOP, a GPU hang). Connections are still accepted, as the
     * kernel would.
     */
    FREEZE,
    /** Reads each request whole and never answers it: the endpoint stopped answering mid-request. */
    STOP_MID_REQUEST,
    /** Passes a response's first {@link #bytes()} bytes, then nothing more: frozen mid-stream. */
    STOP_MID_STREAM,
    /** Accepts new connections and never reads from them: a full or stuck accept loop. */
    ACCEPT_NEVER_READ,
    /** Passes a response's first {@link #bytes()} bytes, then resets the connection. */
    RESET_AFTER_BYTES,
    /**
     * Reads the next request whole, then dies: stops listening and resets every connection, as a
     * server killed by a poison request. {@link FaultProxy#restart()} brings it back.
     */
    CRASH_ON_REQUEST,
    /**
     * Resets a reused connection as its next request's headers arrive, before the body is read:
     * the keep-alive race, in which the endpoint closes an idle connection as a request goes out
     * on it. Once; the proxy passes everything through afterwards.
     */
    RESET_REUSED_WHILE_READING
  }

  private static final Fault NONE = new Fault(Kind.NONE, 0);

  private final Kind kind;
  private final long bytes;

  private Fault(Kind kind, long bytes) {
    this.kind = kind;
    this.bytes = bytes;
  }

  /** No fault. */
  public static Fault none() {
    return NONE;
  }

  /** {@link Kind#FREEZE}. */
  public static Fault freeze() {
    return new Fault(Kind.FREEZE, 0);
  }

  /** {@link Kind#STOP_MID_REQUEST}. */
  public static Fault stopMidRequest() {
    return new Fault(Kind.STOP_MID_REQUEST, 0);
  }

  /** {@link Kind#STOP_MID_STREAM} after {@code bytes} bytes of a response. */
  public static Fault stopMidStream(long bytes) {
    return new Fault(Kind.STOP_MID_STREAM, nonNegative(bytes));
  }

  /** {@link Kind#ACCEPT_NEVER_READ}. */
  public static Fault acceptNeverRead() {
    return new Fault(Kind.ACCEPT_NEVER_READ, 0);
  }

  /** {@link Kind#RESET_AFTER_BYTES} after {@code bytes} bytes of a response. */
  public static Fault resetAfterBytes(long bytes) {
    return new Fault(Kind.RESET_AFTER_BYTES, nonNegative(bytes));
  }

  /** {@link Kind#CRASH_ON_REQUEST}. */
  public static Fault crashOnRequest() {
    return new Fault(Kind.CRASH_ON_REQUEST, 0);
  }

  /** {@link Kind#RESET_REUSED_WHILE_READING}. */
  public static Fault resetReusedWhileReading() {
    return new Fault(Kind.RESET_REUSED_WHILE_READING, 0);
  }

  public Kind kind() {
    return kind;
  }

  /** The response bytes passed before {@link Kind#STOP_MID_STREAM} or {@link Kind#RESET_AFTER_BYTES}. */
  public long bytes() {
    return bytes;
  }

  private static long nonNegative(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
    }
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fault f && f.kind == kind && f.bytes == bytes;
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Long.hashCode(bytes);
  }

  @Override
  public String toString() {
    return bytes == 0 ? kind.toString() : kind + "(" + bytes + " bytes)";
  }
}
