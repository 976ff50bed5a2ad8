package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.Catalog;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.Source;
import io.opspulse.testkit.exposition.Exposition;
import org.junit.jupiter.api.Test;

class FleetMetricsTest {

  @Test
  void everyExporterMetricOfTheCatalogIsWrittenByExactlyOneBinding() {
    assertThat(FleetMetrics.ALL)
        .extracting(FleetMetrics.Binding::metric)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            Catalog.metrics().stream().filter(m -> m.source() == Source.EXPORTER).toList());
  }

  @Test
  void theGoldenFleetShowsEveryExporterMetric() throws Exception {
    Exposition text =
        Exposition.parse(
            FleetExpositionGoldenTest.render(
                io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()));
    for (MetricDefinition m : Catalog.metrics()) {
      if (m.source() == Source.EXPORTER) {
        assertThat(text.samples(m.name())).as("%s in the golden fleet", m.name()).isNotEmpty();
      }
    }
  }
}
