package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.catalog.DockerMetrics;
import io.opspulse.catalog.LabelValues;
import io.opspulse.catalog.Thresholds;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleModelTest {
  private static AlertRule.Builder valid() {
    return AlertRule.builder("OpspulseThing")
        .expr("up == 0")
        .forDuration("5m")
        .severity(Severity.WARNING)
        .summary("A thing is down.")
        .description("{{ $labels.instance }} is down.");
  }

  @Test
  void anAlertWithoutForMustSayWhy() {
    assertThatThrownBy(() -> valid().forDuration("0m").build())
        .hasMessageContaining("must say why");
    assertThat(valid().instantBecause("an event").build().instant()).isTrue();
  }

  @Test
  void summaryIsStaticAndNamesAreCamelCase() {
    assertThatThrownBy(() -> valid().summary("{{ $labels.name }} is down.").build())
        .hasMessageContaining("static");
    assertThatThrownBy(
            () ->
                AlertRule.builder("opspulse_thing")
                    .expr("up")
                    .forDuration("5m")
                    .severity(Severity.INFO)
                    .summary("x.")
                    .description("y")
                    .build())
        .hasMessageContaining("CamelCase");
    assertThatThrownBy(() -> valid().forDuration("5 minutes").build())
        .hasMessageContaining("duration");
  }

  @Test
  void anAlertsRunbookIsItsLowercaseName() {
    assertThat(valid().build().runbookUrl()).isEqualTo(AlertRule.RUNBOOK_BASE + "#opspulsething");
  }

  @Test
  void recordNamesAreLevelMetricOperation() {
    assertThatThrownBy(() -> new RecordingRule("docker_restarts_rate", "x"))
        .hasMessageContaining("level:metric");
    assertThat(new RecordingRule("instance:foo:rate5m", "rate(foo[5m])").record())
        .isEqualTo("instance:foo:rate5m");
  }

  @Test
  void selectorsOnlyUseTheMetricsOwnLabels() {
    Promql q = new Promql(Map.of(), "job=\"d\"");
    assertThat(q.m(DockerMetrics.CONTAINER_RESTARTS, "name=\"web\""))
        .isEqualTo("docker_container_restarts_total{name=\"web\", job=\"d\"}");
    assertThat(q.m(DockerMetrics.UP)).isEqualTo("docker_up{job=\"d\"}");
    assertThatThrownBy(() -> q.m(DockerMetrics.UP, "reason=\"x\""))
        .hasMessageContaining("no label 'reason'");
  }

  @Test
  void labelValuesComeFromTheCatalogsClosedSets() {
    assertThat(Promql.oneOf(LabelValues.EXIT_REASONS, "command_not_found", "not_executable"))
        .isEqualTo("command_not_found|not_executable");
    assertThatThrownBy(() -> Promql.oneOf(LabelValues.EXIT_REASONS, "exit_127"))
        .hasMessageContaining("exit_127");
  }

  @Test
  void thresholdsRenderAsPromqlNumbersAndPercentages() {
    Promql q = new Promql(Map.of("http_p95", 0.25), "");
    assertThat(q.t(Thresholds.HTTP_P95)).isEqualTo("0.25");
    assertThat(q.t(Thresholds.RESTARTS_PER_HOUR)).isEqualTo("3");
    assertThat(q.pct(Thresholds.HEALTH_RATIO_WARNING)).isEqualTo("90%");
  }

  @Test
  void multiLineExpressionsRenderAsLiteralBlocks() {
    String yaml =
        RuleYaml.prometheusRules(
            java.util.List.of(
                new RuleGroup("g", java.util.List.of(new RecordingRule("a:b:c", "x\n/\ny")))));
    assertThat(yaml).contains("expr: |-\n      x\n      /\n      y\n");
  }
}
