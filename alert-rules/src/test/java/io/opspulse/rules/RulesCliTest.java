package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class RulesCliTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void rendersRulesWithOverridesToTheChosenPath() throws Exception {
    Path overrides =
        Files.writeString(
            dir.resolve("o.yml"),
            """
        selector: 'job="docker-prod"'
        thresholds:
          restarts_per_hour: 6
        """);
    Path output = dir.resolve("out/rules.yml");
    int code = run("--overrides", overrides.toString(), "-o", output.toString());
    assertThat(code).as(err.toString()).isZero();
    String text = Files.readString(output);
    assertThat(text)
        .contains("increase(docker_container_restarts_total{job=\"docker-prod\"}[1h]) > 6");
    assertThat(Promtool.checkRules(output)).contains("SUCCESS");
  }

  @Test
  @SuppressWarnings("unchecked")
  void rendersAPrometheusRuleWithNameNamespaceAndLabels() throws Exception {
    Path output = dir.resolve("rule.yaml");
    int code =
        run(
            "--format",
            "prometheusrule",
            "--name",
            "fleet-rules",
            "--namespace",
            "monitoring",
            "--label",
            "release=prometheus",
            "-o",
            output.toString());
    assertThat(code).as(err.toString()).isZero();
    Map<String, Object> doc = new Yaml().load(Files.readString(output));
    Map<String, Object> metadata = (Map<String, Object>) doc.get("metadata");
    assertThat(metadata)
        .containsEntry("name", "fleet-rules")
        .containsEntry("namespace", "monitoring");
    assertThat((Map<String, String>) metadata.get("labels"))
        .containsEntry("release", "prometheus")
        .containsEntry("app.kubernetes.io/name", "opspulse");
  }

  @Test
  void aBadOverridesFileExitsTwoWithFileLineAndKey() throws Exception {
    Path overrides =
        Files.writeString(
            dir.resolve("bad.yml"), "thresholds:\n  restarts_per_hour: 5\n  nope: 1\n");
    Path output = dir.resolve("rules.yml");
    int code = run("-f", overrides.toString(), "-o", output.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains(overrides + ":3: thresholds.nope: unknown threshold");
    assertThat(output).doesNotExist();
  }

  @Test
  void runbookUrlPatternSetsEveryLinkAndABadOneExitsTwo() throws Exception {
    Path output = dir.resolve("rules.yml");
    assertThat(run("--runbook-url", "https://wiki.example.com/rb/{alert}", "-o", output.toString()))
        .isZero();
    assertThat(Files.readString(output))
        .contains("runbook_url: https://wiki.example.com/rb/OpspulseContainerCrashLooping")
        .doesNotContain("github.com/opspulse");
    assertThat(run("--runbook-url", "https://wiki.example.com/rb", "-o", output.toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--runbook-url")
        .contains("names neither {anchor} nor {alert}");
  }

  @Test
  void aMissingOutputIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("--output");
  }

  @Test
  void anUnwritableOutputExitsOne() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThat(run("-o", file.resolve("rules.yml").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("opspulse-rules:");
  }

  private int run(String... args) {
    return RulesCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }
}
