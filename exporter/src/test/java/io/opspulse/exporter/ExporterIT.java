package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter against a real private Docker daemon, with real containers re-creating the incidents
 * of the reports: a 127 crash loop, an OOM kill, an unhealthy container with a too-short timeout,
 * and sprawl of every origin against a compose project.
 */
@ExtendWith(DockerDaemonExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExporterIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String BUSYBOX = PrivateDockerDaemon.BUSYBOX;

  private final PrivateDockerDaemon docker;
  private Path composeFile;
  private Path brokenFile;
  private Exporter exporter;

  ExporterIT(PrivateDockerDaemon docker) {
    this.docker = docker;
  }

  @BeforeAll
  void startExporter(@TempDir Path dir) throws Exception {
    composeFile = Files.createDirectories(dir.resolve("sutazai")).resolve("docker-compose.yml");
    Files.writeString(
        composeFile,
        """
        services:
          backend: {image: sutazai/backend}
          agent: {image: sutazai/agent, deploy: {replicas: 2}}
          consul: {image: consul}
          kong: {image: kong}
          rabbitmq: {image: rabbitmq, profiles: [queue]}
        """);
    brokenFile = Files.createDirectories(dir.resolve("broken")).resolve("compose.yaml");
    Files.writeString(
        brokenFile, "services:\n  web:\n    image: x\n    deploy: {replicas: lots}\n");
    exporter =
        new Exporter(
                ExporterConfig.builder()
                    .dockerHost(docker.dockerHost())
                    .listenAddress("127.0.0.1:0")
                    .composeFile(composeFile)
                    .composeFile(brokenFile)
                    .deprecatedName("postgres-mcp*")
                    .allowLabel("com.example.team")
                    .resyncPeriod(Duration.ofSeconds(2))
                    .cgroupInterval(Duration.ofMillis(500))
                    .build())
            .start();
  }

  @AfterAll
  void stopExporter() {
    if (exporter != null) {
      exporter.close();
    }
  }

  private Exposition scrape() {
    return Exposition.scrape("http://127.0.0.1:" + exporter.port() + "/metrics");
  }

  private double await(
      String what, String metric, java.util.function.DoublePredicate ok, String... labels) {
    return Poll.until(
        what,
        WAIT,
        () -> {
          Optional<Double> v = scrape().find(metric, labels);
          return v.isPresent() && ok.test(v.get()) ? v.get() : null;
        });
  }

  @Test
  void aCrashLoopExiting127IsCountedAndExplained() {
    String id =
        docker.run(
            "--name",
            "sutazai-agent-1",
            "--restart",
            "always",
            "--label",
            "com.docker.compose.project=sutazai",
            "--label",
            "com.docker.compose.service=agent",
            BUSYBOX,
            "sh",
            "-c",
            "echo installing; pip-install-everything");
    String id12 = id.substring(0, 12);
    await("restarts of the crash loop", "docker_container_restarts_total", v -> v >= 2, "id", id12);
    await(
        "exits counted as command_not_found",
        "docker_container_exits_total",
        v -> v >= 2,
        "id",
        id12,
        "reason",
        "command_not_found");
    Exposition m = scrape();
    assertThat(m.find("docker_container_last_exit_code", "id", id12)).contains(127.0);
    assertThat(
            m.find("docker_container_last_exit_reason", "id", id12, "reason", "command_not_found"))
        .contains(1.0);
    assertThat(m.find("docker_container_last_exit_reason", "id", id12, "reason", "error"))
        .contains(0.0);
    assertThat(m.find("docker_container_info", "id", id12)).contains(1.0);
    assertThat(m.samples("docker_container_info", s -> s.label("id").equals(id12)))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.label("origin")).isEqualTo("declared");
              assertThat(s.label("compose_service")).isEqualTo("agent");
            });

    // Re-create the service's container: the per-service count carries on across the new id.
    double before =
        await(
            "service exits",
            "compose_service_exits_total",
            v -> v >= 2,
            "compose_project",
            "sutazai",
            "compose_service",
            "agent",
            "reason",
            "command_not_found");
    docker.dockerOk("rm", "-f", id);
    String again =
        docker.run(
            "--name",
            "sutazai-agent-1",
            "--restart",
            "always",
            "--label",
            "com.docker.compose.project=sutazai",
            "--label",
            "com.docker.compose.service=agent",
            BUSYBOX,
            "sh",
            "-c",
            "pip-install-everything");
    await(
        "service exits to grow past the removed container's",
        "compose_service_exits_total",
        v -> v > before,
        "compose_project",
        "sutazai",
        "compose_service",
        "agent",
        "reason",
        "command_not_found");
    Poll.untilTrue(
        "the removed container's series to go",
        WAIT,
        () -> scrape().find("docker_container_info", "id", id12).isEmpty());
    docker.dockerOk("rm", "-f", again);
  }

  @Test
  void anOomKillIsTellsApartFromAPlainKill() {
    String oom =
        docker.run(
            "--name",
            "oom-victim",
            "-m",
            "16m",
            "--memory-swap",
            "16m",
            BUSYBOX,
            "dd",
            "if=/dev/zero",
            "of=/dev/null",
            "bs=64M",
            "count=1");
    String killed = docker.run("--name", "sigkilled", BUSYBOX, "sleep", "300");
    docker.dockerOk("kill", killed);
    await(
        "the OOM kill to be counted",
        "docker_container_oom_kills_total",
        v -> v >= 1,
        "id",
        oom.substring(0, 12));
    await(
        "the OOM reason",
        "docker_container_last_exit_reason",
        v -> v == 1,
        "id",
        oom.substring(0, 12),
        "reason",
        "oom_killed");
    await(
        "the plain SIGKILL reason",
        "docker_container_last_exit_reason",
        v -> v == 1,
        "id",
        killed.substring(0, 12),
        "reason",
        "killed");
    assertThat(scrape().find("docker_container_oom_kills_total", "id", killed.substring(0, 12)))
        .contains(0.0);
    assertThat(scrape().find("docker_container_memory_limit_bytes", "id", oom.substring(0, 12)))
        .contains(16.0 * 1024 * 1024);
  }

  @Test
  void anUnhealthyContainerWithATooShortTimeoutIsVisible() {
    String id =
        docker.run(
            "--name",
            "flappy",
            "--health-cmd",
            "exit 1",
            "--health-interval",
            "1s",
            "--health-timeout",
            "500ms",
            "--health-retries",
            "1",
            "--cpus",
            "0.25",
            BUSYBOX,
            "sleep",
            "300");
    String id12 = id.substring(0, 12);
    await(
        "unhealthy",
        "docker_container_health_status",
        v -> v == 1,
        "id",
        id12,
        "status",
        "unhealthy");
    await("a failing streak", "docker_container_health_failing_streak", v -> v >= 1, "id", id12);
    Exposition m = scrape();
    assertThat(m.find("docker_container_healthcheck_timeout_seconds", "id", id12)).contains(0.5);
    assertThat(m.find("docker_container_healthcheck_interval_seconds", "id", id12)).contains(1.0);
    assertThat(m.find("docker_container_cpu_limit_cores", "id", id12)).contains(0.25);
    assertThat(m.find("docker_container_health_status", "id", id12, "status", "healthy"))
        .contains(0.0);
    await("cgroup CPU usage", "docker_container_cpu_usage_seconds_total", v -> v > 0, "id", id12);
    await("cgroup memory usage", "docker_container_memory_usage_bytes", v -> v > 0, "id", id12);
    await("cgroup pids", "docker_container_pids", v -> v >= 1, "id", id12);
  }

  @Test
  void everyOriginIsToldApartAndMissingServicesShow() {
    String declared =
        docker.run(
            "--name",
            "sutazai-backend-1",
            "--label",
            "com.docker.compose.project=sutazai",
            "--label",
            "com.docker.compose.service=backend",
            "--label",
            "com.example.team=core",
            BUSYBOX,
            "sleep",
            "300");
    String orphan =
        docker.run(
            "--name",
            "sutazai-puppeteer-mcp-1",
            "--label",
            "com.docker.compose.project=sutazai",
            "--label",
            "com.docker.compose.service=puppeteer-mcp",
            BUSYBOX,
            "sleep",
            "300");
    String oneoff =
        docker.run(
            "--name",
            "sutazai-backend-run-1",
            "--label",
            "com.docker.compose.project=sutazai",
            "--label",
            "com.docker.compose.service=backend",
            "--label",
            "com.docker.compose.oneoff=True",
            BUSYBOX,
            "sleep",
            "300");
    String anonymous = docker.run(BUSYBOX, "sleep", "300");
    String unmanaged = docker.run("--name", "fetcher", BUSYBOX, "sleep", "300");
    String deprecated =
        docker.run("--name", "postgres-mcp-485297-1755469768", BUSYBOX, "sleep", "300");
    Poll.untilTrue(
        "all six containers to be seen",
        WAIT,
        () ->
            scrape()
                    .samples(
                        "docker_container_info",
                        s -> s.label("id").equals(deprecated.substring(0, 12)))
                    .size()
                == 1);
    Exposition m = scrape();
    assertThat(origin(m, declared)).isEqualTo("declared");
    assertThat(origin(m, orphan)).isEqualTo("orphan");
    assertThat(origin(m, oneoff)).isEqualTo("oneoff");
    assertThat(origin(m, anonymous)).isEqualTo("anonymous");
    assertThat(origin(m, unmanaged)).isEqualTo("unmanaged");
    assertThat(origin(m, deprecated)).isEqualTo("deprecated");
    assertThat(
            m.samples(
                "docker_container_info", s -> s.label("id").equals(declared.substring(0, 12))))
        .singleElement()
        .satisfies(s -> assertThat(s.label("label_com_example_team")).isEqualTo("core"));
    assertThat(m.find("docker_containers", "state", "running", "origin", "orphan"))
        .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1));

    // Declared and never started: consul and kong; rabbitmq sits behind an inactive profile.
    assertThat(
            m.find(
                "compose_service_desired_replicas",
                "compose_project",
                "sutazai",
                "compose_service",
                "consul"))
        .contains(1.0);
    assertThat(
            m.find(
                "compose_service_running_replicas",
                "compose_project",
                "sutazai",
                "compose_service",
                "consul"))
        .contains(0.0);
    assertThat(
            m.find(
                "compose_service_desired_replicas",
                "compose_project",
                "sutazai",
                "compose_service",
                "agent"))
        .contains(2.0);
    assertThat(
            m.find(
                "compose_service_desired_replicas",
                "compose_project",
                "sutazai",
                "compose_service",
                "rabbitmq"))
        .contains(0.0);
    assertThat(
            m.find(
                "compose_service_running_replicas",
                "compose_project",
                "sutazai",
                "compose_service",
                "backend"))
        .contains(1.0);
    for (String id : new String[] {declared, orphan, oneoff, anonymous, unmanaged, deprecated}) {
      docker.dockerOk("rm", "-f", id);
    }
  }

  @Test
  void aMalformedComposeFileIsReportedAndTheGoodOneStillCounts() {
    Poll.untilTrue(
        "the broken file's error",
        WAIT,
        () ->
            scrape()
                .find("opspulse_exporter_compose_file_errors", "path", brokenFile.toString())
                .isPresent());
    Exposition m = scrape();
    assertThat(m.samples("opspulse_exporter_compose_file_errors"))
        .singleElement()
        .satisfies(s -> assertThat(s.label("reason")).isEqualTo("schema"));
    assertThat(
            m.find(
                "compose_service_desired_replicas",
                "compose_project",
                "sutazai",
                "compose_service",
                "backend"))
        .contains(1.0);
  }

  @Test
  void theEngineAndTheExporterDescribeThemselves() {
    Exposition m = scrape();
    assertThat(m.find("docker_up")).contains(1.0);
    assertThat(m.find("docker_host_cpus"))
        .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1));
    assertThat(m.find("docker_host_memory_bytes"))
        .hasValueSatisfying(v -> assertThat(v).isGreaterThan(0));
    assertThat(
            m.samples(
                "docker_engine_info",
                s -> !s.label("version").isEmpty() && !s.label("api_version").isEmpty()))
        .hasSize(1);
    assertThat(m.find("opspulse_exporter_resyncs_total", "cause", "start")).contains(1.0);
    assertThat(m.find("opspulse_exporter_containers_dropped")).contains(0.0);
  }

  private static String origin(Exposition m, String id) {
    return m.samples("docker_container_info", s -> s.label("id").equals(id.substring(0, 12)))
        .get(0)
        .label("origin");
  }
}
