package io.modelrouter.simulator;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The faults a simulated server plays, toggled while it runs: a share of inference requests
 * answered with a 500 (seeded draws), hanging (requests accepted and never answered), connections
 * reset before any answer, and health routes answering 503. Killing the server ({@link
 * SimServer#kill()}) is the lifecycle's; network faults are {@link FaultProxy}'s.
 */
final class ServerFaults {

  private final SplittableRandom draws;
  private volatile double failureRate;
  private volatile boolean hang;
  private volatile boolean resetConnections;
  private volatile boolean healthy = true;
  private volatile CountDownLatch hangGate = new CountDownLatch(1);

  ServerFaults(double failureRate, long seed) {
    this.failureRate = failureRate;
    this.draws = new SplittableRandom(seed);
  }

  void failureRate(double rate) {
    this.failureRate = rate;
  }

  /** Draws whether the next inference request fails with a 500. */
  boolean failsNext() {
    return failureRate > 0 && nextDouble() < failureRate;
  }

  private double nextDouble() {
    synchronized (draws) {
      return draws.nextDouble();
    }
  }

  boolean resetConnections() {
    return resetConnections;
  }

  void resetConnections(boolean reset) {
    this.resetConnections = reset;
  }

  boolean healthy() {
    return healthy;
  }

  void healthy(boolean healthy) {
    this.healthy = healthy;
  }

  boolean hanging() {
    return hang;
  }

  /** Starts hanging new requests, or lets every hung one go on. */
  void hang(boolean hang) {
    this.hang = hang;
    if (hang) {
      rearm();
    } else {
      hangGate.countDown();
    }
  }

  /** Waits while hanging, until it is turned off or the server stops ({@code running} false). */
  void awaitUnhang(BooleanSupplier running) {
    try {
      while (hang && running.getAsBoolean()) {
        hangGate.await(100, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Lets every hung request go: the server was killed or closed. */
  void releaseHung() {
    hangGate.countDown();
  }

  /** After a release: new requests hang again while hanging is on. */
  void rearm() {
    if (hangGate.getCount() == 0 && hang) {
      hangGate = new CountDownLatch(1);
    }
  }
}
