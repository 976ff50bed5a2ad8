package io.opspulse.profiler;

import java.time.Duration;
import java.util.Set;

/** The builder's settings, checked once. */
record ProfilerSettings(
    Set<ProfileEvent> events,
    Duration period,
    boolean cpuTimeSampling,
    int allocationSamplesPerSecond,
    Duration lockThreshold,
    Duration window,
    Duration resolution,
    int maxStacks,
    int maxDepth,
    Duration startTimeout) {

  ProfilerSettings {
    events = Set.copyOf(events);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("events: name at least one of cpu, alloc, lock");
    }
    require(
        period.toMillis() >= 1 && period.compareTo(Duration.ofSeconds(10)) <= 0,
        "period: must be from 1 ms to 10 s, got " + period);
    require(
        allocationSamplesPerSecond >= 1 && allocationSamplesPerSecond <= 10_000,
        "allocationSamplesPerSecond: must be from 1 to 10000, got " + allocationSamplesPerSecond);
    require(
        !lockThreshold.isNegative(), "lockThreshold: must not be negative, got " + lockThreshold);
    require(resolution.toMillis() >= 100, "resolution: must be at least 100 ms, got " + resolution);
    require(
        window.compareTo(resolution) >= 0
            && window.toMillis() % resolution.toMillis() == 0
            && window.toMillis() / resolution.toMillis() <= 3600,
        "window: must be 1 to 3600 whole resolutions (" + resolution + "), got " + window);
    require(
        maxStacks >= 16 && maxStacks <= 1_000_000,
        "maxStacks: must be from 16 to 1000000, got " + maxStacks);
    require(maxDepth >= 4 && maxDepth <= 2048, "maxDepth: must be from 4 to 2048, got " + maxDepth);
    require(startTimeout.toMillis() >= 1, "startTimeout: must be positive, got " + startTimeout);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
