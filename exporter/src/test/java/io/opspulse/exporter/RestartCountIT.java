package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Crash loops watched while the exporter resyncs every second over hundreds of containers: events
 * and resyncs both feed the model, and an inspect applied out of order would look like a reset and
 * count the next restart twice. At the end, the exporter's count equals Docker's RestartCount
 * exactly.
 */
@ExtendWith(DockerDaemonExtension.class)
class RestartCountIT {
  private static final int IDLE_CONTAINERS = 300;
  private static final Duration CHURN = Duration.ofSeconds(45);

  @Test
  void restartsEqualDockersRestartCountAfterChurnWithSecondlyResyncs(PrivateDockerDaemon docker)
      throws Exception {
    List<String> idle = new ArrayList<>();
    List<String> loopers = new ArrayList<>();
    try (DockerClient api = EngineApi.client(docker)) {
      for (int i = 0; i < IDLE_CONTAINERS; i++) {
        idle.add(
            api.createContainerCmd(PrivateDockerDaemon.BUSYBOX)
                .withName("idle-" + i)
                .withCmd("true")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .exec()
                .getId());
      }
      try (Exporter exporter =
          new Exporter(
                  ExporterConfig.builder()
                      .dockerHost(docker.dockerHost())
                      .listenAddress("127.0.0.1:0")
                      .gpuEnabled(false)
                      .resyncPeriod(Duration.ofSeconds(1))
                      .build())
              .start()) {
        String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
        Poll.untilTrue(
            "the first resync",
            Duration.ofSeconds(120),
            () ->
                Exposition.scrape(url)
                    .find("opspulse_exporter_resyncs_total", "cause", "start")
                    .isPresent());
        for (int i = 0; i < 4; i++) {
          loopers.add(
              docker.run(
                  "--name",
                  "looper-" + i,
                  "--restart",
                  "always",
                  PrivateDockerDaemon.BUSYBOX,
                  "sh",
                  "-c",
                  "sleep " + (1 + i) + "; exit 1"));
        }
        Thread.sleep(
            CHURN.toMillis()); // the churn itself: let the loops run under secondly resyncs
        for (String id : loopers) {
          docker.dockerOk("update", "--restart", "no", id);
        }
        for (String id : loopers) {
          Poll.untilTrue(
              id + " to stop looping",
              Duration.ofSeconds(60),
              () ->
                  !docker
                      .dockerOk("inspect", "--format", "{{.State.Running}}", id)
                      .strip()
                      .equals("true"));
        }
        double resyncs =
            Exposition.scrape(url)
                .find("opspulse_exporter_resyncs_total", "cause", "period")
                .orElseThrow();
        Poll.untilTrue(
            "two more resyncs after the loops ended",
            Duration.ofSeconds(120),
            () ->
                Exposition.scrape(url)
                        .find("opspulse_exporter_resyncs_total", "cause", "period")
                        .orElse(0.0)
                    >= resyncs + 2);
        assertThat(resyncs).as("resyncs during the churn").isGreaterThanOrEqualTo(5);

        Exposition m = Exposition.scrape(url);
        long total = 0;
        for (String id : loopers) {
          int dockerCount =
              Integer.parseInt(
                  docker.dockerOk("inspect", "--format", "{{.RestartCount}}", id).strip());
          total += dockerCount;
          assertThat(m.find("docker_container_restarts_total", "id", id.substring(0, 12)))
              .as("restarts of " + id)
              .contains((double) dockerCount);
        }
        assertThat(total).as("restarts in all").isGreaterThanOrEqualTo(8);
      }
    } finally {
      for (String id : loopers) {
        docker.dockerOk("rm", "-f", id);
      }
      if (!idle.isEmpty()) {
        List<String> rm = new ArrayList<>(List.of("rm", "-f"));
        rm.addAll(idle);
        docker.dockerOk(rm.toArray(String[]::new));
      }
    }
  }
}
