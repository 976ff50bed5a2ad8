package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import io.opspulse.testkit.DockerDaemonExtension;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.exposition.Exposition;
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
 * Real compose projects brought up with Debian's docker-compose (v1, 1.29.2): with zero
 * configuration the exporter finds their files through the containers' labels, as each way of
 * running compose writes them.
 */
@ExtendWith(DockerDaemonExtension.class)
class ComposeProjectIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void zeroConfigurationReconciliationAgainstARealComposeProject(
      PrivateDockerDaemon docker, @TempDir Path dir) throws Exception {
    Path project = Files.createDirectories(dir.resolve("mcpstack"));
    Path file = project.resolve("docker-compose.yml");
    Files.writeString(
        file,
        """
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
        """
            .formatted(PrivateDockerDaemon.BUSYBOX));
    compose(docker, project, "up", "-d");
    try (Exporter exporter =
        new Exporter(
                ExporterConfig.builder()
                    .dockerHost(docker.dockerHost())
                    .listenAddress("127.0.0.1:0")
                    .resyncPeriod(Duration.ofSeconds(1))
                    .build())
            .start()) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue(
          "two running fetch replicas of two",
          WAIT,
          () -> {
            Exposition m = Exposition.scrape(url);
            return m.find(
                            "compose_service_running_replicas",
                            "compose_project",
                            "mcpstack",
                            "compose_service",
                            "fetch")
                        .orElse(0.0)
                    == 2
                && m.find(
                            "compose_service_desired_replicas",
                            "compose_project",
                            "mcpstack",
                            "compose_service",
                            "fetch")
                        .orElse(0.0)
                    == 2;
          });
      Exposition m = Exposition.scrape(url);
      assertThat(
              m.find(
                  "compose_service_desired_replicas",
                  "compose_project",
                  "mcpstack",
                  "compose_service",
                  "consul"))
          .as("a service behind an inactive profile wants no replica")
          .contains(0.0);
      assertThat(
              m.samples(
                  "docker_container_info", s -> s.label("compose_project").equals("mcpstack")))
          .hasSize(3)
          .allSatisfy(s -> assertThat(s.label("origin")).isEqualTo("declared"));
      assertThat(m.samples("opspulse_exporter_compose_file_errors")).isEmpty();

      // The team drops duckduckgo from the file but never runs `down --remove-orphans`.
      Files.writeString(
          file, Files.readString(file).replaceAll("(?s)  duckduckgo:.*?network_mode: none\n", ""));
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 2000));
      Poll.untilTrue(
          "duckduckgo to become an orphan",
          WAIT,
          () ->
              Exposition.scrape(url)
                      .samples(
                          "docker_container_info",
                          s ->
                              s.label("compose_service").equals("duckduckgo")
                                  && s.label("origin").equals("orphan"))
                      .size()
                  == 1);
      assertThat(
              Exposition.scrape(url)
                  .find(
                      "compose_service_desired_replicas",
                      "compose_project",
                      "mcpstack",
                      "compose_service",
                      "duckduckgo"))
          .contains(0.0);
    } finally {
      compose(docker, project, "down", "--timeout", "1", "--remove-orphans");
    }
  }

  @Test
  void composeV1RunFromAParentFolderWithDashFAndADotEnv(
      PrivateDockerDaemon docker, @TempDir Path dir) throws Exception {
    // `cd workspace && docker-compose -f relstack/app.yml up -d`: v1 writes config_files relative
    // to the
    // folder it ran in, which no label records, and reads relstack/.env.
    Path workspace = Files.createDirectories(dir.resolve("workspace"));
    Path stack = Files.createDirectories(workspace.resolve("relstack"));
    Files.writeString(
        stack.resolve("app.yml"),
        """
        services:
          api:
            image: ${IMAGE}
            command: ["sleep", "300"]
            network_mode: none
            scale: ${API_REPLICAS:-1}
          worker:
            image: ${IMAGE}
            command: ["sleep", "300"]
            network_mode: none
        """);
    Files.writeString(
        stack.resolve(".env"), "IMAGE=" + PrivateDockerDaemon.BUSYBOX + "\nAPI_REPLICAS=2\n");
    shell(docker, "cd '" + workspace + "' && docker-compose -f relstack/app.yml up -d");
    try {
      String api =
          docker
              .dockerOk(
                  "ps",
                  "-q",
                  "--filter",
                  "label=com.docker.compose.project=relstack",
                  "--filter",
                  "label=com.docker.compose.service=api")
              .lines()
              .findFirst()
              .orElseThrow();
      assertThat(
              docker
                  .dockerOk(
                      "inspect",
                      "-f",
                      "{{index .Config.Labels \"com.docker.compose.project.config_files\"}}|"
                          + "{{index .Config.Labels \"com.docker.compose.project.working_dir\"}}",
                      api)
                  .strip())
          .as("what compose v1 writes")
          .isEqualTo("relstack/app.yml|" + stack.toRealPath());
      try (Exporter exporter = zeroConfigExporter(docker)) {
        String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
        Poll.untilTrue(
            "relstack/api declared 2 (from .env) and running 2",
            WAIT,
            () -> {
              Exposition m = Exposition.scrape(url);
              return m.find(
                              "compose_service_desired_replicas",
                              "compose_project",
                              "relstack",
                              "compose_service",
                              "api")
                          .orElse(0.0)
                      == 2
                  && m.find(
                              "compose_service_running_replicas",
                              "compose_project",
                              "relstack",
                              "compose_service",
                              "api")
                          .orElse(0.0)
                      == 2;
            });
        Exposition m = Exposition.scrape(url);
        assertThat(
                m.find(
                    "compose_service_desired_replicas",
                    "compose_project",
                    "relstack",
                    "compose_service",
                    "worker"))
            .contains(1.0);
        assertThat(
                m.samples(
                    "docker_container_info", s -> s.label("compose_project").equals("relstack")))
            .hasSize(3)
            .allSatisfy(s -> assertThat(s.label("origin")).isEqualTo("declared"));
        assertThat(m.samples("opspulse_exporter_compose_file_errors")).isEmpty();
      }
    } finally {
      shell(
          docker, "cd '" + workspace + "' && docker-compose -f relstack/app.yml down --timeout 1");
    }
  }

  @Test
  void oneFileBroughtUpUnderTwoProjectNamesIsReconciledForBoth(
      PrivateDockerDaemon docker, @TempDir Path dir) throws Exception {
    Path project = Files.createDirectories(dir.resolve("shared"));
    Files.writeString(
        project.resolve("docker-compose.yml"),
        """
        services:
          web:
            image: %s
            command: ["sleep", "300"]
            network_mode: none
            scale: 2
        """
            .formatted(PrivateDockerDaemon.BUSYBOX));
    compose(docker, project, "-p", "blue", "up", "-d");
    compose(docker, project, "-p", "green", "up", "-d");
    try (Exporter exporter = zeroConfigExporter(docker)) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue(
          "blue and green each declared 2 and running 2",
          WAIT,
          () -> {
            Exposition m = Exposition.scrape(url);
            for (String p : new String[] {"blue", "green"}) {
              if (m.find(
                              "compose_service_desired_replicas",
                              "compose_project",
                              p,
                              "compose_service",
                              "web")
                          .orElse(0.0)
                      != 2
                  || m.find(
                              "compose_service_running_replicas",
                              "compose_project",
                              p,
                              "compose_service",
                              "web")
                          .orElse(0.0)
                      != 2) {
                return false;
              }
            }
            return true;
          });
      Exposition m = Exposition.scrape(url);
      assertThat(
              m.samples(
                  "docker_container_info", s -> s.label("compose_project").matches("blue|green")))
          .hasSize(4)
          .allSatisfy(s -> assertThat(s.label("origin")).isEqualTo("declared"));
      assertThat(m.samples("opspulse_exporter_compose_file_errors")).isEmpty();
    } finally {
      compose(docker, project, "-p", "blue", "down", "--timeout", "1");
      compose(docker, project, "-p", "green", "down", "--timeout", "1");
    }
  }

  @Test
  void servicesOfAnIncludedFileAreDeclaredAndABrokenIncludeIsAnErrorUntilFixed(
      PrivateDockerDaemon docker, @TempDir Path dir) throws Exception {
    Path app = Files.createDirectories(dir.resolve("incapp"));
    Path common = Files.createDirectories(dir.resolve("common"));
    Path cache = common.resolve("cache.yaml");
    Files.writeString(
        cache, "services:\n  cache:\n    image: busybox\n    scale: ${CACHE_REPLICAS:-1}\n");
    Files.writeString(common.resolve(".env"), "CACHE_REPLICAS=2\n");
    Path top = app.resolve("compose.yaml");
    Files.writeString(
        top, "include:\n  - ../common/cache.yaml\nservices:\n  web:\n    image: busybox\n");
    // v1 does not know include: (it came with compose v2.20) and refuses the file ...
    CommandResult v1 =
        Commands.run(
            List.of("docker-compose", "-f", top.toString(), "config"),
            Map.of("DOCKER_HOST", docker.dockerHost()),
            null,
            Duration.ofSeconds(60));
    assertThat(v1.exitCode()).isNotZero();
    assertThat(v1.stderr()).contains("include");
    // ... so the containers get the labels compose v2 writes for it: the top file only, absolute.
    List<String> ids = new java.util.ArrayList<>();
    for (String service : new String[] {"web", "cache", "cache"}) {
      ids.add(
          docker
              .dockerOk(
                  "run",
                  "-d",
                  "--network",
                  "none",
                  "--label",
                  "com.docker.compose.project=incapp",
                  "--label",
                  "com.docker.compose.service=" + service,
                  "--label",
                  "com.docker.compose.oneoff=False",
                  "--label",
                  "com.docker.compose.project.config_files=" + top,
                  "--label",
                  "com.docker.compose.project.working_dir=" + app,
                  PrivateDockerDaemon.BUSYBOX,
                  "sleep",
                  "300")
              .strip());
    }
    try (Exporter exporter = zeroConfigExporter(docker)) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue(
          "the included cache service declared 2 and running 2",
          WAIT,
          () -> {
            Exposition m = Exposition.scrape(url);
            return m.find(
                            "compose_service_desired_replicas",
                            "compose_project",
                            "incapp",
                            "compose_service",
                            "cache")
                        .orElse(0.0)
                    == 2
                && m.find(
                            "compose_service_running_replicas",
                            "compose_project",
                            "incapp",
                            "compose_service",
                            "cache")
                        .orElse(0.0)
                    == 2;
          });
      Exposition m = Exposition.scrape(url);
      assertThat(
              m.find(
                  "compose_service_desired_replicas",
                  "compose_project",
                  "incapp",
                  "compose_service",
                  "web"))
          .contains(1.0);
      assertThat(
              m.samples("docker_container_info", s -> s.label("compose_project").equals("incapp")))
          .hasSize(3)
          .allSatisfy(s -> assertThat(s.label("origin")).isEqualTo("declared"));

      // The included file breaks: the top file's error has a fixed reason, and goes when it is
      // fixed.
      Files.writeString(cache, "services:\n  cache: [\n");
      Files.setLastModifiedTime(cache, FileTime.fromMillis(System.currentTimeMillis() + 2000));
      Poll.untilTrue(
          "a yaml_syntax error for the top file",
          WAIT,
          () ->
              Exposition.scrape(url)
                      .find(
                          "opspulse_exporter_compose_file_errors",
                          "path",
                          top.toString(),
                          "reason",
                          "yaml_syntax")
                      .orElse(0.0)
                  == 1);
      Files.writeString(cache, "services:\n  cache:\n    image: busybox\n    scale: 3\n");
      Files.setLastModifiedTime(cache, FileTime.fromMillis(System.currentTimeMillis() + 4000));
      Poll.untilTrue(
          "the error gone and cache declared 3",
          WAIT,
          () -> {
            Exposition now = Exposition.scrape(url);
            return now.samples("opspulse_exporter_compose_file_errors").isEmpty()
                && now.find(
                            "compose_service_desired_replicas",
                            "compose_project",
                            "incapp",
                            "compose_service",
                            "cache")
                        .orElse(0.0)
                    == 3;
          });
    } finally {
      docker.dockerOk(
          java.util.stream.Stream.concat(java.util.stream.Stream.of("rm", "-f"), ids.stream())
              .toArray(String[]::new));
    }
  }

  @Test
  void aContainerWithANulInItsComposeLabelIsCountedAndTheOthersStillReconcile(
      PrivateDockerDaemon docker, @TempDir Path dir) throws Exception {
    Path project = Files.createDirectories(dir.resolve("calm"));
    Files.writeString(
        project.resolve("docker-compose.yml"),
        """
        services:
          web:
            image: %s
            command: ["sleep", "300"]
            network_mode: none
        """
            .formatted(PrivateDockerDaemon.BUSYBOX));
    compose(docker, project, "up", "-d");
    // Through the Engine API, as anyone who may run a container can: a NUL no command line can
    // pass.
    CommandResult created =
        Commands.run(
            List.of(
                "curl",
                "-sS",
                "--unix-socket",
                docker.socket().toString(),
                "-H",
                "Content-Type: application/json",
                "-X",
                "POST",
                "http://localhost/containers/create?name=hostile-nul",
                "--data-binary",
                "{\"Image\":\""
                    + PrivateDockerDaemon.BUSYBOX
                    + "\",\"Cmd\":[\"sleep\",\"300\"],"
                    + "\"Labels\":{\"com.docker.compose.project\":\"evil\",\"com.docker.compose.service\":\"x\","
                    + "\"com.docker.compose.project.config_files\":\"a\\u0000b.yml\","
                    + "\"com.docker.compose.project.working_dir\":\"/tmp\"}}"),
            Map.of(),
            null,
            Duration.ofSeconds(30));
    assertThat(created.stdout()).as(created.stderr()).contains("\"Id\"");
    docker.dockerOk("start", "hostile-nul");
    try (Exporter exporter = zeroConfigExporter(docker)) {
      String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
      Poll.untilTrue(
          "the refusal counted and calm/web declared",
          WAIT,
          () -> {
            Exposition m = Exposition.scrape(url);
            // Refused where labels are read, before compose ever sees it: the container is still
            // tracked.
            return m.find(
                            "opspulse_exporter_container_labels_refused",
                            "reason",
                            "control_character")
                        .orElse(0.0)
                    == 1
                && m.find(
                            "compose_service_desired_replicas",
                            "compose_project",
                            "calm",
                            "compose_service",
                            "web")
                        .orElse(0.0)
                    == 1;
          });
      assertThat(
              Exposition.scrape(url)
                  .samples("docker_container_info", s -> "hostile-nul".equals(s.label("name"))))
          .singleElement()
          .satisfies(s -> assertThat(s.label("compose_project")).isEqualTo("evil"));
      // New containers still appear: the refusal stopped nothing.
      compose(docker, project, "up", "-d", "--scale", "web=2");
      Poll.untilTrue(
          "calm/web running 2",
          WAIT,
          () ->
              Exposition.scrape(url)
                      .find(
                          "compose_service_running_replicas",
                          "compose_project",
                          "calm",
                          "compose_service",
                          "web")
                      .orElse(0.0)
                  == 2);
    } finally {
      docker.dockerOk("rm", "-f", "hostile-nul");
      compose(docker, project, "down", "--timeout", "1");
    }
  }

  private static Exporter zeroConfigExporter(PrivateDockerDaemon docker) throws Exception {
    return new Exporter(
            ExporterConfig.builder()
                .dockerHost(docker.dockerHost())
                .listenAddress("127.0.0.1:0")
                .resyncPeriod(Duration.ofSeconds(1))
                .build())
        .start();
  }

  private static void shell(PrivateDockerDaemon docker, String script) {
    CommandResult r =
        Commands.run(
            List.of("sh", "-c", script),
            Map.of("DOCKER_HOST", docker.dockerHost()),
            null,
            Duration.ofSeconds(120));
    assertThat(r.exitCode()).as("%s: %s %s", script, r.stdout(), r.stderr()).isZero();
  }

  private static void compose(PrivateDockerDaemon docker, Path project, String... args) {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "docker-compose",
                "--project-directory",
                project.toString(),
                "-f",
                project.resolve("docker-compose.yml").toString()));
    cmd.addAll(List.of(args));
    CommandResult r =
        Commands.run(
            cmd, Map.of("DOCKER_HOST", docker.dockerHost()), null, Duration.ofSeconds(120));
    assertThat(r.exitCode())
        .as("docker-compose %s: %s %s", String.join(" ", args), r.stdout(), r.stderr())
        .isZero();
  }
}
