package io.modelrouter.http.gateway;

import io.modelrouter.http.BodySink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Takes the usage-only chunk out of a server-sent event stream on its way to a client that did not
 * ask for usage: the event whose data is a chunk with empty {@code choices} and a {@code usage}
 * object, which the server sends because the gateway asked for it ({@code
 * io.modelrouter.http.internal.StreamUsage}) so that the tenant's token quota counts the stream.
 * The gateway reads the usage from the stream before this strip (the answer's usage tail), so the
 * client sees the stream it asked for and the quota sees its tokens.
 *
 * <p>Events pass on whole, as their blank line arrives; an event longer than {@value #HELD_BYTES}
 * bytes is no usage chunk (those take about 300) and passes on as it comes. Not thread-safe: one
 * stream, written in order.
 */
final class UsageChunkStrip {

  /** The most of one event held back to look at it whole: 8 KiB, far above a usage chunk. */
  static final int HELD_BYTES = 8 * 1024;

  private byte[] event = new byte[512];
  private int held;
  /** Whether the current event outgrew {@link #HELD_BYTES} and passes on as it comes. */
  private boolean passing;
  /** Bytes since the last line feed, carriage returns aside: 0 at the start of a line. */
  private int lineLength;
  private byte[] out = new byte[512];
  private int outLength;

  /**
   * The bytes to pass on for {@code in}: the whole events it completes but a usage chunk, and,
   * for an event past the hold limit, what came of it. The buffer is valid until the next call.
   */
  ByteBuffer pass(ByteBuffer in) {
    outLength = 0;
    while (in.hasRemaining()) {
      byte b = in.get();
      if (passing) {
        emit(b);
      } else {
        hold(b);
      }
      if (b == '\n') {
        if (lineLength == 0) {
          endOfEvent();
        }
        lineLength = 0;
      } else if (b != '\r') {
        lineLength++;
      }
    }
    return ByteBuffer.wrap(out, 0, outLength);
  }

  /** What is held at the end of the stream: an event its server did not finish, passed on as it is. */
  ByteBuffer rest() {
    ByteBuffer rest = ByteBuffer.wrap(event, 0, held);
    held = 0;
    return rest;
  }

  /** An asynchronous sink that writes to {@code to} what passes. */
  static BodySink sink(BodySink to) {
    UsageChunkStrip strip = new UsageChunkStrip();
    return (bytes, last, done) -> {
      ByteBuffer pass = strip.pass(bytes);
      if (last) {
        ByteBuffer rest = strip.rest();
        if (rest.hasRemaining()) {
          pass = ByteBuffer.allocate(pass.remaining() + rest.remaining()).put(pass).put(rest).flip();
        }
      } else if (!pass.hasRemaining()) {
        done.accept(null); // all held: nothing to write yet
        return;
      }
      to.write(pass, last, done);
    };
  }

  /**
   * A stream that writes to {@code to} what passes; closing it writes what is held and flushes,
   * but leaves {@code to} open.
   */
  static OutputStream stream(OutputStream to) {
    UsageChunkStrip strip = new UsageChunkStrip();
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer pass = strip.pass(ByteBuffer.wrap(b, off, len));
        to.write(pass.array(), 0, pass.limit());
      }

      @Override
      public void flush() throws IOException {
        to.flush();
      }

      @Override
      public void close() throws IOException {
        ByteBuffer rest = strip.rest();
        to.write(rest.array(), 0, rest.limit());
        to.flush();
      }
    };
  }

  private void hold(byte b) {
    if (held == event.length) {
      if (held >= HELD_BYTES) {
        passing = true; // no usage chunk: let it through as it comes
        for (int i = 0; i < held; i++) {
          emit(event[i]);
        }
        held = 0;
        emit(b);
        return;
      }
      event = Arrays.copyOf(event, held * 2);
    }
    event[held++] = b;
  }

  private void endOfEvent() {
    if (!passing && !isUsageOnly(event, held)) {
      for (int i = 0; i < held; i++) {
        emit(event[i]);
      }
    }
    held = 0;
    passing = false;
  }

  private void emit(byte b) {
    if (outLength == out.length) {
      out = Arrays.copyOf(out, outLength * 2);
    }
    out[outLength++] = b;
  }

  /** Whether the event is a data line holding a chunk with {@code "choices": []} and a {@code "usage"} object. */
  static boolean isUsageOnly(byte[] e, int n) {
    int i = skipSpace(e, 0, n);
    if (!startsWith(e, i, n, "data:")) {
      return false;
    }
    int choices = indexOf(e, n, "\"choices\"");
    int usage = indexOf(e, n, "\"usage\"");
    return choices >= 0 && usage >= 0
        && follows(e, n, choices + "\"choices\"".length(), ":[]")
        && follows(e, n, usage + "\"usage\"".length(), ":{");
  }

  /** Whether {@code tokens}' characters come next after {@code i}, spaces allowed between them. */
  private static boolean follows(byte[] e, int n, int i, String tokens) {
    for (int k = 0; k < tokens.length(); k++) {
      i = skipSpace(e, i, n);
      if (i >= n || e[i] != tokens.charAt(k)) {
        return false;
      }
      i++;
    }
    return true;
  }

  private static int skipSpace(byte[] e, int i, int n) {
    while (i < n && (e[i] == ' ' || e[i] == '\t' || e[i] == '\r' || e[i] == '\n')) {
      i++;
    }
    return i;
  }

  private static boolean startsWith(byte[] e, int i, int n, String prefix) {
    if (n - i < prefix.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (e[i + k] != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] e, int n, String what) {
    outer:
    for (int i = 0; i + what.length() <= n; i++) {
      for (int k = 0; k < what.length(); k++) {
        if (e[i + k] != what.charAt(k)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
