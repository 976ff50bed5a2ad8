package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus loads the rules and evaluates every one of them without error. Its only target
 * is an exporter address where nothing listens: the absent() guard must page, and
 * OpspulseExporterDown, which needs an exporter that once reported, must not.
 */
class RulesInPrometheusIT {
  @Test
  void prometheusLoadsTheRulesAndTheAbsentGuardFires(@TempDir Path dir) throws Exception {
    // The shipped rules wait 10 minutes; the test waits for nothing.
    Overrides fast =
        new Overrides(
            Overrides.DEFAULT_PREFIX,
            "",
            Map.of(),
            Map.of(),
            Map.of("OpspulseExporterAbsent", new Overrides.AlertOverride("0s", null, true)));
    Path rules =
        Files.writeString(
            dir.resolve("rules.yml"), RuleYaml.prometheusRules(OpspulseRules.build(fast)));
    int ruleCount = OpspulseRules.defaults().stream().mapToInt(g -> g.rules().size()).sum();

    try (PrometheusServer prometheus =
        PrometheusServer.builder()
            .scrape("docker", "127.0.0.1:" + Ports.freeLoopbackPort())
            .ruleFile(rules)
            .start()) {
      PrometheusServer.Alert absent =
          Poll.until(
              "OpspulseExporterAbsent to fire",
              Duration.ofSeconds(60),
              () ->
                  prometheus.alerts().stream()
                      .filter(
                          a ->
                              a.name().equals("OpspulseExporterAbsent")
                                  && a.state().equals("firing"))
                      .findFirst()
                      .orElse(null));
      assertThat(absent.labels()).containsEntry("severity", "critical");
      assertThat(absent.annotations())
          .containsEntry("runbook_url", AlertRule.RUNBOOK_BASE + "#opspulseexporterabsent");

      List<JsonNode> evaluated =
          Poll.until(
              "every rule evaluated",
              Duration.ofSeconds(60),
              () -> {
                List<JsonNode> all = new ArrayList<>();
                prometheus
                    .api("/api/v1/rules")
                    .path("groups")
                    .forEach(g -> g.path("rules").forEach(all::add));
                boolean done =
                    all.size() == ruleCount
                        && all.stream()
                            .noneMatch(r -> r.path("lastEvaluation").asText().startsWith("0001-"));
                return done ? all : null;
              });
      assertThat(evaluated)
          .allSatisfy(
              r ->
                  assertThat(r.path("health").asText())
                      .as(r.path("name").asText() + ": " + r.path("lastError").asText())
                      .isEqualTo("ok"));
      assertThat(prometheus.alerts())
          .extracting(PrometheusServer.Alert::name)
          .doesNotContain("OpspulseExporterDown", "OpspulseDockerEngineUnreachable")
          .contains("OpspulseWatchdog");
    }
  }
}
