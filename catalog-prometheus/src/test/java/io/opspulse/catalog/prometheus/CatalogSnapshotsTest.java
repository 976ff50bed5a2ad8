package io.opspulse.catalog.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.MetricType;
import io.opspulse.catalog.Source;
import io.opspulse.catalog.Unit;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogSnapshotsTest {
  private static final MetricDefinition RESTARTS =
      new MetricDefinition(
          "app_restarts_total",
          MetricType.COUNTER,
          Unit.NONE,
          "Restarts.",
          List.of("id", "reason"),
          Source.EXPORTER,
          null);
  private static final MetricDefinition MEMORY =
      new MetricDefinition(
          "app_memory_bytes",
          MetricType.GAUGE,
          Unit.BYTES,
          "Memory in use.",
          List.of("id"),
          Source.EXPORTER,
          null);
  private static final MetricDefinition LATENCY =
      new MetricDefinition(
          "app_latency_seconds",
          MetricType.HISTOGRAM,
          Unit.SECONDS,
          "Latency.",
          List.of("route"),
          Source.AGENT,
          null);
  private static final MetricDefinition UP =
      new MetricDefinition(
          "app_up", MetricType.GAUGE, Unit.NONE, "Up.", List.of(), Source.EXPORTER, null);

  @Test
  void everyCatalogTypeIsWrittenAsItsOwnPrometheusType() throws IOException {
    CatalogSnapshots s = new CatalogSnapshots();
    s.family(UP).add(1);
    s.family(MEMORY).add(2048, "b").add(1024, "a");
    Labels id = Labels.of("id", "a");
    s.family(RESTARTS).add(3, id, "error");
    s.family(LATENCY)
        .addHistogram(
            ClassicHistogramBuckets.of(
                new double[] {0.1, 1, Double.POSITIVE_INFINITY}, new long[] {2, 1, 1}),
            2.5,
            "/x");

    // client_java's MetricSnapshots orders families by name, whatever order they were written in.
    assertThat(text(s.build()))
        .isEqualTo(
            """
        # HELP app_latency_seconds Latency.
        # TYPE app_latency_seconds histogram
        app_latency_seconds_bucket{route="/x",le="0.1"} 2
        app_latency_seconds_bucket{route="/x",le="1.0"} 3
        app_latency_seconds_bucket{route="/x",le="+Inf"} 4
        app_latency_seconds_count{route="/x"} 4
        app_latency_seconds_sum{route="/x"} 2.5
        # HELP app_memory_bytes Memory in use.
        # TYPE app_memory_bytes gauge
        app_memory_bytes{id="a"} 1024.0
        app_memory_bytes{id="b"} 2048.0
        # HELP app_restarts_total Restarts.
        # TYPE app_restarts_total counter
        app_restarts_total{id="a",reason="error"} 3.0
        # HELP app_up Up.
        # TYPE app_up gauge
        app_up 1.0
        """);
  }

  @Test
  void openMetricsCarriesTheCatalogUnit() throws IOException {
    CatalogSnapshots s = new CatalogSnapshots();
    s.family(MEMORY).add(1, "a");
    s.family(RESTARTS).add(2, "a", "oom");

    assertThat(openMetrics(s.build()))
        .isEqualTo(
            """
        # TYPE app_memory_bytes gauge
        # UNIT app_memory_bytes bytes
        # HELP app_memory_bytes Memory in use.
        app_memory_bytes{id="a"} 1.0
        # TYPE app_restarts counter
        # HELP app_restarts Restarts.
        app_restarts_total{id="a",reason="oom"} 2.0
        # EOF
        """);
  }

  @Test
  void familiesWithoutPointsAreLeftOutAndTheOthersKeepTheirFirstUseOrder() {
    CatalogSnapshots s = new CatalogSnapshots();
    s.family(MEMORY);
    s.family(UP).add(0);
    s.family(RESTARTS).add(1, "a", "error");
    s.family(UP);

    assertThat(s.toList())
        .extracting(m -> m.getMetadata().getPrometheusName())
        .containsExactly("app_up", "app_restarts");
  }

  @Test
  void aFamilyWithTheSamePointsKeepsTheSnapshotObjectOfThePreviousScrape() {
    Labels a = Labels.of("id", "a");
    CatalogSnapshots first = new CatalogSnapshots();
    first.family(MEMORY).add(1, a);
    first.family(RESTARTS).add(1, a, "error");
    MetricSnapshots before = first.build();

    CatalogSnapshots second = new CatalogSnapshots();
    second.family(MEMORY).add(1, Labels.of("id", "a")); // equal labels, another object
    second.family(RESTARTS).add(2, a, "error");
    MetricSnapshots after = second.buildReusing(first);

    assertThat(after.get(0)).as("app_memory_bytes: same points").isSameAs(before.get(0));
    assertThat(after.get(1)).as("app_restarts_total: a new value").isNotSameAs(before.get(1));
    assertThat(after.get(1).getDataPoints())
        .singleElement()
        .satisfies(
            p ->
                assertThat(
                        ((io.prometheus.metrics.model.snapshots.CounterSnapshot
                                    .CounterDataPointSnapshot)
                                p)
                            .getValue())
                    .isEqualTo(2.0));
  }

  @Test
  void labelsTheCatalogDoesNotDeclareAreRefused() {
    CatalogSnapshots s = new CatalogSnapshots();
    assertThatThrownBy(() -> s.family(MEMORY).add(1))
        .hasMessageContaining("app_memory_bytes takes the labels [id]");
    assertThatThrownBy(() -> s.family(RESTARTS).add(1, Labels.of("name", "x"), "error"))
        .hasMessageContaining("app_restarts_total takes the labels [id, reason]");
    assertThatThrownBy(() -> s.family(MEMORY).addWithExtraLabels(1, Labels.of("label_team", "x")))
        .hasMessageContaining("takes the labels [id]");
    assertThat(
            s.family(MEMORY)
                .addWithExtraLabels(1, Labels.of("id", "a", "label_team", "x"))
                .isEmpty())
        .isFalse();
  }

  @Test
  void aPointOfTheWrongKindIsABug() {
    CatalogSnapshots s = new CatalogSnapshots();
    assertThatThrownBy(() -> s.family(LATENCY).add(1, "/x")).hasMessageContaining("is a histogram");
    ClassicHistogramBuckets buckets =
        ClassicHistogramBuckets.of(new double[] {Double.POSITIVE_INFINITY}, new long[] {1});
    assertThatThrownBy(() -> s.family(MEMORY).addHistogram(buckets, 1, "a"))
        .hasMessageContaining("app_memory_bytes is a gauge, not a histogram");
  }

  private static String text(MetricSnapshots snapshots) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, snapshots);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String openMetrics(MetricSnapshots snapshots) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OpenMetricsTextFormatWriter.create().write(out, snapshots);
    return out.toString(StandardCharsets.UTF_8);
  }
}
