package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real compose project brought up with Debian's docker-compose: with zero configuration the exporter
 * finds its files through the containers' labels, and a service dropped from the file becomes an orphan.
 */
@ExtendWith(DockerDaemonExtension.class)
class ComposeProjectIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void zeroConfigurationReconciliationAgainstARealComposeProject(PrivateDockerDaemon docker, @TempDir Path dir)
      throws Exception {
    Path project = Files.createDirectories(dir.resolve("mcpstack"));
    Path file = project.resolve("docker-compose.yml");
    Files.writeString(file, """
        services:
          fetch:
            image: %1$s
            command: ["sleep", "300"]
            network_mode: none
            scale: 2
          duckduckgo:
            image: %1$s
            command: ["sleep", "300"]
            network_mode: none
          consul:
            image: %1$s
            command: ["sleep", "300"]
            network_mode: none
            profiles: [infra]
        """.formatted(PrivateDockerDaemon.BUSYBOX));
    compose(docker, project, "up", "-d");
    try (Exporter exporter = new Exporter(ExporterConfig.builder().dockerHost(docker.dockerHost())
        .listenAddress("127.0.0.1:0").resyncPeriod(Duration.ofSeconds(1)).build()).start()) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue("two running fetch replicas of two", WAIT, () -> {
        MetricsText m = MetricsText.scrape(url);
        return m.value("compose_service_running_replicas", "compose_project", "mcpstack", "compose_service", "fetch")
            .orElse(0.0) == 2 && m.value("compose_service_desired_replicas", "compose_project", "mcpstack",
            "compose_service", "fetch").orElse(0.0) == 2;
      });
      MetricsText m = MetricsText.scrape(url);
      assertThat(m.value("compose_service_desired_replicas", "compose_project", "mcpstack", "compose_service", "consul"))
          .as("a service behind an inactive profile wants no replica").contains(0.0);
      assertThat(m.all("docker_container_info", s -> s.label("compose_project").equals("mcpstack")))
          .hasSize(3).allSatisfy(s -> assertThat(s.label("origin")).isEqualTo("declared"));
      assertThat(m.all("opspulse_exporter_compose_file_errors", s -> true)).isEmpty();

      // The team drops duckduckgo from the file but never runs `down --remove-orphans`.
      Files.writeString(file, Files.readString(file).replaceAll("(?s)  duckduckgo:.*?network_mode: none\n", ""));
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 2000));
      Poll.untilTrue("duckduckgo to become an orphan", WAIT, () -> MetricsText.scrape(url).all("docker_container_info",
          s -> s.label("compose_service").equals("duckduckgo") && s.label("origin").equals("orphan")).size() == 1);
      assertThat(MetricsText.scrape(url).value("compose_service_desired_replicas", "compose_project", "mcpstack",
          "compose_service", "duckduckgo")).contains(0.0);
    } finally {
      compose(docker, project, "down", "--timeout", "1", "--remove-orphans");
    }
  }

  private static void compose(PrivateDockerDaemon docker, Path project, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("docker-compose", "--project-directory", project.toString(),
        "-f", project.resolve("docker-compose.yml").toString()));
    cmd.addAll(List.of(args));
    CommandResult r = Commands.run(cmd, Map.of("DOCKER_HOST", docker.dockerHost()), null, Duration.ofSeconds(120));
    assertThat(r.exitCode()).as("docker-compose %s: %s %s", String.join(" ", args), r.stdout(), r.stderr()).isZero();
  }
}
