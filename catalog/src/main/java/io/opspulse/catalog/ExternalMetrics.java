package io.opspulse.catalog;

import static io.opspulse.catalog.MetricDefinition.gauge;
import static io.opspulse.catalog.MetricDefinition.counter;

import java.util.List;

/** Metrics rules and dashboards use that other software exposes; listed so every name they use is checked. */
public final class ExternalMetrics {
  private ExternalMetrics() {}

  /** Prometheus' own per-target health series. */
  public static final MetricDefinition UP = gauge("up").labels("job", "instance")
      .help("Prometheus: 1 when the last scrape of the target succeeded.").build(Source.EXTERNAL);
  public static final MetricDefinition ALERTS = gauge("ALERTS").labels("alertname", "alertstate", "severity")
      .help("Prometheus: one series per pending or firing alert.").build(Source.EXTERNAL);
  public static final MetricDefinition NODE_CPU = counter("node_cpu_seconds_total").unit(Unit.SECONDS)
      .labels("cpu", "mode").help("node_exporter: CPU time by mode.").build(Source.EXTERNAL);
  public static final MetricDefinition NODE_MEMORY_TOTAL = gauge("node_memory_MemTotal_bytes").unit(Unit.BYTES)
      .help("node_exporter: total memory.").build(Source.EXTERNAL);
  public static final MetricDefinition NODE_MEMORY_AVAILABLE = gauge("node_memory_MemAvailable_bytes")
      .unit(Unit.BYTES).help("node_exporter: memory available to new work.").build(Source.EXTERNAL);

  public static final List<MetricDefinition> ALL =
      List.of(UP, ALERTS, NODE_CPU, NODE_MEMORY_TOTAL, NODE_MEMORY_AVAILABLE);
}
