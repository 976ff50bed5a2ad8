package io.opspulse.catalog;

/** How a metric behaves, in Prometheus' terms. */
public enum MetricType {
  GAUGE,
  COUNTER,
  HISTOGRAM;

  public String prometheusName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
