package io.modelrouter.http;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where {@link ProxyResponse#transferTo(BodySink, Consumer)} writes an answer without blocking: an
 * asynchronous server response, for instance. One write at a time.
 */
@FunctionalInterface
public interface BodySink {

  /**
   * Writes {@code bytes} (possibly none), the last of the body when {@code last}, and calls
   * {@code done} once: with null when the next write may come and {@code bytes} may be reused, or
   * with the failure (the client went away, say).
   */
  void write(ByteBuffer bytes, boolean last, Consumer<@Nullable Throwable> done);
}
