package io.modelrouter;

/**
 * A source of monotonic nanoseconds, injected wherever time matters so that behaviour is testable.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current reading in nanoseconds; only differences between readings are meaningful. */
  long nanoTime();

  /** The ticker backed by {@link System#nanoTime()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
