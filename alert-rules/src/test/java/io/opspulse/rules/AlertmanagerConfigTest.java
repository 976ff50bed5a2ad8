package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped alertmanager.yml: committed as generated, accepted by amtool, and routing what it
 * should where it should (amtool's own routing tree evaluation, not a re-implementation of it).
 */
class AlertmanagerConfigTest {
  private static final Path COMMITTED = Path.of(RuleFiles.ALERTMANAGER);

  @Test
  void committedFileMatchesAFreshGeneration() throws Exception {
    assertThat(COMMITTED).as("alert-rules/%s is committed", COMMITTED).exists();
    assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
        .as(
            "alert-rules/"
                + RuleFiles.ALERTMANAGER
                + " is stale: regenerate with `mvn -pl alert-rules compile"
                + " exec:java` and commit")
        .isEqualTo(RuleFiles.renderAlertmanager());
  }

  @Test
  void amtoolAcceptsIt() throws Exception {
    assertThat(Amtool.checkConfig(COMMITTED))
        .contains("SUCCESS")
        .contains("4 inhibit rules")
        .contains("4 receivers");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      alertname=OpspulseWatchdog severity=none                                                     | watchdog
      alertname=OpspulseContainerCommandNotFound severity=critical instance=h:9838 compose_service=a | pager
      alertname=OpspulseFleetHealthDegraded severity=critical instance=h:9838                      | pager
      alertname=OpspulseFleetHealthDegraded severity=warning instance=h:9838                       | ticket
      alertname=OpspulseHostLoadHigh severity=warning instance=h:9100                              | ticket
      alertname=OpspulseGpuUnderutilized severity=info                                             | chat
      alertname=SomeoneElsesAlert severity=page                                                    | ticket
      """)
  void routesEachSeverityToItsReceiver(String labels, String receiver) throws Exception {
    Amtool.Result r = Amtool.routesTest(COMMITTED, receiver, List.of(labels.strip().split(" +")));
    assertThat(r.exitCode()).as("amtool config routes test %s:%n%s", labels, r.output()).isZero();
    assertThat(r.output()).contains(receiver);
  }

  /** The check above can fail: amtool exits 1 when the route leads elsewhere. */
  @Test
  void aWrongExpectationFails() throws Exception {
    Amtool.Result r =
        Amtool.routesTest(
            COMMITTED, "pager", List.of("alertname=OpspulseWatchdog", "severity=none"));
    assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("watchdog");
  }

  @Test
  @SuppressWarnings("unchecked")
  void groupsByAlertTargetAndComposeService() throws Exception {
    Map<String, Object> config = new Yaml().load(Files.readString(COMMITTED));
    Map<String, Object> route = (Map<String, Object>) config.get("route");
    assertThat((List<String>) route.get("group_by"))
        .containsExactly("alertname", "job", "instance", "compose_project", "compose_service");
  }

  /**
   * The target-down rules never silence the pipeline's own alerts, or the source would silence
   * itself.
   */
  @Test
  @SuppressWarnings("unchecked")
  void targetDownInhibitionsCoverContainerAlertsButNotThePipeline() throws Exception {
    Map<String, Object> config = new Yaml().load(Files.readString(COMMITTED));
    List<Map<String, Object>> inhibit = (List<Map<String, Object>>) config.get("inhibit_rules");
    assertThat(inhibit).hasSize(4);
    Map<String, Object> engine = inhibit.get(1);
    assertThat((List<String>) engine.get("source_matchers"))
        .containsExactly("alertname=\"OpspulseDockerEngineUnreachable\"");
    String targets = ((List<String>) engine.get("target_matchers")).get(0);
    assertThat(targets)
        .contains(
            "OpspulseContainerCommandNotFound",
            "OpspulseContainerCrashLooping",
            "OpspulseComposeServiceDown")
        .doesNotContain(
            "OpspulseExporterDown",
            "OpspulseDockerEngineUnreachable",
            "OpspulseWatchdog",
            "OpspulseExporterAbsent",
            "OpspulseGpu",
            "OpspulseJvm",
            "OpspulseHostLoadHigh");
    String exporterTargets = ((List<String>) inhibit.get(2).get("target_matchers")).get(0);
    assertThat(exporterTargets)
        .contains("OpspulseContainerCommandNotFound", "OpspulseGpuLost")
        .doesNotContain("OpspulseExporterDown", "OpspulseJvm");
    assertThat((List<String>) inhibit.get(0).get("equal")).contains("alertname", "job", "instance");
    Map<String, Object> node = inhibit.get(3);
    assertThat((List<String>) node.get("source_matchers"))
        .containsExactly("alertname=\"OpspulseNodeExporterDown\"");
    assertThat(((List<String>) node.get("target_matchers")).get(0))
        .contains("OpspulseHostLoadHigh", "OpspulseHostZombieProcesses")
        .doesNotContain("OpspulseNodeExporterDown", "OpspulseContainer");
  }

  /**
   * With another prefix the matchers follow the rendered names, and amtool routes them the same
   * way.
   */
  @Test
  void followsTheOverridesAlertNames(@TempDir Path dir) throws Exception {
    Overrides acme = new Overrides("Acme", "", Map.of(), Map.of(), Map.of());
    Path file =
        Files.writeString(
            dir.resolve("am.yml"),
            AlertmanagerConfig.render(
                OpspulseRules.build(acme), AlertmanagerConfig.Receivers.placeholders()));
    Amtool.checkConfig(file);
    assertThat(Files.readString(file))
        .contains("alertname=\"AcmeDockerEngineUnreachable\"")
        .contains("AcmeContainerCommandNotFound")
        .doesNotContain("Opspulse");
    Amtool.Result r =
        Amtool.routesTest(file, "watchdog", List.of("alertname=AcmeWatchdog", "severity=none"));
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @Test
  void aDisabledWatchdogLeavesNoRouteForIt(@TempDir Path dir) throws Exception {
    Overrides noWatchdog =
        new Overrides(
            Overrides.DEFAULT_PREFIX,
            "",
            Map.of(),
            Map.of(),
            Map.of("OpspulseWatchdog", new Overrides.AlertOverride(null, null, false)));
    Path file =
        Files.writeString(
            dir.resolve("am.yml"),
            AlertmanagerConfig.render(
                OpspulseRules.build(noWatchdog), AlertmanagerConfig.Receivers.placeholders()));
    Amtool.checkConfig(file);
    assertThat(Files.readString(file)).doesNotContain("alertname=\"OpspulseWatchdog\"");
  }

  @Test
  void receiversMustBeTheFourTheRoutesName() {
    assertThatThrownBy(() -> new AlertmanagerConfig.Receivers(Map.of("pager", "http://x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pager, ticket, chat, watchdog");
  }
}
