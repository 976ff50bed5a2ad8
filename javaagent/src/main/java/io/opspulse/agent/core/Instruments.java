package io.opspulse.agent.core;

import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.Unit;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds OpenTelemetry instruments from catalog definitions, so the instrument name, unit and help
 * the agent registers are the ones the catalog declares (the Prometheus name follows from them).
 */
final class Instruments {
  /**
   * Resolves from 100 µs (a loopback request to a hello handler is well under a millisecond) and
   * holds every boundary the semantic conventions advise for the HTTP and database durations, so a
   * query written for an OpenTelemetry-instrumented service ({@code le="0.075"}) finds its bucket
   * here too.
   */
  static final List<Double> LATENCY_BUCKETS =
      List.of(
          0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5,
          0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  /** Advised for {@code http.server.request.duration} and {@code http.client.request.duration}. */
  static final List<Double> SEMCONV_HTTP_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  /** Advised for {@code db.client.operation.duration}. */
  static final List<Double> SEMCONV_DB_BUCKETS =
      List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);

  static final List<Long> COUNT_BUCKETS =
      List.of(1L, 2L, 3L, 5L, 10L, 20L, 50L, 100L, 200L, 500L, 1000L);

  private Instruments() {}

  /** The UCUM unit; none for plain counts, which would otherwise read as a ratio ("1"). */
  static String unit(MetricDefinition def) {
    return def.unit() == Unit.NONE ? "" : def.unit().ucum();
  }

  static DoubleHistogram latency(Meter meter, MetricDefinition def) {
    return latency(meter, def, AgentConfig.Buckets.DEFAULT);
  }

  static DoubleHistogram latency(Meter meter, MetricDefinition def, AgentConfig.Buckets buckets) {
    return meter
        .histogramBuilder(def.otelName())
        .setUnit(unit(def))
        .setDescription(def.help())
        .setExplicitBucketBoundariesAdvice(latencyBuckets(def.otelName(), buckets))
        .build();
  }

  /**
   * The boundaries for one latency metric: with {@code semconv}, the advised ones where the
   * conventions advise any (connection wait time has none, and keeps the default list).
   */
  static List<Double> latencyBuckets(@Nullable String otelName, AgentConfig.Buckets buckets) {
    if (buckets == AgentConfig.Buckets.SEMCONV) {
      switch (Objects.requireNonNull(otelName, "an advised latency metric has an OTel name")) {
        case "http.server.request.duration", "http.client.request.duration" -> {
          return SEMCONV_HTTP_BUCKETS;
        }
        case "db.client.operation.duration" -> {
          return SEMCONV_DB_BUCKETS;
        }
        default -> {
          return LATENCY_BUCKETS;
        }
      }
    }
    return LATENCY_BUCKETS;
  }

  static LongHistogram counts(Meter meter, MetricDefinition def) {
    return meter
        .histogramBuilder(def.otelName())
        .setUnit(unit(def))
        .setDescription(def.help())
        .ofLongs()
        .setExplicitBucketBoundariesAdvice(COUNT_BUCKETS)
        .build();
  }
}
