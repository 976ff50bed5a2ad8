package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.testkit.promql.PromqlSelectors;
import io.opspulse.testkit.promql.PromqlSelectors.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverridesTest {
  @TempDir Path dir;

  @Test
  void thresholdsForSeverityAndEnabledChangeTheRules() throws Exception {
    Overrides o =
        load(
            """
        thresholds:
          restarts_per_hour: 10
          http_p95: 0.35
        alerts:
          OpspulseContainerCrashLooping:
            for: 15m
            severity: critical
          OpspulseGpuUnderutilized:
            enabled: false
        """);
    List<RuleGroup> groups = OpspulseRules.build(o);
    AlertRule crash = alert(groups, "OpspulseContainerCrashLooping");
    assertThat(crash.expr()).endsWith("[1h]) > 10");
    assertThat(crash.forDuration()).isEqualTo("15m");
    assertThat(crash.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(crash.description()).contains("(more than 10)");
    assertThat(alert(groups, "OpspulseHttpLatencyHigh").expr()).contains("> 0.35\n");
    assertThat(OpspulseRules.alerts(groups))
        .extracting(AlertRule::name)
        .doesNotContain("OpspulseGpuUnderutilized");
    // untouched alerts keep their defaults
    assertThat(alert(groups, "OpspulseComposeServiceCrashLooping").expr()).endsWith("> 10");
    assertThat(alert(groups, "OpspulseContainerUnhealthy").forDuration()).isEqualTo("5m");
  }

  @Test
  void aZeroForMakesAnAlertInstant() throws Exception {
    Overrides o = load("alerts:\n  OpspulseContainerCrashLooping:\n    for: 0s\n");
    AlertRule crash = alert(OpspulseRules.build(o), "OpspulseContainerCrashLooping");
    assertThat(crash.instant()).isTrue();
    assertThat(crash.instantReason()).contains("overrides");
  }

  @Test
  void theSelectorReachesEveryMetricSelectorOfEveryExpression() throws Exception {
    Overrides o =
        load(
            """
        selector: 'job=~"docker.*"'
        groups:
          opspulse-jvm:
            selector: '{job="shop", env!="dev"}'
        """);
    List<RuleGroup> groups = OpspulseRules.build(o);
    Set<String> recorded =
        groups.stream()
            .flatMap(g -> g.recordings().stream())
            .map(RecordingRule::record)
            .collect(Collectors.toSet());
    int checked = 0;
    for (RuleGroup g : groups) {
      String expected =
          g.name().equals("opspulse-jvm") ? "job=\"shop\", env!=\"dev\"" : "job=~\"docker.*\"";
      for (Rule r : g.rules()) {
        for (Selector s : PromqlSelectors.selectors(r.expr())) {
          if (!recorded.contains(s.metric())) {
            assertThat(s.matchers()).as("%s in %s", s.metric(), r.expr()).endsWith(expected);
            checked++;
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(50);
    assertThat(alert(groups, "OpspulseExporterAbsent").expr())
        .isEqualTo("absent(docker_up{job=~\"docker.*\"})");
  }

  @Test
  void aPrefixRenamesAlertsButKeepsTheirRunbooks() throws Exception {
    List<RuleGroup> groups = OpspulseRules.build(load("alert_prefix: Acme\n"));
    AlertRule crash = alert(groups, "AcmeContainerCrashLooping");
    assertThat(crash.runbookUrl()).endsWith("#opspulsecontainercrashlooping");
    assertThat(OpspulseRules.alerts(groups))
        .allSatisfy(a -> assertThat(a.name()).startsWith("Acme"));
  }

  @Test
  void anEmptyFileChangesNothing() throws Exception {
    assertThat(RuleYaml.prometheusRules(OpspulseRules.build(load(""))))
        .isEqualTo(RuleYaml.prometheusRules(OpspulseRules.defaults()));
  }

  @Test
  void errorsNameFileLineAndKey() throws Exception {
    assertError(
        "selector: 'job=\"x\"'\nthreshold:\n  x: 1\n",
        2,
        "threshold",
        "unknown key; known: alert_prefix, runbook_url, selector, groups, thresholds, alerts");
    assertError(
        "thresholds:\n  restarts_per_hour: 5\n  restart_per_hour: 5\n",
        3,
        "thresholds.restart_per_hour",
        "unknown threshold");
    assertError(
        "thresholds:\n  restarts_per_hour: lots\n",
        2,
        "thresholds.restarts_per_hour",
        "expected a number, got 'lots'");
    assertError(
        "thresholds:\n  restarts_per_hour: -1\n", 2, "thresholds.restarts_per_hour", ">= 0");
    assertError(
        "alerts:\n  ContainerCrashLooping:\n    for: 5m\n",
        2,
        "alerts.ContainerCrashLooping",
        "unknown alert");
    assertError(
        "alerts:\n  OpspulseContainerCrashLooping:\n    for: 5 minutes\n",
        3,
        "alerts.OpspulseContainerCrashLooping.for",
        "not a Prometheus duration");
    assertError(
        "alerts:\n  OpspulseContainerCrashLooping:\n    severity: page\n",
        3,
        "alerts.OpspulseContainerCrashLooping.severity",
        "'page' is not a severity (critical, warning, info, none)");
    assertError(
        "alerts:\n  OpspulseContainerCrashLooping:\n    enabled: maybe\n",
        3,
        "alerts.OpspulseContainerCrashLooping.enabled",
        "expected true or false, got 'maybe'");
    assertError(
        "alerts:\n  OpspulseContainerCrashLooping:\n    labels: {team: a}\n",
        3,
        "alerts.OpspulseContainerCrashLooping.labels",
        "unknown key");
    assertError("\nselector: job=docker\n", 2, "selector", "is not a label matcher");
    assertError(
        "groups:\n  opspulse-k8s:\n    selector: 'job=\"x\"'\n",
        2,
        "groups.opspulse-k8s",
        "unknown rule group");
    assertError("alert_prefix: acme\n", 1, "alert_prefix", "CamelCase");
    assertError(
        "thresholds:\n  http_p95: 0.3\n  http_p95: 0.4\n",
        3,
        "thresholds.http_p95",
        "duplicate key");
    assertError("thresholds: [http_p95]\n", 1, "thresholds", "expected a mapping, got a list");
    assertError("thresholds:\n  http_p95: [0.3\n", 3, "(yaml)", "invalid YAML: ");
    assertError(
        "alerts:\n  OpspulseContainerCrashLooping:\n    enabled: yes\n",
        3,
        "alerts.OpspulseContainerCrashLooping.enabled",
        "expected true or false, got 'yes'");
    assertError(
        "thresholds:\n  http_p95: .inf\n",
        2,
        "thresholds.http_p95",
        "expected a number, got '.inf'");
    assertError(
        "runbook_url: https://wiki.example.com/runbooks\n",
        1,
        "runbook_url",
        "names neither {anchor} nor {alert}");
    assertError("runbook_url: wiki/{alert}\n", 1, "runbook_url", "is not an http(s) URL");
    assertError(
        "alerts:\n  OpspulseFleetHealthDegraded:\n    severity: info\n",
        3,
        "alerts.OpspulseFleetHealthDegraded.severity",
        "has a rule per severity");
  }

  @Test
  void runbookUrlPatternPointsEveryAlertAtItsOwnPage() throws Exception {
    Overrides o =
        load(
            "alert_prefix: Acme\nrunbook_url: https://wiki.example.com/oncall/{alert}?section={anchor}\n");
    List<AlertRule> alerts = OpspulseRules.alerts(OpspulseRules.build(o));
    assertThat(alert(OpspulseRules.build(o), "AcmeContainerCrashLooping").runbookUrl())
        .isEqualTo(
            "https://wiki.example.com/oncall/AcmeContainerCrashLooping?section=opspulsecontainercrashlooping");
    assertThat(alerts)
        .extracting(AlertRule::runbookUrl)
        .allMatch(u -> u.startsWith("https://wiki.example.com/oncall/"));
    assertThat(RuleYaml.prometheusRules(OpspulseRules.build(o)))
        .doesNotContain("github.com/opspulse");
  }

  /** for and enabled of a graded alert apply to every grade; its severities stay. */
  @Test
  void overridesOfAGradedAlertApplyToEveryGrade() throws Exception {
    Overrides o = load("alerts:\n  OpspulseFleetHealthDegraded:\n    for: 30m\n");
    assertThat(OpspulseRules.alerts(OpspulseRules.build(o)))
        .filteredOn(a -> a.name().equals("OpspulseFleetHealthDegraded"))
        .extracting(AlertRule::forDuration, AlertRule::severity)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("30m", Severity.WARNING),
            org.assertj.core.groups.Tuple.tuple("30m", Severity.CRITICAL));
    Overrides off = load("alerts:\n  OpspulseFleetHealthDegraded:\n    enabled: false\n");
    assertThat(OpspulseRules.alerts(OpspulseRules.build(off)))
        .extracting(AlertRule::name)
        .doesNotContain("OpspulseFleetHealthDegraded");
  }

  private void assertError(String yaml, int line, String key, String problem) throws Exception {
    Path file = Files.writeString(dir.resolve("overrides.yml"), yaml);
    assertThatThrownBy(() -> Overrides.load(file))
        .isInstanceOf(OverridesException.class)
        .hasMessageStartingWith(file + ":" + line + ": " + key + ": ")
        .hasMessageContaining(problem)
        .satisfies(
            e -> {
              OverridesException oe = (OverridesException) e;
              assertThat(oe.line()).isEqualTo(line);
              assertThat(oe.key()).isEqualTo(key);
            });
  }

  private Overrides load(String yaml) throws Exception {
    return Overrides.load(Files.writeString(dir.resolve("overrides.yml"), yaml));
  }

  private static AlertRule alert(List<RuleGroup> groups, String name) {
    return OpspulseRules.alerts(groups).stream()
        .filter(a -> a.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void overridesInCodeValidateTheSelectorToo() {
    assertThatThrownBy(() -> new Overrides("Opspulse", "job=", Map.of(), Map.of(), Map.of()))
        .hasMessageContaining("not a label matcher");
    assertThatThrownBy(
            () -> new Overrides("Opspulse", "__name__=\"x\"", Map.of(), Map.of(), Map.of()))
        .hasMessageContaining("__name__");
  }
}
