package io.opspulse.catalog;

import java.util.List;

/** What the agent's continuous profiler publishes: small enough for Prometheus. */
public final class ProfilerMetrics {
  private ProfilerMetrics() {}

  public static final List<MetricDefinition> ALL = List.of();
}
