package io.opspulse.catalog;

import static io.opspulse.catalog.MetricDefinition.counter;
import static io.opspulse.catalog.MetricDefinition.gauge;

import java.util.List;

/**
 * Metrics rules and dashboards use that other software exposes; listed so every name they use is
 * checked.
 */
public final class ExternalMetrics {
  private ExternalMetrics() {}

  /** Prometheus' own per-target health series. */
  public static final MetricDefinition UP =
      gauge("up")
          .labels("job", "instance")
          .help("Prometheus: 1 when the last scrape of the target succeeded.")
          .build(Source.EXTERNAL);

  public static final MetricDefinition ALERTS =
      gauge("ALERTS")
          .labels("alertname", "alertstate", "severity")
          .help("Prometheus: one series per pending or firing alert.")
          .build(Source.EXTERNAL);
  public static final MetricDefinition NODE_CPU =
      counter("node_cpu_seconds_total")
          .unit(Unit.SECONDS)
          .labels("cpu", "mode")
          .help("node_exporter: CPU time by mode.")
          .build(Source.EXTERNAL);
  public static final MetricDefinition NODE_MEMORY_TOTAL =
      gauge("node_memory_MemTotal_bytes")
          .unit(Unit.BYTES)
          .help("node_exporter: total memory.")
          .build(Source.EXTERNAL);
  public static final MetricDefinition NODE_MEMORY_AVAILABLE =
      gauge("node_memory_MemAvailable_bytes")
          .unit(Unit.BYTES)
          .help("node_exporter: memory available to new work.")
          .build(Source.EXTERNAL);

  public static final MetricDefinition NODE_LOAD5 =
      gauge("node_load5")
          .help("node_exporter: 5-minute load average (runnable and uninterruptible tasks).")
          .build(Source.EXTERNAL);

  /** node_exporter's processes collector, off by default: {@code --collector.processes}. */
  public static final MetricDefinition NODE_PROCESSES_STATE =
      gauge("node_processes_state")
          .labels("state")
          .help("node_exporter (--collector.processes): processes by state (R, S, D, Z, ...).")
          .build(Source.EXTERNAL);

  /** Pressure stall information: only on kernels with PSI (4.20+, not disabled with psi=0). */
  public static final MetricDefinition NODE_PRESSURE_CPU_WAITING =
      counter("node_pressure_cpu_waiting_seconds_total")
          .unit(Unit.SECONDS)
          .help("node_exporter: time some runnable tasks waited for a CPU (PSI some).")
          .build(Source.EXTERNAL);

  public static final MetricDefinition NODE_PRESSURE_MEMORY_WAITING =
      counter("node_pressure_memory_waiting_seconds_total")
          .unit(Unit.SECONDS)
          .help("node_exporter: time some tasks stalled on memory (PSI some).")
          .build(Source.EXTERNAL);
  public static final MetricDefinition NODE_PRESSURE_IO_WAITING =
      counter("node_pressure_io_waiting_seconds_total")
          .unit(Unit.SECONDS)
          .help("node_exporter: time some tasks stalled on I/O (PSI some).")
          .build(Source.EXTERNAL);

  public static final List<MetricDefinition> ALL =
      List.of(
          UP,
          ALERTS,
          NODE_CPU,
          NODE_MEMORY_TOTAL,
          NODE_MEMORY_AVAILABLE,
          NODE_LOAD5,
          NODE_PROCESSES_STATE,
          NODE_PRESSURE_CPU_WAITING,
          NODE_PRESSURE_MEMORY_WAITING,
          NODE_PRESSURE_IO_WAITING);
}
