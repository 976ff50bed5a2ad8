package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Docker sends health_status only when the status flips; a check failing its first retries changes
 * nothing Docker announces. The failing streak must still follow each failed check, whether the
 * check exits non-zero or times out, well before the periodic resync (60 s here) could tell.
 */
@ExtendWith(DockerDaemonExtension.class)
class HealthStreakIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void theFailingStreakFollowsEachFailedCheckBeforeTheStatusFlips(PrivateDockerDaemon docker)
      throws Exception {
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
      // Many retries, so the status stays "starting" while the streak climbs.
      String failing =
          docker
              .run(
                  "--name",
                  "hc-exits",
                  "--health-cmd",
                  "false",
                  "--health-interval",
                  "1s",
                  "--health-timeout",
                  "1s",
                  "--health-retries",
                  "50",
                  PrivateDockerDaemon.BUSYBOX,
                  "sleep",
                  "300")
              .substring(0, 12);
      String slow =
          docker
              .run(
                  "--name",
                  "hc-times-out",
                  "--health-cmd",
                  "sleep 30",
                  "--health-interval",
                  "1s",
                  "--health-timeout",
                  "1s",
                  "--health-retries",
                  "50",
                  PrivateDockerDaemon.BUSYBOX,
                  "sleep",
                  "300")
              .substring(0, 12);
      try {
        for (String id : List.of(failing, slow)) {
          Poll.untilTrue(
              id + "'s streak at 3 or more",
              WAIT,
              () ->
                  Exposition.scrape(url)
                          .find("docker_container_health_failing_streak", "id", id)
                          .orElse(0.0)
                      >= 3);
          Exposition m = Exposition.scrape(url);
          assertThat(m.find("docker_container_health_status", "id", id, "status", "starting"))
              .as(id)
              .contains(1.0);
          double streak = m.find("docker_container_health_failing_streak", "id", id).orElseThrow();
          double docker_ =
              Double.parseDouble(
                  docker
                      .dockerOk("inspect", "--format", "{{.State.Health.FailingStreak}}", id)
                      .strip());
          // The engine runs a check a second; the exporter may trail it by about one.
          assertThat(streak).as(id).isBetween(docker_ - 2, docker_);
        }
        assertThat(
                Exposition.scrape(url).find("opspulse_exporter_resyncs_total", "cause", "period"))
            .isEmpty();
      } finally {
        docker.dockerOk("rm", "-f", failing, slow);
      }
    }
  }
}
