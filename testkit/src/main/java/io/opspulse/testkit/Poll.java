package io.opspulse.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded waiting for a condition that real components reach asynchronously. */
public final class Poll {
  private Poll() {}

  /**
   * Calls {@code probe} until it returns a non-null value or {@code timeout} passes; returns the
   * value or throws an AssertionError naming {@code what}, with the last exception the probe threw.
   */
  public static <T> T until(String what, Duration timeout, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (true) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (RuntimeException | AssertionError e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError error =
            new AssertionError("timed out after " + timeout + " waiting for " + what);
        if (last != null) {
          error.initCause(last);
        }
        throw error;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  /** {@link #until} for a boolean condition. */
  public static void untilTrue(String what, Duration timeout, Supplier<Boolean> condition) {
    until(what, timeout, () -> condition.get() ? Boolean.TRUE : null);
  }
}
