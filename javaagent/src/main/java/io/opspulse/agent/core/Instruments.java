package io.opspulse.agent.core;

import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.Unit;
import java.util.List;

/**
 * Builds OpenTelemetry instruments from catalog definitions, so the instrument name, unit and help
 * the agent registers are the ones the catalog declares (the Prometheus name follows from them).
 */
final class Instruments {
  /** Resolves from 100 µs: a loopback request to a hello handler is well under a millisecond. */
  static final List<Double> LATENCY_BUCKETS = List.of(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
  static final List<Long> COUNT_BUCKETS = List.of(1L, 2L, 3L, 5L, 10L, 20L, 50L, 100L, 200L, 500L, 1000L);

  private Instruments() {}

  /** The UCUM unit; none for plain counts, which would otherwise read as a ratio ("1"). */
  static String unit(MetricDefinition def) {
    return def.unit() == Unit.NONE ? "" : def.unit().ucum();
  }

  static DoubleHistogram latency(Meter meter, MetricDefinition def) {
    return meter.histogramBuilder(def.otelName()).setUnit(unit(def)).setDescription(def.help())
        .setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS).build();
  }

  static LongHistogram counts(Meter meter, MetricDefinition def) {
    return meter.histogramBuilder(def.otelName()).setUnit(unit(def)).setDescription(def.help()).ofLongs()
        .setExplicitBucketBoundariesAdvice(COUNT_BUCKETS).build();
  }
}
