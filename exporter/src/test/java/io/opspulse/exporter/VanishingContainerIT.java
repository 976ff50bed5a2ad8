package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docker_state_exporter dies when a container vanishes between list and inspect. Here a proxy
 * removes a real container just before the exporter's inspect of it reaches the real daemon, which
 * answers 404.
 */
@ExtendWith(DockerDaemonExtension.class)
class VanishingContainerIT {

  @Test
  void aContainerRemovedBetweenListAndInspectIsSimplyGone(PrivateDockerDaemon docker)
      throws Exception {
    String doomed =
        docker.run("--name", "short-lived", PrivateDockerDaemon.BUSYBOX, "sleep", "300");
    String stays = docker.run("--name", "stays", PrivateDockerDaemon.BUSYBOX, "sleep", "300");
    AtomicBoolean removed = new AtomicBoolean();
    try (EngineProxy proxy =
            EngineProxy.watching(
                docker.root().resolve("proxy.sock"),
                docker.socket(),
                path -> {
                  if (path.startsWith("/containers/" + doomed + "/json")
                      && removed.compareAndSet(false, true)) {
                    docker.dockerOk("rm", "-f", doomed);
                  }
                });
        Exporter exporter =
            new Exporter(
                    ExporterConfig.builder()
                        .dockerHost(proxy.dockerHost())
                        .listenAddress("127.0.0.1:0")
                        .build())
                .start()) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue(
          "the first resync to finish",
          Duration.ofSeconds(30),
          () ->
              Exposition.scrape(url)
                  .find("opspulse_exporter_resyncs_total", "cause", "start")
                  .isPresent());
      Exposition m = Exposition.scrape(url);
      assertThat(removed).isTrue();
      assertThat(m.find("docker_up")).contains(1.0);
      assertThat(m.find("docker_container_info", "id", stays.substring(0, 12))).contains(1.0);
      assertThat(m.find("docker_container_info", "id", doomed.substring(0, 12))).isEmpty();
      assertThat(m.find("opspulse_exporter_docker_api_errors_total", "operation", "inspect"))
          .isEmpty();
    } finally {
      docker.dockerOk("rm", "-f", stays);
    }
  }
}
