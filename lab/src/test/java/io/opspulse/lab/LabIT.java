package io.opspulse.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opspulse.catalog.DockerMetrics;
import io.opspulse.catalog.Thresholds;
import io.opspulse.dashboards.PanelQueries;
import io.opspulse.dashboards.PanelQuery;
import io.opspulse.dashboards.Substitution;
import io.opspulse.rules.AlertRule;
import io.opspulse.rules.OpspulseRules;
import io.opspulse.rules.RecordingRule;
import io.opspulse.rules.RuleGroup;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrometheusServer.Alert;
import io.opspulse.testkit.PrometheusServer.Sample;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pack end to end, as a user meets it through {@code ./opspulse lab}: one lab is started
 * for the class (private dockerd with the incident containers, the exporter's fat jar, Debian's
 * Prometheus with the generated rules, node_exporter, the demo service under the agent), the
 * assertions read the real Prometheus, and the last test stops the lab and proves nothing of it is
 * left running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabIT {
  static final Path REPO =
      Path.of(System.getProperty("opspulse.repo", "..")).toAbsolutePath().normalize();
  static final Path LAB_JAR =
      Path.of(System.getProperty("opspulse.lab.jar", "target/opspulse-lab.jar"));

  private static final String CPU_NEAR_LIMIT = "OpspulseContainerCpuNearLimit";

  /** Report 000's backend, spinning under {@code cpus: 0.01} (IncidentContainers). */
  private static final String BACKEND = "sutazai_backend_1";

  private static final double BACKEND_CPU_LIMIT = 0.01;

  /**
   * Below this 1-minute load per CPU the backend is sure to get its 1% of a CPU, so the alert must
   * fire.
   */
  private static final double IDLE_LOAD_PER_CPU = 0.5;

  // Report 002's GPUs, as the lab simulates them: consumer cards (no NVLink, no MIG), no XID
  // errors.
  // The stand-in serves all three in gpu-probe's own tests (NvmlHealthTest, GpuCollectorTest).
  private static final String NO_XID = "report 002 had no XID errors, so the lab's GPUs raise none";
  private static final String NO_NVLINK = "the lab's simulated RTX 3060s have no NVLink";
  private static final String NO_MIG = "the lab's simulated RTX 3060s have no MIG mode";
  private static final String NO_TASK_FAILURE =
      "the lab's exporter has no failing task: the series appears with the first failure";
  private static final String NO_HOSTILE_LABEL =
      "no lab container carries a hostile label (HostileLabelsIT makes them)";

  /**
   * Panel queries that return no series in the lab, each with why. Empty means every panel of every
   * committed dashboard shows data; an entry that starts returning data fails the test, so the list
   * cannot go stale.
   */
  static final Map<String, String> PANELS_WITHOUT_DATA =
      Map.of(
          "opspulse-gpus #25 'XID errors by code' A", NO_XID,
          "opspulse-gpus #26 'XID errors per second' A", NO_XID,
          "opspulse-gpus #30 'PCIe replays and NVLink errors' B", NO_NVLINK,
          "opspulse-gpus #31 'NVLink links' A", NO_NVLINK,
          "opspulse-gpus #32 'MIG instances' A", NO_MIG,
          "opspulse-gpus #32 'MIG instances' B", NO_MIG,
          "opspulse-fleet #25 'Exporter task failures by task' A", NO_TASK_FAILURE,
          "opspulse-fleet #26 'Container labels refused by reason' A", NO_HOSTILE_LABEL);

  /**
   * Incidents the lab re-creates whose alert this test does not wait for, with why. The backend
   * spins under a 0.01-CPU limit, but on a shared 2-core CI host Docker's cgroup as a whole can get
   * less than that, so the CPU-near-limit ratio is not guaranteed to pass 0.8 there (it fires on an
   * idle machine).
   */
  static final Map<String, String> NOT_AWAITED =
      Map.of(
          CPU_NEAR_LIMIT,
          "needs the container to get its CPU quota; not guaranteed on a contended CI host (what it reads is"
              + " asserted in theBackendsCpuIsMeasuredAgainstItsLimit, the alert there when the host is idle)");

  static Path tmp;
  static RunningLab lab;
  static LabState.Data recorded;

  @BeforeAll
  static void startLab() throws Exception {
    tmp = Files.createTempDirectory("opspulse-lab-it-");
    PrintStream out = System.out;
    lab = RunningLab.start(new LabConfig(REPO, null, tmp.resolve("state.json"), LAB_JAR, out));
    recorded = lab.state();
  }

  @AfterAll
  static void stopLab() {
    if (lab != null) {
      lab.close();
    }
    io.opspulse.testkit.Commands.run(
        List.of("rm", "-rf", tmp.toString()), Map.of(), null, Duration.ofSeconds(30));
  }

  @Test
  @Order(1)
  void everyIncidentOfTheReportsFiresItsAlert() {
    Set<String> expected = new TreeSet<>(Incidents.all().keySet());
    expected.removeAll(NOT_AWAITED.keySet());
    List<Alert> firing =
        Poll.until(
            "every incident's alert to fire: " + expected,
            Duration.ofMinutes(3),
            () -> {
              List<Alert> alerts =
                  lab.prometheus().alerts().stream()
                      .filter(a -> a.state().equals("firing"))
                      .toList();
              Set<String> names = alerts.stream().map(Alert::name).collect(Collectors.toSet());
              if (names.containsAll(expected)) {
                return alerts;
              }
              Set<String> missing = new TreeSet<>(expected);
              missing.removeAll(names);
              throw new AssertionError("not firing yet: " + missing + "\n" + lab.logTails(8));
            });
    System.out.print(AlertBoard.render(lab.prometheus().alerts(), expected));
    Map<String, Set<String>> firingOn = new TreeMap<>();
    for (Alert a : firing) {
      firingOn
          .computeIfAbsent(a.name(), k -> new TreeSet<>())
          .add(
              a.labels()
                  .getOrDefault(
                      "name",
                      a.labels()
                          .getOrDefault(
                              "compose_service",
                              a.labels()
                                  .getOrDefault(
                                      "gpu",
                                      a.labels()
                                          .getOrDefault(
                                              "pool",
                                              a.labels()
                                                  .getOrDefault(
                                                      "db_client_connection_pool_name",
                                                      a.labels()
                                                          .getOrDefault(
                                                              "http_route",
                                                              a.labels()
                                                                  .getOrDefault(
                                                                      "server_address",
                                                                      a.labels()
                                                                          .getOrDefault(
                                                                              "reason", "")))))))));
    }
    // Each alert points at what the lab made to cause it: the incident's own containers, routes,
    // pools.
    assertThat(firingOn.get("OpspulseContainerCommandNotFound"))
        .as(firingOn.toString())
        .containsExactlyInAnyOrder(
            "sutazai_ai-agent-orchestrator_1",
            "sutazai_system-architect_1",
            "sutazai_deployment-automation-master_1");
    assertThat(firingOn.get("OpspulseComposeServiceDown")).contains("consul", "kong", "rabbitmq");
    assertThat(firingOn.get("OpspulseComposeServiceCrashLooping"))
        .contains("ai-agent-orchestrator");
    assertThat(firingOn.get("OpspulseUnexpectedContainerRunning"))
        .contains("postgres-mcp-485297-1755469768", "sutazai_legacy-worker_1")
        .hasSize(11);
    assertThat(firingOn.get("OpspulseContainerOomKilled"))
        .containsExactly("sutazai_model-loader_1");
    assertThat(firingOn.get("OpspulseContainerUnhealthy"))
        .containsExactlyInAnyOrder("sutazai_api_1", "sutazai_text-analysis-agent_1");
    assertThat(firingOn.get("OpspulseHealthcheckTimeoutTooShort"))
        .containsExactly("sutazai_text-analysis-agent_1");
    assertThat(firingOn.get("OpspulseContainerMemoryNearLimit"))
        .containsExactly("sutazai_vector-db_1");
    assertThat(firingOn.get("OpspulseGpuIdleWithMemoryAllocated"))
        .containsExactlyInAnyOrder("0", "1");
    assertThat(firingOn.get("OpspulseExecutorSaturated")).containsExactly("report-worker");
    assertThat(firingOn.get("OpspulseConnectionPoolExhausted")).containsExactly("orders-db");
    assertThat(firingOn.get("OpspulseHttpServiceUnavailable")).containsExactly("/api/orders");
    assertThat(firingOn.get("OpspulseHttpLatencyHigh")).contains("/api/search");
    assertThat(firingOn.get("OpspulseJvmDevModeEnabled")).contains("jdwp", "devtools");
    for (Alert a : firing) {
      if (Incidents.of(a.name()).isPresent()) {
        assertThat(a.annotations().get("runbook_url"))
            .as(a.name())
            .contains("#" + a.name().toLowerCase());
      }
    }
  }

  /**
   * Issue 4: the generated rules, loaded by a real Prometheus scraping the real exporter, catch a
   * real crash loop.
   */
  @Test
  @Order(2)
  void theGeneratedRulesCatchARealCrashLoop() {
    Set<String> generated =
        OpspulseRules.alerts(OpspulseRules.defaults()).stream()
            .map(AlertRule::name)
            .collect(Collectors.toSet());
    JsonNode groups = lab.prometheus().api("/api/v1/rules?type=alert").path("groups");
    Map<String, Double> pendingSeconds = new TreeMap<>();
    groups.forEach(
        g ->
            g.path("rules")
                .forEach(
                    r ->
                        pendingSeconds.put(
                            r.path("name").asText(), r.path("duration").asDouble())));
    assertThat(pendingSeconds.keySet()).containsExactlyInAnyOrderElementsOf(generated);
    assertThat(pendingSeconds.values()).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(20.0));

    Alert loop =
        lab.prometheus().alerts().stream()
            .filter(
                a -> a.name().equals("OpspulseContainerCrashLooping") && a.state().equals("firing"))
            .filter(a -> a.labels().get("name").equals("sutazai_system-architect_1"))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no crash-loop alert for the 127 loop:\n" + lab.logTails(20)));
    assertThat(loop.labels())
        .containsEntry("severity", "warning")
        .containsEntry("job", RunningLab.EXPORTER_JOB);
    String restarts =
        lab.daemon()
            .dockerOk("inspect", "--format", "{{.RestartCount}}", "sutazai_system-architect_1");
    assertThat(Integer.parseInt(restarts)).isGreaterThan(3);
  }

  /**
   * Issue 5: every panel of every committed dashboard shows data once Prometheus has scraped the
   * lab.
   */
  @Test
  @Order(3)
  void everyDashboardPanelQueryReturnsSeries() {
    List<PanelQuery> queries =
        PanelQueries.loadAll(
            REPO.resolve("dashboards/json"),
            Substitution.builder().rateInterval("1m").range("5m").build());
    assertThat(queries).hasSizeGreaterThan(50);
    List<String> lastEmpty = new ArrayList<>();
    try {
      Poll.untilTrue(
          "every panel query to return a series",
          Duration.ofSeconds(90),
          () -> {
            lastEmpty.clear();
            for (PanelQuery q : queries) {
              if (!PANELS_WITHOUT_DATA.containsKey(q.describe())
                  && lab.prometheus().query(q.expr()).isEmpty()) {
                lastEmpty.add(q.describe() + ": " + q.expr());
              }
            }
            return lastEmpty.isEmpty();
          });
    } catch (AssertionError timedOut) {
      assertThat(lastEmpty).as("panel queries still without a series after 90 s").isEmpty();
    }
    for (String known : PANELS_WITHOUT_DATA.keySet()) {
      PanelQuery q =
          queries.stream()
              .filter(x -> x.describe().equals(known))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          known
                              + " is no longer a panel query: remove it from PANELS_WITHOUT_DATA"));
      assertThat(lab.prometheus().query(q.expr()))
          .as(known + " now returns data: remove it from PANELS_WITHOUT_DATA")
          .isEmpty();
    }
  }

  @Test
  @Order(4)
  void theExporterReportReadsLikeTheIncidentReports() {
    String report = lab.report();
    System.out.print(report);
    assertThat(report)
        .containsPattern("\\d+ containers running where 17 are declared \\(\\d+ extra\\)")
        .contains(
            "anonymous",
            "deprecated",
            "postgres-mcp-485297-1755469768",
            "orphan",
            "sutazai_legacy-worker_1")
        .contains("declared but not running:", "sutazai/consul", "sutazai/kong", "sutazai/rabbitmq")
        .contains("11 exited containers not removed")
        .containsPattern(
            "sutazai_system-architect_1 +restarting +\\d+ +127 +127: command not found")
        // Between two OOM kills it may be running again, and then inspect no longer shows the 137.
        .containsPattern("sutazai_model-loader_1 +\\S+ +\\d+ +(137|-) ")
        .contains("2 of 4 health-checked containers healthy (50%)", "unhealthy: sutazai_api_1")
        .contains("health-check timeout 0.5s (< 2s floor) on sutazai_text-analysis-agent_1")
        .containsPattern(
            "CPU limits of running containers add up to [0-9.]+ cores: \\d+% of \\d+ CPUs  OVERCOMMITTED")
        .containsPattern("memory limits add up to .*  OVERCOMMITTED");
  }

  /**
   * Issue 16: the lab's alerts reach a real Alertmanager running the shipped configuration. The
   * lab's fleet health (2 of 4 healthy) fires both grades; the critical one must inhibit the
   * warning one, and each agent exiting 127 is its own compose service, so its own notification to
   * the pager.
   */
  @Test
  @Order(5)
  void alertmanagerGroupsAndInhibitsTheLabsAlerts() {
    // The Watchdog fires at Prometheus' first evaluation, before its notifier may know the
    // Alertmanager;
    // then it arrives with Prometheus' next resend, within a minute.
    List<JsonNode> groups =
        Poll.until(
            "Alertmanager to hold the lab's fleet health grades, agents and Watchdog",
            Duration.ofMinutes(3),
            () -> {
              List<JsonNode> all = new ArrayList<>();
              lab.alertmanager().api("/api/v2/alerts/groups").forEach(all::add);
              List<JsonNode> alerts =
                  all.stream().flatMap(g -> toList(g.path("alerts")).stream()).toList();
              boolean ready =
                  alerts.stream().anyMatch(a -> is(a, "OpspulseWatchdog", "none"))
                      && alerts.stream()
                          .anyMatch(a -> is(a, "OpspulseFleetHealthDegraded", "critical"))
                      && alerts.stream()
                          .anyMatch(a -> is(a, "OpspulseFleetHealthDegraded", "warning"))
                      && alerts.stream()
                              .filter(a -> is(a, "OpspulseContainerCommandNotFound", "critical"))
                              .count()
                          == 3
                      && alerts.stream()
                          .noneMatch(
                              a -> a.path("status").path("state").asText().equals("unprocessed"));
              return ready ? all : null;
            });
    List<JsonNode> alerts =
        groups.stream().flatMap(g -> toList(g.path("alerts")).stream()).toList();
    assertThat(alerts)
        .filteredOn(a -> is(a, "OpspulseFleetHealthDegraded", "warning"))
        .allSatisfy(
            a -> assertThat(a.path("status").path("state").asText()).isEqualTo("suppressed"));
    assertThat(alerts)
        .filteredOn(a -> is(a, "OpspulseFleetHealthDegraded", "critical"))
        .allSatisfy(a -> assertThat(a.path("status").path("state").asText()).isEqualTo("active"));
    assertThat(groups)
        .filteredOn(
            g ->
                g.path("labels")
                    .path("alertname")
                    .asText()
                    .equals("OpspulseContainerCommandNotFound"))
        .extracting(
            g ->
                g.path("labels").path("compose_service").asText()
                    + "->"
                    + g.path("receiver").path("name").asText())
        .containsExactlyInAnyOrder(
            "ai-agent-orchestrator->pager",
            "system-architect->pager",
            "deployment-automation-master->pager");
    String board = AlertBoard.routing(lab.alertmanager().api("/api/v2/alerts/groups"));
    System.out.print(board);
    assertThat(board)
        .contains("would page: ")
        .contains("OpspulseContainerCommandNotFound")
        .containsPattern("(?m)^watchdog +1 +1 +0$");
  }

  /**
   * Report 000's backend spins under a 0.01-CPU limit; whether it gets all of that quota depends on
   * the host, so the alert itself is only awaited on an idle one. What the alert reads is asserted
   * always: the limit, a usage counter that moves, and the ratio the recording rule writes, equal
   * to rate/limit computed here from the raw series at the same instant. At that instant the alert
   * is active exactly when the ratio is above the threshold: the same rule group evaluates both.
   */
  @Test
  @Order(6)
  void theBackendsCpuIsMeasuredAgainstItsLimit() {
    List<RuleGroup> rules = OpspulseRules.defaults();
    AlertRule alert =
        OpspulseRules.alerts(rules).stream()
            .filter(a -> a.name().equals(CPU_NEAR_LIMIT))
            .findFirst()
            .orElseThrow();
    String[] parts = alert.expr().split(" > ");
    assertThat(parts).as("%s is ratio > threshold: %s", CPU_NEAR_LIMIT, alert.expr()).hasSize(2);
    String ratio = parts[0].strip();
    assertThat(Double.parseDouble(parts[1].strip())).isEqualTo(Thresholds.CPU_NEAR_LIMIT.value());
    double threshold = Thresholds.CPU_NEAR_LIMIT.value();
    String usage = DockerMetrics.CONTAINER_CPU_USAGE.name();
    String rateWindow =
        rules.stream()
            .flatMap(g -> g.recordings().stream())
            .map(RecordingRule::expr)
            .filter(e -> e.startsWith("rate(" + usage))
            .map(e -> e.replaceAll("(?s).*\\[(\\w+)].*", "$1"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no recording rule takes the rate of " + usage));
    String backend = "{name=\"" + BACKEND + "\"}";
    String limit = DockerMetrics.CONTAINER_CPU_LIMIT.name() + backend;

    assertThat(
            Poll.until(
                    "the backend's CPU limit in Prometheus",
                    Duration.ofMinutes(1),
                    () -> single(limit))
                .value())
        .isEqualTo(BACKEND_CPU_LIMIT);
    Poll.until(
        "the backend's CPU usage to move",
        Duration.ofMinutes(2),
        () -> single("increase(" + usage + backend + "[1m]) > 0"));

    // One evaluation of the fleet group, at its own timestamp: the ratio it recorded, the quotient
    // of the
    // raw series at that instant, and whether the alert was active then. A scrape appended just
    // after the
    // evaluation can change the quotient, so a few evaluations are tried; a wrong rule never
    // matches.
    double[] seen = new double[3];
    Poll.untilTrue(
        "the recorded ratio to equal rate/limit of the raw series",
        Duration.ofMinutes(2),
        () -> {
          Sample at = single("timestamp(" + ratio + backend + ")");
          if (at == null) {
            return false;
          }
          String t = String.format(Locale.ROOT, "%.3f", at.value());
          Sample recorded = single(ratio + backend + " @ " + t);
          Sample raw =
              single(
                  "rate("
                      + usage
                      + backend
                      + "["
                      + rateWindow
                      + "] @ "
                      + t
                      + ") / "
                      + limit
                      + " @ "
                      + t);
          if (recorded == null || raw == null) {
            return false;
          }
          seen[0] = recorded.value();
          seen[1] = raw.value();
          seen[2] =
              single(
                          "ALERTS"
                              + "{alertname=\""
                              + CPU_NEAR_LIMIT
                              + "\", name=\""
                              + BACKEND
                              + "\"} @ "
                              + t)
                      == null
                  ? 0
                  : 1;
          return Math.abs(recorded.value() - raw.value())
              <= 1e-9 * Math.max(1, Math.abs(raw.value()));
        });
    double measured = seen[0];
    assertThat(measured).as("the backend spins, so it uses some of its quota").isPositive();
    assertThat(seen[2] == 1)
        .as(
            "%s active at the evaluation that recorded ratio %s (threshold %s)",
            CPU_NEAR_LIMIT, measured, threshold)
        .isEqualTo(measured > threshold);

    double loadPerCpu = loadPerCpu();
    if (loadPerCpu < IDLE_LOAD_PER_CPU) {
      Poll.until(
          CPU_NEAR_LIMIT
              + " to fire for "
              + BACKEND
              + " on an idle host (load per CPU "
              + loadPerCpu
              + ")",
          Duration.ofMinutes(3),
          () ->
              lab.prometheus().alerts().stream()
                  .filter(a -> a.name().equals(CPU_NEAR_LIMIT) && a.state().equals("firing"))
                  .filter(a -> BACKEND.equals(a.labels().get("name")))
                  .findFirst()
                  .orElse(null));
    } else {
      System.out.printf(
          Locale.ROOT,
          "%s not awaited: load per CPU %.2f >= %.2f; the backend's ratio was %.3f%n",
          CPU_NEAR_LIMIT,
          loadPerCpu,
          IDLE_LOAD_PER_CPU,
          measured);
    }
  }

  /** The one series {@code promql} returns now, or null when it returns none. */
  private static Sample single(String promql) {
    List<Sample> result = lab.prometheus().query(promql);
    assertThat(result).as(promql).hasSizeLessThanOrEqualTo(1);
    return result.isEmpty() ? null : result.get(0);
  }

  /** The host's 1-minute load average per CPU: the lab's dockerd runs on this host. */
  private static double loadPerCpu() {
    try {
      double load1 = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      return load1 / Runtime.getRuntime().availableProcessors();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean is(JsonNode alert, String name, String severity) {
    return alert.path("labels").path("alertname").asText().equals(name)
        && alert.path("labels").path("severity").asText().equals(severity);
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  @Test
  @Order(99)
  void stoppingLeavesNothingRunning() {
    assertThat(recorded.processes())
        .extracting(LabState.Proc::label)
        .contains(
            "dockerd", "prometheus", "alertmanager", "exporter", "node_exporter", "demo-service");
    List<Long> pids = recorded.processes().stream().map(LabState.Proc::pid).toList();
    String dockerRoot = recorded.privateDaemonRoot();
    lab.close();
    Poll.untilTrue(
        "every process the lab started to be gone",
        Duration.ofSeconds(30),
        () -> lab.leftovers(recorded).isEmpty());
    assertThat(pids)
        .allSatisfy(
            pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("pid " + pid)
                    .isFalse());
    assertThat(Reaper.namingFolder(dockerRoot))
        .as("dockerd, containerd or shims of " + dockerRoot)
        .isEmpty();
    assertThat(Path.of(dockerRoot)).doesNotExist();
    assertThat(Path.of(recorded.workDir())).doesNotExist();
    assertThat(tmp.resolve("state.json")).doesNotExist();
  }
}
