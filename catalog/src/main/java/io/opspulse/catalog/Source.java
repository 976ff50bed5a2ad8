package io.opspulse.catalog;

/** Which part of the pack exposes a metric, so a test can tell which target must have it. */
public enum Source {
  /** The Docker host exporter: engine, containers, compose services, itself. */
  EXPORTER,
  /** NVML readings published by the exporter's GPU collector. */
  GPU,
  /** The Java agent inside a JVM service. */
  AGENT,
  /**
   * Not ours: named by rules or dashboards and documented as external (node_exporter, Prometheus).
   */
  EXTERNAL
}
