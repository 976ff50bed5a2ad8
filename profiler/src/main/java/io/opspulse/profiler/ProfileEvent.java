package io.opspulse.profiler;

import java.util.Locale;

/** What a profile counts: where CPU time, allocated bytes or lock waiting went. */
public enum ProfileEvent {
  /**
   * CPU samples: {@code jdk.ExecutionSample}, or {@code jdk.CPUTimeSample} where the JVM has it.
   */
  CPU("cpu", "samples"),
  /**
   * Allocation samples ({@code jdk.ObjectAllocationSample}), weighted by the bytes each stands for.
   */
  ALLOC("alloc", "bytes"),
  /**
   * Lock contention: {@code jdk.JavaMonitorEnter} and {@code jdk.ThreadPark} on a lock, weighted by
   * the nanoseconds waited.
   */
  LOCK("lock", "nanoseconds");

  private final String key;
  private final String unit;

  ProfileEvent(String key, String unit) {
    this.key = key;
    this.unit = unit;
  }

  /** The name URLs, settings and the {@code event} metric label use: cpu, alloc or lock. */
  public String key() {
    return key;
  }

  /** What one unit of a stack's weight is: samples, bytes or nanoseconds. */
  public String unit() {
    return unit;
  }

  /**
   * The event named {@code key} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ProfileEvent parse(String key) {
    String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
    for (ProfileEvent e : values()) {
      if (e.key.equals(k)) {
        return e;
      }
    }
    throw new IllegalArgumentException("event: must be one of cpu, alloc, lock; got '" + key + "'");
  }
}
