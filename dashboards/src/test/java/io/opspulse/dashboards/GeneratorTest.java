package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator refuses a catalog or a rule file that lacks what the dashboards use, naming the
 * file and the name.
 */
class GeneratorTest {
  @TempDir Path dir;

  @Test
  void writesTheFiveDashboardsFromTheRealCatalogAndRules() {
    CommandResult r = Dashboards.generate(Dashboards.catalogJson(), dir.resolve("out"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(
            Dashboards.jsonFiles(dir.resolve("out")).stream().map(p -> p.getFileName().toString()))
        .containsExactlyElementsOf(Dashboards.FILES);
  }

  @Test
  void aRenamedMetricFailsTheGeneration() throws IOException {
    Path catalog =
        catalogWith(
            "\"name\": \"docker_container_restarts_total\"",
            "\"name\": \"docker_container_restarts_count_total\"");
    CommandResult r = Dashboards.generate(catalog, dir.resolve("out"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr())
        .contains(catalog.toString())
        .contains("'docker_container_restarts_total'");
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

  @Test
  void aRecordingRuleThePanelsQueryMissingFailsTheGeneration() throws IOException {
    Path rules =
        rulesWith(
            "- record: instance:docker_container_health:ratio",
            "- record: instance:docker_container_health:ratio_gone");
    CommandResult r = Dashboards.generate(Dashboards.catalogJson(), rules, dir.resolve("out"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr())
        .contains(rules.toString())
        .contains("recording rule 'instance:docker_container_health:ratio'");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void anAlertAPanelLinksToMissingFailsTheGeneration() throws IOException {
    Path rules = rulesWith("- alert: OpspulseJvmGcTimeHigh", "- alert: OpspulseJvmGcPausesHigh");
    CommandResult r = Dashboards.generate(Dashboards.catalogJson(), rules, dir.resolve("out"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains(rules.toString()).contains("alert 'OpspulseJvmGcTimeHigh'");
  }

  @Test
  void runbookLinksFollowTheRulesRunbookUrl() throws IOException {
    String base = "https://github.com/opspulse/opspulse/blob/main/docs/runbooks.md#";
    String text = Files.readString(Dashboards.rulesYaml());
    assertThat(text).as("the fixture edits the real rules").contains("runbook_url: " + base);
    Path rules = dir.resolve("rules.yml");
    Files.writeString(
        rules,
        text.replace("runbook_url: " + base, "runbook_url: https://wiki.example.com/oncall/"));
    CommandResult r = Dashboards.generate(Dashboards.catalogJson(), rules, dir.resolve("out"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String jvm = Files.readString(dir.resolve("out/opspulse-jvm.json"));
    assertThat(jvm)
        .contains("\"url\": \"https://wiki.example.com/oncall/opspulsejvmgctimehigh\"")
        .doesNotContain(base);
  }

  @Test
  void forProvisioningTheDataSourceUidReplacesTheImportInput() throws IOException {
    CommandResult r =
        Commands.run(
            List.of(
                "node",
                Dashboards.generator().toString(),
                "--catalog",
                Dashboards.catalogJson().toString(),
                "--rules",
                Dashboards.rulesYaml().toString(),
                "--out",
                dir.resolve("out").toString(),
                "--datasource-uid",
                "prometheus"),
            Map.of(),
            null,
            Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    for (Path file : Dashboards.jsonFiles(dir.resolve("out"))) {
      String text = Files.readString(file);
      assertThat(text)
          .as(file.toString())
          .doesNotContain("__inputs")
          .doesNotContain("DS_PROMETHEUS");
      assertThat(
              Dashboards.read(file)
                  .path("templating")
                  .path("list")
                  .get(0)
                  .path("current")
                  .path("value")
                  .asText())
          .isEqualTo("prometheus");
    }
    CommandResult bad =
        Commands.run(
            List.of(
                "node",
                Dashboards.generator().toString(),
                "--catalog",
                Dashboards.catalogJson().toString(),
                "--rules",
                Dashboards.rulesYaml().toString(),
                "--out",
                dir.resolve("bad").toString(),
                "--datasource-uid",
                "my prometheus"),
            Map.of(),
            null,
            Duration.ofSeconds(60));
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.stderr()).contains("--datasource-uid 'my prometheus' is not a Grafana uid");
  }

  private Path rulesWith(String from, String to) throws IOException {
    String text = Files.readString(Dashboards.rulesYaml());
    assertThat(text).as("the fixture edits the real rules").contains(from);
    Path copy = dir.resolve("rules.yml");
    Files.writeString(copy, text.replace(from, to));
    return copy;
  }

  private Path catalogWith(String from, String to) throws IOException {
    String text = Files.readString(Dashboards.catalogJson());
    assertThat(text).as("the fixture edits the real catalog").contains(from);
    Path copy = dir.resolve("catalog.json");
    Files.writeString(copy, text.replace(from, to));
    return copy;
  }
}
