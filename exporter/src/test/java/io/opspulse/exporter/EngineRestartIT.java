package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The engine goes away under the exporter and comes back: it keeps serving, recovers, counts on.
 */
class EngineRestartIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void theExporterSurvivesTheEngineRestartingAndItsCountersNeverDecrease() throws Exception {
    try (PrivateDockerDaemon docker = PrivateDockerDaemon.start().withBusybox()) {
      String id12 =
          docker
              .run(
                  "--name",
                  "looper",
                  "--restart",
                  "always",
                  PrivateDockerDaemon.BUSYBOX,
                  "sh",
                  "-c",
                  "sleep 0.3; exit 3")
              .substring(0, 12);
      try (Exporter exporter =
          new Exporter(
                  ExporterConfig.builder()
                      .dockerHost(docker.dockerHost())
                      .listenAddress("127.0.0.1:0")
                      .resyncPeriod(Duration.ofSeconds(2))
                      .build())
              .start()) {
        String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
        // Restarts before the exporter started count at first sight, exits only from die events it
        // saw: wait for both.
        Exposition before =
            Poll.until(
                "restarts and a seen exit before the engine stops",
                WAIT,
                () -> {
                  Exposition m = Exposition.scrape(url);
                  return m.find("docker_container_restarts_total", "id", id12).orElse(0.0) >= 2
                          && m.find("docker_container_exits_total", "id", id12, "reason", "error")
                              .isPresent()
                      ? m
                      : null;
                });
        double restartsBefore =
            before.find("docker_container_restarts_total", "id", id12).orElseThrow();
        double exitsBefore =
            before
                .find("docker_container_exits_total", "id", id12, "reason", "error")
                .orElseThrow();

        docker.stopDaemon();
        // Still serving, and saying the engine is gone; the last known fleet is kept, not dropped.
        Poll.untilTrue(
            "docker_up 0", WAIT, () -> Exposition.scrape(url).find("docker_up").orElse(-1.0) == 0);
        Exposition down = Exposition.scrape(url);
        assertThat(down.find("docker_container_restarts_total", "id", id12))
            .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(restartsBefore));
        assertThat(down.find("opspulse_exporter_docker_api_errors_total", "operation", "info"))
            .hasValueSatisfying(v -> assertThat(v).isGreaterThan(0));

        docker.restartDaemon();
        Poll.untilTrue(
            "docker_up 1 again",
            WAIT,
            () -> Exposition.scrape(url).find("docker_up").orElse(-1.0) == 1);
        // The restart policy brings the container back, Docker's RestartCount starts over, ours
        // does not.
        Poll.until(
            "restarts to grow past the count before the engine restart",
            WAIT,
            () ->
                Exposition.scrape(url)
                    .find("docker_container_restarts_total", "id", id12)
                    .filter(v -> v > restartsBefore)
                    .orElse(null));
        Exposition up = Exposition.scrape(url);
        assertThat(up.find("docker_container_exits_total", "id", id12, "reason", "error"))
            .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(exitsBefore));
        assertThat(up.find("opspulse_exporter_resyncs_total", "cause", "reconnect"))
            .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1));
      }
    }
  }
}
