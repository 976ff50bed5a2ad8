package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator refuses a catalog that lacks what the dashboards use, naming the file and the name. */
class GeneratorTest {
  @TempDir Path dir;

  @Test
  void writesTheFourDashboardsFromTheRealCatalog() {
    CommandResult r = Dashboards.generate(Dashboards.catalogJson(), dir.resolve("out"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(Dashboards.jsonFiles(dir.resolve("out")).stream().map(p -> p.getFileName().toString()))
        .containsExactlyElementsOf(Dashboards.FILES);
  }

  @Test
  void aRenamedMetricFailsTheGeneration() throws IOException {
    Path catalog = catalogWith("\"name\": \"docker_container_restarts_total\"", "\"name\": \"docker_container_restarts_count_total\"");
    CommandResult r = Dashboards.generate(catalog, dir.resolve("out"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains(catalog.toString()).contains("'docker_container_restarts_total'");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void aMissingThresholdFailsTheGeneration() throws IOException {
    Path catalog = catalogWith("\"http_p95\":", "\"http_p95_latency\":");
    CommandResult r = Dashboards.generate(catalog, dir.resolve("out"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains(catalog.toString()).contains("threshold 'http_p95'");
  }

  @Test
  void aLabelTheMetricDoesNotCarryFailsTheGeneration() throws IOException {
    Path catalog = catalogWith("\"labels\": [\"state\", \"origin\"]", "\"labels\": [\"state\"]");
    CommandResult r = Dashboards.generate(catalog, dir.resolve("out"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("label 'origin' on 'docker_containers'");
  }

  @Test
  void anUnreadableCatalogIsNamed() {
    Path missing = dir.resolve("no-such-catalog.json");
    CommandResult r = Dashboards.generate(missing, dir.resolve("out"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains(missing.toString()).contains("cannot read the catalog");
  }

  private Path catalogWith(String from, String to) throws IOException {
    String text = Files.readString(Dashboards.catalogJson());
    assertThat(text).as("the fixture edits the real catalog").contains(from);
    Path copy = dir.resolve("catalog.json");
    Files.writeString(copy, text.replace(from, to));
    return copy;
  }
}
