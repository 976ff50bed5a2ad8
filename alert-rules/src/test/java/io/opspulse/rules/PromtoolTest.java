package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Both outputs pass promtool's lint, and every alert meets its promtool specification. */
class PromtoolTest {
  private static final Path SPECS = Path.of("src/test/promtool");

  @Test
  void plainRulesFileIsLintClean() throws Exception {
    String out = Promtool.checkRules(Path.of(RuleFiles.PROMETHEUS_RULES));
    assertThat(out).contains("SUCCESS: " + ruleCount() + " rules found");
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusRuleSpecIsLintCleanAndHoldsTheSameGroups(@TempDir Path tmp) throws Exception {
    Map<String, Object> resource =
        new Yaml().load(Files.readString(Path.of(RuleFiles.PROMETHEUS_RULE)));
    assertThat(resource)
        .containsEntry("apiVersion", "monitoring.coreos.com/v1")
        .containsEntry("kind", "PrometheusRule");
    assertThat((Map<String, Object>) resource.get("metadata"))
        .containsEntry("name", "opspulse-rules");
    Map<String, Object> spec = (Map<String, Object>) resource.get("spec");
    Path extracted =
        Promtool.write(tmp, "spec.yml", new Yaml().dump(Map.of("groups", spec.get("groups"))));

    assertThat(Promtool.checkRules(extracted)).contains("SUCCESS: " + ruleCount() + " rules found");
    Map<String, Object> plain =
        new Yaml().load(Files.readString(Path.of(RuleFiles.PROMETHEUS_RULES)));
    assertThat(spec.get("groups")).isEqualTo(plain.get("groups"));
  }

  @Test
  void everyAlertMeetsItsSpecification() throws Exception {
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    specFiles().forEach(p -> args.add(p.toString()));
    Promtool.Result r = Promtool.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as("promtool test rules:%n%s", r.output()).isZero();
    assertThat(r.output()).doesNotContain("FAILED");
  }

  /** "For every alert a case where it fires and a case where it must not" is itself checked. */
  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasAFiringAndASilentCase() throws Exception {
    Set<String> fires = new HashSet<>();
    Set<String> silent = new HashSet<>();
    for (Path spec : specFiles()) {
      Map<String, Object> doc = new Yaml().load(Files.readString(spec));
      assertThat((List<String>) doc.get("rule_files"))
          .as(spec + " tests the committed file")
          .containsExactly("../../../" + RuleFiles.PROMETHEUS_RULES);
      for (Map<String, Object> test : (List<Map<String, Object>>) doc.get("tests")) {
        for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
          List<Object> expected = (List<Object>) check.get("exp_alerts");
          (expected == null || expected.isEmpty() ? silent : fires)
              .add((String) check.get("alertname"));
        }
      }
    }
    List<String> names =
        OpspulseRules.alerts(OpspulseRules.defaults()).stream().map(AlertRule::name).toList();
    assertThat(fires).as("alerts with a firing case").containsAll(names);
    // The Watchdog fires always, by design: a case where it is silent cannot exist.
    assertThat(silent)
        .as("alerts with a silent case")
        .containsAll(names.stream().filter(n -> !n.equals(FleetRules.WATCHDOG)).toList());
    assertThat(fires).as("cases for alerts that do not exist").isSubsetOf(names);
  }

  @Test
  void rulesWithOverridesStayLintClean(@TempDir Path tmp) throws Exception {
    Overrides overrides =
        new Overrides(
            "Acme",
            "job=~\"docker.*\", env!=\"dev\"",
            Map.of("opspulse-jvm", "job=\"shop\""),
            Map.of("restarts_per_hour", 10.0, "http_p95", 0.35),
            Map.of(
                "OpspulseContainerOomKilled",
                new Overrides.AlertOverride("5m", Severity.CRITICAL, true)));
    Path file =
        Promtool.write(tmp, "rules.yml", RuleYaml.prometheusRules(OpspulseRules.build(overrides)));
    assertThat(Promtool.checkRules(file)).contains("SUCCESS: " + ruleCount() + " rules found");
  }

  private static List<Path> specFiles() throws Exception {
    try (Stream<Path> files = Files.list(SPECS)) {
      List<Path> out = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
      assertThat(out).isNotEmpty();
      return out;
    }
  }

  private static int ruleCount() {
    return OpspulseRules.defaults().stream().mapToInt(g -> g.rules().size()).sum();
  }
}
