package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opspulse.testkit.ManagedProcess;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.PrometheusServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Host board computes what the host alerts compute: a real node_exporter scraped by a real
 * Prometheus that runs the committed rules file (alert-rules/opspulse-rules.yml). Each panel query
 * (the recording rule, under the board's job and instance filters), evaluated at the instant the
 * rule wrote its sample, must give that sample's value for the same instance, so the filters keep
 * the rule's series; the zombie panel must show the count the zombie alert is pending on.
 */
class HostPanelsMatchRulesIT {
  private static final String JOB = "node";
  private static final int ZOMBIES = 8;

  @TempDir static Path dir;
  private static ManagedProcess nodeExporter;
  private static ManagedProcess zombieParent;
  private static PrometheusServer prometheus;
  private static List<PanelQuery> panels;

  @BeforeAll
  static void start() throws IOException {
    Path bin = Path.of("/usr/bin/prometheus-node-exporter");
    assertThat(bin).as("Debian's prometheus-node-exporter").isExecutable();
    int port = Ports.freeLoopbackPort();
    nodeExporter =
        ManagedProcess.start(
            "node_exporter",
            List.of(
                bin.toString(),
                "--web.listen-address=127.0.0.1:" + port,
                "--collector.disable-defaults",
                "--collector.cpu",
                "--collector.meminfo",
                "--collector.loadavg",
                "--collector.processes",
                "--collector.pressure"),
            Map.of(),
            dir.resolve("node_exporter.log"));
    // A parent that never reaps: its children stay zombies until it is stopped (by pid).
    zombieParent =
        ManagedProcess.start(
            "zombie-parent",
            List.of("sh", "-c", "for i in 1 2 3 4 5 6 7 8; do true & done; exec sleep 600"),
            Map.of(),
            dir.resolve("zombies.log"));
    Path rules =
        Dashboards.committed()
            .toAbsolutePath()
            .getParent()
            .getParent()
            .resolve("alert-rules/opspulse-rules.yml");
    assertThat(rules).as("the committed rules file").isRegularFile();
    prometheus =
        PrometheusServer.builder().scrape(JOB, "127.0.0.1:" + port).ruleFile(rules).start();
    panels =
        PanelQueries.load(
            Dashboards.committed().resolve("opspulse-host.json"),
            Substitution.builder().rateInterval("5m").build());
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {prometheus, zombieParent, nodeExporter}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep stopping the others
      }
    }
  }

  @Test
  void loadPerCpuIsTheLoadRule() {
    assertPanelIsRecordingRule("Load per CPU", "A", "instance:node_load5:ratio_cpus");
  }

  @Test
  void cpuBusyIsTheSaturationRule() {
    assertPanelIsRecordingRule("CPU busy", "A", "instance:node_cpu_busy_seconds:ratio_rate5m");
  }

  @Test
  void memoryAvailableIsTheMemoryRule() {
    assertPanelIsRecordingRule(
        "Memory available", "A", "instance:node_memory_available_bytes:ratio_total");
  }

  @Test
  void processesPerCpuIsTheProcessesRule() {
    assertPanelIsRecordingRule("Processes and zombies", "A", "instance:node_processes:ratio_cpus");
  }

  @Test
  void pressurePanelsAreThePressureRule() {
    assumeThat(Path.of("/proc/pressure/cpu")).as("a kernel with PSI").exists();
    assertPanelIsRecordingRule(
        "CPU pressure",
        "A",
        "instance_resource:node_pressure_waiting_seconds:rate5m{resource=\"cpu\"}");
    assertPanelIsRecordingRule(
        "Memory pressure",
        "A",
        "instance_resource:node_pressure_waiting_seconds:rate5m{resource=\"memory\"}");
    assertPanelIsRecordingRule(
        "I/O pressure",
        "A",
        "instance_resource:node_pressure_waiting_seconds:rate5m{resource=\"io\"}");
  }

  @Test
  void zombiesAreWhatTheZombieAlertIsPendingOn() {
    PanelQuery zombies = panel("Processes and zombies", "B");
    Poll.untilTrue(
        "the zombie alert's value and the panel to agree",
        Duration.ofSeconds(90),
        () -> {
          Double alerted = null;
          for (JsonNode a : prometheus.api("/api/v1/alerts").path("alerts")) {
            if ("OpspulseHostZombieProcesses".equals(a.path("labels").path("alertname").asText())) {
              alerted = Double.parseDouble(a.path("value").asText());
            }
          }
          List<PrometheusServer.Sample> shown = prometheus.query(zombies.expr());
          return alerted != null && shown.size() == 1 && shown.get(0).value() == alerted;
        });
    assertThat(prometheus.query(zombies.expr()))
        .singleElement()
        .satisfies(s -> assertThat(s.value()).isGreaterThanOrEqualTo(ZOMBIES))
        .satisfies(s -> assertThat(s.labels()).containsEntry("job", JOB));
  }

  /**
   * Evaluates the panel at the timestamp of the rule's latest sample and compares, per instance. A
   * scrape that lands between the rule's evaluation and the query can shift a rate, so it retries;
   * a panel computing something else never agrees.
   */
  private static void assertPanelIsRecordingRule(String title, String refId, String recorded) {
    PanelQuery q = panel(title, refId);
    AtomicReference<Compared> last = new AtomicReference<>();
    try {
      Poll.untilTrue(
          q.describe() + " to equal " + recorded,
          Duration.ofSeconds(90),
          () -> {
            List<PrometheusServer.Sample> at = prometheus.query("timestamp(" + recorded + ")");
            if (at.isEmpty()) {
              return false;
            }
            String time = String.valueOf(at.get(0).value());
            Compared c = new Compared(byInstance(recorded, time), byInstance(q.expr(), time));
            last.set(c);
            return !c.rule().isEmpty()
                && c.rule().keySet().equals(c.panel().keySet())
                && c.rule().entrySet().stream()
                    .allMatch(e -> close(e.getValue(), c.panel().get(e.getKey())));
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last compared: " + last.get(), e);
    }
    assertThat(last.get().rule())
        .as(recorded)
        .containsKey(JOB + "/" + instance())
        .allSatisfy((k, v) -> assertThat(v).isFinite());
  }

  /** The rule's samples and the panel's values at one instant, by job/instance. */
  private record Compared(Map<String, Double> rule, Map<String, Double> panel) {}

  private static boolean close(double a, double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  }

  private static Map<String, Double> byInstance(String promql, String time) {
    JsonNode data =
        prometheus.api(
            "/api/v1/query?time="
                + time
                + "&query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    Map<String, Double> out = new TreeMap<>();
    for (JsonNode s : data.path("result")) {
      out.put(
          s.path("metric").path("job").asText() + "/" + s.path("metric").path("instance").asText(),
          Double.parseDouble(s.path("value").get(1).asText()));
    }
    return out;
  }

  private static String instance() {
    return prometheus.activeTargets().get(0).path("labels").path("instance").asText();
  }

  private static PanelQuery panel(String title, String refId) {
    return panels.stream()
        .filter(p -> p.panelTitle().equals(title) && p.refId().equals(refId))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "opspulse-host.json has no panel '" + title + "' query " + refId));
  }
}
