package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.PromDuration;
import io.opspulse.testkit.promql.PromqlSelectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The conventions every alert keeps, checked on the committed file as Prometheus reads it. */
class AlertConventionsTest {
  private static List<Map<String, Object>> alerts;
  private static List<Map<String, Object>> rules;

  @BeforeAll
  static void load() throws Exception {
    String text = Files.readString(Path.of(RuleFiles.PROMETHEUS_RULES));
    alerts = RenderedRules.alerts(text);
    rules = RenderedRules.rules(text);
  }

  @Test
  void theIssuesAlertsAreAllThere() {
    assertThat(alerts)
        .extracting(a -> a.get("alert") + "/" + RenderedRules.map(a, "labels").get("severity"))
        .as("one rule per alert name and severity")
        .doesNotHaveDuplicates();
    assertThat(alerts)
        .extracting(a -> a.get("alert"))
        .contains(
            "OpspulseWatchdog",
            "OpspulseContainersOverDeclared",
            "OpspulseUnexpectedContainerRunning",
            "OpspulseComposeServiceDown",
            "OpspulseExitedContainersPilingUp",
            "OpspulseContainerCrashLooping",
            "OpspulseComposeServiceCrashLooping",
            "OpspulseContainerCommandNotFound",
            "OpspulseContainerOomKilled",
            "OpspulseContainerUnhealthy",
            "OpspulseFleetHealthDegraded",
            "OpspulseHealthcheckTimeoutTooShort",
            "OpspulseHostCpuOvercommitted",
            "OpspulseHostMemoryOvercommitted",
            "OpspulseContainerMemoryNearLimit",
            "OpspulseContainerCpuNearLimit",
            "OpspulseExporterDown",
            "OpspulseExporterAbsent",
            "OpspulseExporterTaskFailing",
            "OpspulseExporterContainerLabelsRefused",
            "OpspulseGpuIdleWithMemoryAllocated",
            "OpspulseGpuUnderutilized",
            "OpspulseGpuThrottled",
            "OpspulseGpuEccErrors",
            "OpspulseGpuLost",
            "OpspulseGpuProbeDown",
            "OpspulseJvmRestartLoop",
            "OpspulseJvmDevModeEnabled",
            "OpspulseJvmCpuHigh",
            "OpspulseHttpLatencyHigh",
            "OpspulseHttp5xxRatioHigh",
            "OpspulseHttpServiceUnavailable",
            "OpspulseDependencyFailureRatioHigh",
            "OpspulseExecutorSaturated",
            "OpspulseConnectionPoolExhausted",
            "OpspulseJvmGcTimeHigh",
            "OpspulseJvmHeapAfterGcHigh",
            "OpspulseJvmDeadlockedThreads",
            "OpspulseDatabaseLatencyHigh",
            "OpspulseHostLoadHigh",
            "OpspulseHostCpuSaturated",
            "OpspulseHostMemoryAvailableLow",
            "OpspulseHostPressureHigh",
            "OpspulseHostTooManyProcesses",
            "OpspulseHostZombieProcesses",
            "OpspulseHostMemoryLimitsExceedAvailable",
            "OpspulseNodeExporterDown");
  }

  /**
   * One condition, one name: its grades differ in severity and threshold, never in wording or
   * labels.
   */
  @Test
  void gradedAlertsShareEverythingButSeverityAndThreshold() {
    Map<Object, List<Map<String, Object>>> byName = new java.util.LinkedHashMap<>();
    alerts.forEach(
        a -> byName.computeIfAbsent(a.get("alert"), k -> new java.util.ArrayList<>()).add(a));
    assertThat(byName)
        .containsKeys("OpspulseFleetHealthDegraded", "OpspulseHostMemoryAvailableLow");
    assertThat(byName).doesNotContainKeys("OpspulseFleetHealthCritical");
    byName.forEach(
        (name, grades) -> {
          if (grades.size() > 1) {
            assertThat(grades)
                .extracting(a -> RenderedRules.map(a, "labels").get("severity"))
                .as("%s", name)
                .containsExactlyInAnyOrder("warning", "critical");
            assertThat(grades)
                .extracting(a -> RenderedRules.map(a, "annotations").get("summary"))
                .as("%s", name)
                .containsOnly(RenderedRules.map(grades.get(0), "annotations").get("summary"));
          }
        });
  }

  @Test
  void everyAlertHasSeveritySummaryDescriptionAndRunbook() {
    for (Map<String, Object> alert : alerts) {
      String name = (String) alert.get("alert");
      assertThat(name).matches("Opspulse[A-Z][A-Za-z0-9]+");
      assertThat(RenderedRules.map(alert, "labels")).as(name).containsOnlyKeys("severity");
      String severity = RenderedRules.map(alert, "labels").get("severity");
      if (name.equals("OpspulseWatchdog")) {
        assertThat(severity).as("the Watchdog never wants a person").isEqualTo("none");
      } else {
        assertThat(severity).as(name).isIn("critical", "warning", "info");
      }
      Map<String, String> annotations = RenderedRules.map(alert, "annotations");
      assertThat(annotations).as(name).containsOnlyKeys("summary", "description", "runbook_url");
      assertThat(annotations.get("summary"))
          .as(name + " summary is static")
          .doesNotContain("{{")
          .endsWith(".");
      String expr = (String) alert.get("expr");
      if (!expr.startsWith("absent(") && !expr.equals("vector(1)")) {
        // absent() and the Watchdog have no series to name: their descriptions can only be static
        assertThat(annotations.get("description"))
            .as(name + " description is templated")
            .contains("{{");
      }
      assertThat(annotations.get("runbook_url"))
          .isEqualTo(
              "https://github.com/opspulse/opspulse/blob/main/docs/runbooks.md#"
                  + name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Templates in descriptions only use what an alert has: $labels.x for a label its expression
   * keeps, $value.
   */
  @Test
  void descriptionsUseOnlyValueAndLabels() {
    Pattern template = Pattern.compile("\\{\\{(.*?)}}");
    for (Map<String, Object> alert : alerts) {
      Matcher m = template.matcher(RenderedRules.map(alert, "annotations").get("description"));
      while (m.find()) {
        assertThat(m.group(1).strip())
            .as(alert.get("alert") + "")
            .matches(
                "\\$labels\\.[a-z_]+|\\$value( \\| (humanizePercentage|humanizeDuration|humanize1024"
                    + "|printf \"%\\.[02]f\"))?");
      }
    }
  }

  /** Alerts without `for` are the event-like ones, each with its reason in the Java definition. */
  @Test
  void everyAlertWaitsUnlessItIsEventLike() {
    for (AlertRule alert : OpspulseRules.alerts(OpspulseRules.defaults())) {
      if (alert.instant()) {
        assertThat(alert.instantReason()).as(alert.name()).isNotBlank();
      }
    }
    assertThat(alerts)
        .filteredOn(a -> !a.containsKey("for"))
        .extracting(a -> a.get("alert"))
        .containsExactlyInAnyOrder(
            "OpspulseWatchdog",
            "OpspulseContainerOomKilled",
            "OpspulseGpuEccErrors",
            "OpspulseGpuXidError",
            "OpspulseGpuApplicationXid",
            "OpspulseJvmRestartLoop");
    assertThat(alerts)
        .filteredOn(a -> a.containsKey("for"))
        .allSatisfy(
            a -> assertThat(seconds((String) a.get("for"))).as(a.get("alert") + "").isPositive());
  }

  /** With a 15 s scrape, rate() needs at least four samples: no window under a minute. */
  @Test
  void everyWindowIsAtLeastFourScrapes() {
    for (Map<String, Object> rule : rules) {
      for (PromqlSelectors.Window w : PromqlSelectors.windows((String) rule.get("expr"))) {
        assertThat(seconds(w.text().split(":")[0]))
            .as("%s in %s", w.text(), rule.get("expr"))
            .isGreaterThanOrEqualTo(60);
      }
    }
  }

  @Test
  void noLabelIsTemplated() {
    for (Map<String, Object> alert : alerts) {
      assertThat(RenderedRules.map(alert, "labels").values())
          .as(alert.get("alert") + "")
          .noneMatch(v -> v.contains("{{") || v.contains("$value"));
    }
  }

  @Test
  void recordNamesFollowLevelMetricOperation() {
    assertThat(rules)
        .filteredOn(r -> r.containsKey("record"))
        .allSatisfy(
            r -> assertThat((String) r.get("record")).matches("[a-z_]+:[a-zA-Z0-9_]+:[a-z0-9_]+"));
  }

  /** Normal stops end in SIGTERM (143) or exit 0; no rule may count them as failures. */
  @Test
  void exitReasonsOfNormalStopsAreNeverAlertedOn() {
    for (Map<String, Object> rule : rules) {
      String expr = (String) rule.get("expr");
      if (expr.contains("exits_total")) {
        assertThat(expr)
            .as("exit counts leave out normal stops")
            .contains("reason!~\"completed|terminated\"");
      }
    }
  }

  private static long seconds(String duration) {
    return PromDuration.parse(duration).toSeconds();
  }
}
