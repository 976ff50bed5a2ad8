package io.opspulse.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CatalogTest {

  @Test
  void everyMetricHasAUniqueName() {
    assertThat(Catalog.metrics()).extracting(MetricDefinition::name).doesNotHaveDuplicates();
  }

  @Test
  void histogramSeriesResolveToTheirFamily() {
    assertThat(Catalog.bySeriesName("http_server_request_duration_seconds_bucket"))
        .contains(JvmMetrics.HTTP_SERVER_DURATION);
    assertThat(Catalog.bySeriesName("docker_container_restarts_total"))
        .contains(DockerMetrics.CONTAINER_RESTARTS);
    assertThat(Catalog.bySeriesName("docker_up_bucket")).isEmpty();
    assertThat(Catalog.bySeriesName("no_such_metric")).isEmpty();
  }

  @Test
  void countersAreRegisteredWithoutTheirTotalSuffix() {
    assertThat(DockerMetrics.CONTAINER_RESTARTS.baseName()).isEqualTo("docker_container_restarts");
    assertThat(DockerMetrics.UP.baseName()).isEqualTo("docker_up");
  }

  @Test
  void namesMustCarryTheirUnitAndCounterSuffix() {
    assertThatThrownBy(
            () ->
                MetricDefinition.gauge("memory").unit(Unit.BYTES).help("x").build(Source.EXPORTER))
        .hasMessageContaining("_bytes");
    assertThatThrownBy(() -> MetricDefinition.counter("restarts").help("x").build(Source.EXPORTER))
        .hasMessageContaining("_total");
    assertThatThrownBy(() -> MetricDefinition.gauge("up_total").help("x").build(Source.EXPORTER))
        .hasMessageContaining("only counters");
    assertThatThrownBy(
            () -> MetricDefinition.gauge("ok").labels("bad-label").help("x").build(Source.EXPORTER))
        .hasMessageContaining("bad-label");
  }

  @Test
  void thresholdsRejectBadDurationsAndKeys() {
    assertThatThrownBy(() -> new Threshold("x", 1, Unit.NONE, "5 minutes", "m"))
        .hasMessageContaining("duration");
    assertThatThrownBy(() -> new Threshold("BadKey", 1, Unit.NONE, "5m", "m"))
        .hasMessageContaining("snake_case");
    assertThat(Catalog.threshold("http_p95")).map(Threshold::value).contains(0.2);
  }

  @Test
  void perContainerMetricsAllCarryTheIdentityLabels() {
    for (MetricDefinition m : DockerMetrics.ALL) {
      if (m.name().startsWith("docker_container_")) {
        assertThat(m.labels()).as(m.name()).containsAll(DockerMetrics.CONTAINER_LABELS);
      }
    }
  }

  @Test
  void theJsonCarriesTheTargetLabelsForTheDashboards() {
    assertThat(CatalogJson.render()).contains("\"targetLabels\": [\"job\", \"instance\"]");
  }

  /**
   * The committed catalog.json is what the dashboards build reads; it must match the Java source.
   */
  @Test
  void committedJsonMatchesAFreshRendering() throws Exception {
    Path committed = Path.of("catalog.json");
    assertThat(committed).as("catalog/catalog.json is committed").exists();
    assertThat(Files.readString(committed, StandardCharsets.UTF_8))
        .as("catalog.json is stale: run `mvn -pl catalog -q exec:java` or see README")
        .isEqualTo(CatalogJson.render());
  }

  /** The README is the front door: its metric tables must be exactly what the catalog declares. */
  @Test
  void readmeDocumentsEveryMetricAndThreshold() throws Exception {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    assertThat(readme)
        .as("README.md's catalog section is stale: run `mvn -pl catalog compile exec:java`")
        .isEqualTo(CatalogMarkdown.update(readme));
    for (MetricDefinition m : Catalog.metrics()) {
      assertThat(readme).contains("`" + m.name() + "`");
    }
  }
}
