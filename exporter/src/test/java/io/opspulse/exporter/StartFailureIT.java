package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Report 002's "API container fails to start": Docker cannot exec the command, records exit 127 (or
 * 126) with State.Error, and sends no die event. The exporter must still count the exit and name
 * its reason.
 */
@ExtendWith(DockerDaemonExtension.class)
class StartFailureIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void aStartThatFailsIsAnExitWithItsReason(PrivateDockerDaemon docker) throws Exception {
    try (Exporter exporter =
        new Exporter(
                ExporterConfig.builder()
                    .dockerHost(docker.dockerHost())
                    .listenAddress("127.0.0.1:0")
                    .gpuEnabled(false)
                    .build())
            .start()) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue(
          "the first resync",
          WAIT,
          () ->
              Exposition.scrape(url)
                  .find("opspulse_exporter_resyncs_total", "cause", "start")
                  .isPresent());

      // Created and started after the exporter is watching: the periodic resync (60 s) is not what
      // sees it.
      docker.docker(
          java.util.List.of(
              "run",
              "-d",
              "--network",
              "none",
              "--name",
              "api-127",
              "--label",
              "com.docker.compose.project=sutazai",
              "--label",
              "com.docker.compose.service=api",
              PrivateDockerDaemon.BUSYBOX,
              "uvicorn",
              "main:app"));
      docker.docker(
          java.util.List.of(
              "run",
              "-d",
              "--network",
              "none",
              "--name",
              "api-126",
              PrivateDockerDaemon.BUSYBOX,
              "/etc/passwd"));
      String id127 =
          docker.dockerOk("inspect", "--format", "{{.Id}}", "api-127").strip().substring(0, 12);
      String id126 =
          docker.dockerOk("inspect", "--format", "{{.Id}}", "api-126").strip().substring(0, 12);
      assertThat(
              docker
                  .dockerOk(
                      "inspect", "--format", "{{.State.ExitCode}} {{.State.Status}}", "api-127")
                  .strip())
          .isEqualTo("127 created");

      Poll.untilTrue(
          "both failed starts counted",
          WAIT,
          () -> {
            Exposition m = Exposition.scrape(url);
            return m.find(
                        "docker_container_exits_total", "id", id127, "reason", "command_not_found")
                    .isPresent()
                && m.find("docker_container_exits_total", "id", id126, "reason", "not_executable")
                    .isPresent();
          });
      Exposition m = Exposition.scrape(url);
      assertThat(m.find("docker_container_exits_total", "id", id127, "reason", "command_not_found"))
          .contains(1.0);
      assertThat(
              m.find(
                  "docker_container_last_exit_reason", "id", id127, "reason", "command_not_found"))
          .contains(1.0);
      assertThat(m.find("docker_container_last_exit_code", "id", id127)).contains(127.0);
      assertThat(m.find("docker_container_exits_total", "id", id126, "reason", "not_executable"))
          .contains(1.0);
      assertThat(
              m.find(
                  "compose_service_exits_total",
                  "compose_project",
                  "sutazai",
                  "compose_service",
                  "api",
                  "reason",
                  "command_not_found"))
          .contains(1.0);

      // A second docker start fails again: one more exit, not a recount of the first.
      docker.docker(java.util.List.of("start", "api-127"));
      Poll.untilTrue(
          "the second failed start",
          WAIT,
          () ->
              Exposition.scrape(url)
                      .find(
                          "docker_container_exits_total",
                          "id",
                          id127,
                          "reason",
                          "command_not_found")
                      .orElse(0.0)
                  == 2.0);
    } finally {
      docker.docker(java.util.List.of("rm", "-f", "api-127", "api-126"));
    }
  }
}
