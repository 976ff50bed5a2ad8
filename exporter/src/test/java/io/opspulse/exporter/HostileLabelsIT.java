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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Labels are chosen by whoever runs a container. Ones created through the Engine API with a NUL in
 * the compose files label, a megabyte, or control characters must neither stop the exporter's
 * resyncs nor hide the containers that come after them.
 */
@ExtendWith(DockerDaemonExtension.class)
class HostileLabelsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void hostileLabelsAreRefusedPerLabelAndResyncsGoOn(PrivateDockerDaemon docker) throws Exception {
    List<String> ids = new ArrayList<>();
    try (DockerClient api = EngineApi.client(docker)) {
      ids.add(
          create(
              api,
              "nul-files",
              Map.of(
                  ContainerInfo.PROJECT,
                  "evil",
                  ContainerInfo.SERVICE,
                  "x",
                  ComposeLabels.CONFIG_FILES,
                  "a\u0000b.yml",
                  ComposeLabels.WORKING_DIR,
                  "/tmp")));
      ids.add(create(api, "megabyte", Map.of("com.example.note", "x".repeat(1 << 20))));
      ids.add(
          create(
              api,
              "bell",
              Map.of(ContainerInfo.PROJECT, "evil\u0007", "com.example.esc", "\u001b[31mred")));
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
            "three periodic resyncs",
            WAIT,
            () ->
                Exposition.scrape(url)
                        .find("opspulse_exporter_resyncs_total", "cause", "period")
                        .orElse(0.0)
                    >= 3);

        ids.add(create(api, "after-them", Map.of()));
        String after = ids.get(ids.size() - 1).substring(0, 12);
        Poll.untilTrue(
            "a container created afterwards to appear",
            WAIT,
            () -> Exposition.scrape(url).find("docker_container_info", "id", after).isPresent());
        double resyncs =
            Exposition.scrape(url)
                .find("opspulse_exporter_resyncs_total", "cause", "period")
                .orElseThrow();
        Poll.untilTrue(
            "resyncs to keep going",
            WAIT,
            () ->
                Exposition.scrape(url)
                        .find("opspulse_exporter_resyncs_total", "cause", "period")
                        .orElse(0.0)
                    > resyncs + 1);

        Exposition m = Exposition.scrape(url);
        assertThat(m.find("docker_up")).contains(1.0);
        for (String id : ids) {
          assertThat(m.find("docker_container_info", "id", id.substring(0, 12)))
              .as(id)
              .contains(1.0);
        }
        assertThat(
                m.find("opspulse_exporter_container_labels_refused", "reason", "control_character"))
            .contains(3.0);
        assertThat(m.find("opspulse_exporter_container_labels_refused", "reason", "too_long"))
            .contains(1.0);
        assertThat(m.samples("opspulse_exporter_task_failures_total")).isEmpty();
        // Its project label refused, the bell container is outside any compose project, not in a
        // broken one.
        assertThat(
                m.find(
                    "docker_container_info",
                    "id",
                    ids.get(2).substring(0, 12),
                    "compose_project",
                    ""))
            .contains(1.0);
      }
    } finally {
      for (String id : ids) {
        docker.dockerOk("rm", "-f", id);
      }
    }
  }

  private static String create(DockerClient api, String name, Map<String, String> labels) {
    String id =
        api.createContainerCmd(PrivateDockerDaemon.BUSYBOX)
            .withName("hostile-" + name)
            .withLabels(labels)
            .withCmd("sleep", "300")
            .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
            .exec()
            .getId();
    api.startContainerCmd(id).exec();
    return id;
  }
}
