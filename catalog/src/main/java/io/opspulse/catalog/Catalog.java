package io.opspulse.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole contract: every metric by name, every threshold by key. */
public final class Catalog {
  /**
   * Labels Prometheus attaches to every scraped series, whatever the metric declares: rules and
   * dashboards may match and group by these on any catalog metric (catalog.json's "targetLabels").
   */
  public static final List<String> TARGET_LABELS = List.of("job", "instance");

  private static final Map<String, MetricDefinition> METRICS;
  private static final Map<String, Threshold> THRESHOLDS;

  static {
    Map<String, MetricDefinition> metrics = new LinkedHashMap<>();
    List<MetricDefinition> all = new ArrayList<>();
    all.addAll(DockerMetrics.ALL);
    all.addAll(GpuMetrics.ALL);
    all.addAll(JvmMetrics.ALL);
    all.addAll(ProfilerMetrics.ALL);
    all.addAll(ExternalMetrics.ALL);
    for (MetricDefinition m : all) {
      if (metrics.putIfAbsent(m.name(), m) != null) {
        throw new IllegalStateException("metric declared twice: " + m.name());
      }
    }
    METRICS = Collections.unmodifiableMap(metrics);
    Map<String, Threshold> thresholds = new LinkedHashMap<>();
    for (Threshold t : Thresholds.ALL) {
      if (thresholds.putIfAbsent(t.key(), t) != null) {
        throw new IllegalStateException("threshold declared twice: " + t.key());
      }
    }
    THRESHOLDS = Collections.unmodifiableMap(thresholds);
  }

  private Catalog() {}

  public static List<MetricDefinition> metrics() {
    return List.copyOf(METRICS.values());
  }

  public static List<Threshold> thresholds() {
    return List.copyOf(THRESHOLDS.values());
  }

  /**
   * The metric a PromQL series name belongs to: the family name itself, or a histogram's {@code
   * _bucket}, {@code _sum} or {@code _count} series.
   */
  public static Optional<MetricDefinition> bySeriesName(String series) {
    MetricDefinition direct = METRICS.get(series);
    if (direct != null) {
      return Optional.of(direct);
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (series.endsWith(suffix)) {
        MetricDefinition m = METRICS.get(series.substring(0, series.length() - suffix.length()));
        if (m != null && m.type() == MetricType.HISTOGRAM) {
          return Optional.of(m);
        }
      }
    }
    return Optional.empty();
  }

  public static Optional<Threshold> threshold(String key) {
    return Optional.ofNullable(THRESHOLDS.get(key));
  }
}
