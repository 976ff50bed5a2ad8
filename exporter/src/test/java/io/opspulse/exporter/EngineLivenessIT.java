package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A silent engine: dockerd frozen with SIGSTOP still has its socket accepting connections (the
 * kernel queues them) but answers nothing, and its event stream simply goes quiet. The exporter
 * must notice, say {@code docker_up 0}, and come back by itself once the engine answers again.
 */
class EngineLivenessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void aFrozenEngineIsDownUntilItAnswersAgain() throws Exception {
    try (PrivateDockerDaemon docker = PrivateDockerDaemon.start().withBusybox();
        Exporter exporter =
            new Exporter(
                    ExporterConfig.builder()
                        .dockerHost(docker.dockerHost())
                        .listenAddress("127.0.0.1:0")
                        .gpuEnabled(false)
                        .engineTimeout(Duration.ofSeconds(2))
                        .build())
                .start()) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue(
          "docker_up 1", WAIT, () -> Exposition.scrape(url).find("docker_up").orElse(0.0) == 1);
      // A healthy engine over several pings: up all along, and the stream never dropped.
      long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      while (System.nanoTime() < until) {
        assertThat(Exposition.scrape(url).find("docker_up")).contains(1.0);
        Thread.sleep(500);
      }
      assertThat(
              Exposition.scrape(url)
                  .samples(
                      "opspulse_exporter_resyncs_total", s -> !"start".equals(s.label("cause"))))
          .isEmpty();

      signal("STOP", docker.pid());
      try {
        Poll.untilTrue(
            "docker_up 0 while the engine is frozen",
            WAIT,
            () -> Exposition.scrape(url).find("docker_up").orElse(-1.0) == 0);
        assertThat(
                Exposition.scrape(url)
                    .find("opspulse_exporter_docker_api_errors_total", "operation", "ping"))
            .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1));
      } finally {
        signal("CONT", docker.pid());
      }
      Poll.untilTrue(
          "docker_up 1 again",
          WAIT,
          () -> Exposition.scrape(url).find("docker_up").orElse(0.0) == 1);
      String late =
          docker
              .run("--name", "after-thaw", PrivateDockerDaemon.BUSYBOX, "sleep", "300")
              .substring(0, 12);
      Poll.untilTrue(
          "a container started after the thaw, seen through the reopened stream",
          WAIT,
          () ->
              Exposition.scrape(url)
                      .find("docker_container_state", "id", late, "state", "running")
                      .orElse(0.0)
                  == 1);
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(p.waitFor()).as("kill -" + signal + " " + pid).isZero();
  }
}
