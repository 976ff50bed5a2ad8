package io.opspulse.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.rules.OpspulseRules;
import io.opspulse.rules.Overrides;
import io.opspulse.rules.RuleYaml;
import io.opspulse.testkit.ManagedProcess;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.PrometheusServer;
import io.opspulse.testkit.PrometheusServer.Alert;
import io.opspulse.testkit.PrometheusServer.Sample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many hosts, the way docs/deployment.md describes them: two Docker hosts (two private daemons, an
 * exporter each), each scraped by its own Prometheus that remote-writes to a central Prometheus
 * ({@code --web.enable-remote-write-receiver}) where the rules run. Alerts must name the right
 * host, a host whose exporter goes dark must alert while the other keeps reporting, and the series
 * each host sends are counted (the figure docs/deployment.md quotes).
 */
class ManyHostsIT {
  static final Path REPO =
      Path.of(System.getProperty("opspulse.repo", "..")).toAbsolutePath().normalize();
  static final Path EXPORTER_JAR = REPO.resolve("exporter/target/opspulse-exporter.jar");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void centralRulesSeeEveryHostByInstanceAndAHostGoingDark(@TempDir Path dir) throws Exception {
    assertThat(EXPORTER_JAR).as("the exporter jar (mvn -pl exporter -am package)").exists();
    // The shipped rules with pending periods cut to zero, as the lab loads them.
    Map<String, Overrides.AlertOverride> now = new LinkedHashMap<>();
    OpspulseRules.alerts(OpspulseRules.defaults())
        .forEach(a -> now.put(a.name(), new Overrides.AlertOverride("0s", null, true)));
    Path rules =
        Files.writeString(
            dir.resolve("rules.yml"),
            RuleYaml.prometheusRules(
                OpspulseRules.build(
                    new Overrides(Overrides.DEFAULT_PREFIX, "", Map.of(), Map.of(), now))));

    try (PrivateDockerDaemon engine1 = PrivateDockerDaemon.start().withBusybox();
        PrivateDockerDaemon engine2 = PrivateDockerDaemon.start().withBusybox()) {
      // Host 1: report 003's agent exiting 127 beside one running service. Host 2: six running
      // services.
      engine1.dockerOk(
          "run",
          "-d",
          "--network",
          "none",
          "--name",
          "shop-agent-1",
          "--label",
          "com.docker.compose.project=shop",
          "--label",
          "com.docker.compose.service=agent",
          PrivateDockerDaemon.BUSYBOX,
          "sh",
          "-c",
          "pip install fastapi");
      engine1.dockerOk(
          "run",
          "-d",
          "--network",
          "none",
          "--name",
          "shop-web-1",
          PrivateDockerDaemon.BUSYBOX,
          "sleep",
          "3600");
      for (int i = 1; i <= 6; i++) {
        engine2.dockerOk(
            "run",
            "-d",
            "--network",
            "none",
            "--name",
            "web-" + i,
            PrivateDockerDaemon.BUSYBOX,
            "sleep",
            "3600");
      }
      int port1 = Ports.freeLoopbackPort();
      int port2 = Ports.freeLoopbackPort();
      String host1 = "127.0.0.1:" + port1;
      String host2 = "127.0.0.1:" + port2;
      try (ManagedProcess exporter1 = exporter(engine1, port1, dir.resolve("exporter1.log"));
          ManagedProcess exporter2 = exporter(engine2, port2, dir.resolve("exporter2.log"));
          PrometheusServer central =
              PrometheusServer.builder().remoteWriteReceiver().ruleFile(rules).start();
          PrometheusServer edge1 =
              PrometheusServer.builder()
                  .scrape("docker", host1)
                  .externalLabel("edge", "host-1")
                  .remoteWrite(central.url() + "/api/v1/write")
                  .start();
          PrometheusServer edge2 =
              PrometheusServer.builder()
                  .scrape("docker", host2)
                  .externalLabel("edge", "host-2")
                  .remoteWrite(central.url() + "/api/v1/write")
                  .start()) {

        // The agent's exit 127 fires centrally, on host 1 only, and names its host.
        Alert agent =
            Poll.until(
                "OpspulseContainerCommandNotFound to fire on the central Prometheus",
                Duration.ofMinutes(3),
                () ->
                    firing(central, "OpspulseContainerCommandNotFound", host1)
                        .orElseThrow(
                            () ->
                                new AssertionError(
                                    "not yet; central alerts: "
                                        + central.alerts()
                                        + "\nexporter1: "
                                        + exporter1.logTail(5))));
        assertThat(agent.labels())
            .containsEntry("instance", host1)
            .containsEntry("edge", "host-1")
            .containsEntry("name", "shop-agent-1")
            .containsEntry("compose_service", "agent");
        assertThat(central.alerts())
            .filteredOn(a -> a.name().equals("OpspulseContainerCommandNotFound"))
            .allSatisfy(a -> assertThat(a.labels().get("instance")).isEqualTo(host1));

        // The series each host sends, once both hosts' exporters have listed their containers.
        Map<String, Double> perHost =
            Poll.until(
                "both hosts' container series at the central Prometheus",
                Duration.ofMinutes(2),
                () -> {
                  Map<String, Double> containers =
                      byInstance(central.query("count by (instance) (docker_container_info)"));
                  return containers.getOrDefault(host1, 0.0) == 2
                          && containers.getOrDefault(host2, 0.0) == 6
                      ? byInstance(central.query("count by (instance) ({job=\"docker\"})"))
                      : null;
                });
        double perRunningContainer = (perHost.get(host2) - perHost.get(host1)) / 5;
        System.out.printf(
            "ManyHostsIT: series at the central Prometheus: host 1 (2 containers) %.0f, host 2"
                + " (6 running containers) %.0f, so about %.1f per running container and %.0f per host besides%n",
            perHost.get(host1),
            perHost.get(host2),
            perRunningContainer,
            perHost.get(host2) - 6 * perRunningContainer);
        assertThat(perHost.get(host2))
            .as("six running containers send more than two")
            .isGreaterThan(perHost.get(host1));
        assertThat(central.alerts()).extracting(Alert::name).doesNotContain("OpspulseExporterDown");

        // Host 2 goes dark: its exporter stops; its own Prometheus keeps reporting up == 0
        // upstream.
        exporter2.stop(Duration.ofSeconds(20));
        Alert dark =
            Poll.until(
                "OpspulseExporterDown for host 2 at the central Prometheus",
                Duration.ofMinutes(2),
                () -> firing(central, "OpspulseExporterDown", host2).orElse(null));
        assertThat(dark.labels())
            .containsEntry("instance", host2)
            .containsEntry("edge", "host-2")
            .containsEntry("severity", "critical");
        assertThat(central.alerts())
            .filteredOn(a -> a.name().equals("OpspulseExporterDown"))
            .as("host 1 still reports")
            .allSatisfy(a -> assertThat(a.labels().get("instance")).isEqualTo(host2));
        assertThat(central.alerts())
            .extracting(Alert::name)
            .as("another host still reports docker_up")
            .doesNotContain("OpspulseExporterAbsent");
      }
    }
  }

  private static ManagedProcess exporter(PrivateDockerDaemon engine, int port, Path log)
      throws Exception {
    ManagedProcess p =
        ManagedProcess.start(
            "exporter",
            List.of(
                RunningLab.java(),
                "-Xmx192m",
                "-jar",
                EXPORTER_JAR.toString(),
                "--docker.host",
                engine.dockerHost(),
                "--web.listen-address",
                "127.0.0.1:" + port,
                "--gpu.enabled",
                "false",
                "--resync.period",
                "10s",
                "--cgroup.interval",
                "2s"),
            Map.of(),
            log);
    Poll.untilTrue(
        "the exporter on " + port + " to serve",
        Duration.ofSeconds(90),
        () -> {
          if (!p.isAlive()) {
            throw new IllegalStateException("exporter exited: " + p.logTail(20));
          }
          try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body()
                .contains("\ndocker_up ");
          } catch (java.io.IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
    return p;
  }

  private static Optional<Alert> firing(PrometheusServer prometheus, String name, String instance) {
    return prometheus.alerts().stream()
        .filter(
            a ->
                a.name().equals(name)
                    && a.state().equals("firing")
                    && instance.equals(a.labels().get("instance")))
        .findFirst();
  }

  private static Map<String, Double> byInstance(List<Sample> samples) {
    Map<String, Double> out = new LinkedHashMap<>();
    samples.forEach(s -> out.put(s.label("instance"), s.value()));
    return out;
  }
}
